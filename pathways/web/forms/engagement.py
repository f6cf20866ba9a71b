"""Working an engagement: the first contact and the plan, contacts, the end."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst

from pathways.cases.limits import CONTACT_CONCERNS, CONTACT_NOTES
from pathways.cases.models import ENGAGEMENT_OUTCOMES, Contact, EngagementPlan, FocusArea
from pathways.web.forms.dates import past_date_field


class ContactForm(forms.Form):
    """A contact and whether it happened."""

    on = past_date_field("Date of the contact")
    attendance = forms.ChoiceField(label="Attendance", widget=forms.RadioSelect, choices=())
    reason = forms.CharField(
        label="Why late, or why it did not happen",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"class": "ds_input"}),
    )
    notes = forms.CharField(
        label="Engagement and progress",
        required=False,
        max_length=CONTACT_NOTES,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
    )
    concerns = forms.CharField(
        label="Concerns",
        required=False,
        max_length=CONTACT_CONCERNS,
        widget=forms.Textarea(attrs={"rows": 2, "class": "ds_input"}),
    )
    notify_referrer = forms.BooleanField(
        label="Tell the referrer about the concern", required=False
    )

    def __init__(self, *args: Any, first: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [c for c in Contact.Attendance.choices if c[0] in ENGAGEMENT_OUTCOMES]
        if first:  # engagement starts at a contact that happened
            choices = [c for c in choices if c[0] in ("attended", "late")]
        self.fields["attendance"].choices = [(v, capfirst(label)) for v, label in choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("attendance") not in (None, "attended") and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the person was late or the contact did not happen.")
        return data


class StartEngagementForm(ContactForm):
    focus_areas = forms.MultipleChoiceField(
        label="The plan's focus areas",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, first=True, **kwargs)
        self.fields["focus_areas"].choices = [  # type: ignore[attr-defined]
            (v, capfirst(label)) for v, label in FocusArea.choices
        ]
        self.order_fields(["focus_areas", "on", "attendance", "reason", "notes", "concerns"])


class EndEngagementForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How the engagement ended",
        widget=forms.RadioSelect,
        choices=[
            ("completed", "Completed"),
            ("disengaged", "The person disengaged"),
            ("closed", "Closed for another reason"),
        ],
    )
    closing_reason = forms.ChoiceField(
        label="Why closed (when closed)",
        required=False,
        choices=[
            ("", "—"),
            ("moved_away", "Moved away"),
            ("custody", "In custody"),
            ("other", "Other"),
        ],
    )
    on = past_date_field("Date it ended")
    note = forms.CharField(
        label="Summary",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
    )

    def __init__(self, *args: Any, focus_areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.focus_areas = focus_areas
        for area in focus_areas:
            self.fields[f"rating_{area}"] = forms.ChoiceField(
                label=f"{capfirst(FocusArea(area).label)}: how did it go?",
                widget=forms.RadioSelect,
                choices=[(v, capfirst(label)) for v, label in EngagementPlan.Rating.choices],
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "closed" and not data.get("closing_reason"):
            self.add_error("closing_reason", "Say why the engagement was closed.")
        return data

    def ratings(self) -> dict[str, str]:
        return {area: self.cleaned_data[f"rating_{area}"] for area in self.focus_areas}
