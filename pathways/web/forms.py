"""Forms of the pages: searching for people, filtering a chronology, recording consent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst

from pathways.events.models import EventKind


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or agency reference",
        help_text="For example “Smith”, “John Smith 12/03/2004” or a reference such as “P123456”.",
        max_length=200,
        required=False,
        strip=True,
    )


class ChronologyFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Show", choices=(), required=False)

    def __init__(self, *args: Any, counts: dict[str, int] | None = None, **kwargs: Any) -> None:
        """`counts`: events of each kind the user may see, shown beside each choice."""
        super().__init__(*args, **kwargs)
        counts = counts or {}
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", f"All kinds of event ({sum(counts.values())})"),
            *(
                (value, f"{capfirst(label)} ({counts.get(value, 0)})")
                for value, label in EventKind.choices
            ),
        ]

    def chosen_kind(self) -> str:
        """The kind to filter by, or "" for all (an unknown kind shows all)."""
        if self.is_valid():
            return str(self.cleaned_data["kind"])
        return ""


def _not_in_future(day: dt.date) -> None:
    if day > timezone.localdate():
        raise forms.ValidationError("The date cannot be in the future.")


def _today() -> str:
    return timezone.localdate().strftime("%d/%m/%Y")


def past_date_field(label: str) -> forms.DateField:
    """A date written day first (or ISO), today by default, never in the future."""
    return forms.DateField(
        label=label,
        help_text="For example 23/11/2026.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        initial=_today,
        validators=[_not_in_future],
        widget=forms.DateInput(attrs={"class": "ds_input ds_input--fixed-10"}),
    )


class ConsentForm(forms.Form):
    answer = forms.ChoiceField(
        label="The person's answer",
        choices=[("given", "Consent given"), ("refused", "Consent refused")],
        widget=forms.RadioSelect,
    )
    on = past_date_field("Date of the answer")
    method = forms.ChoiceField(
        label="How the person answered",
        choices=[("verbal", "Verbally, with a witness"), ("signed_form", "On a signed form")],
        widget=forms.RadioSelect,
    )
    witness = forms.CharField(
        label="Witness (for a verbal answer)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "ds_input ds_input--fixed-20"}),
    )
    scan = forms.FileField(
        label="Scan of the signed form",
        required=False,
        help_text="A PDF or image of the form the person signed.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == "verbal" and not data.get("witness", "").strip():
            self.add_error("witness", "Give the name of the witness to a verbal answer.")
        if data.get("method") == "signed_form" and not data.get("scan"):
            self.add_error("scan", "Attach the scan of the signed form.")
        return data


class WithdrawalForm(forms.Form):
    on = past_date_field("Date consent was withdrawn")
    reason = forms.CharField(
        label="Why the person withdrew",
        help_text="In the person's own words if possible.",
        max_length=500,
        widget=forms.Textarea(attrs={"class": "ds_input", "rows": 3}),
    )


class QueueFilterForm(forms.Form):
    """Which of the user's queues to show, and in what order."""

    service = forms.ChoiceField(label="Service", choices=(), required=False)
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[
            ("score", "Highest priority first"),
            ("recent", "Most recent event first"),
            ("found", "Most recently found first"),
            ("name", "By name"),
        ],
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "All your services"), *services]  # type: ignore[attr-defined]

    def chosen(self) -> tuple[str | None, str]:
        """The service to show (None: all) and the order; anything unknown is ignored."""
        if not self.is_valid():
            return None, "score"
        return self.cleaned_data["service"] or None, self.cleaned_data["sort"] or "score"


class DismissForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why is this person not to be referred?",
        widget=forms.RadioSelect,
        choices=(),
    )
    note = forms.CharField(
        label="Note",
        help_text="Needed when the reason is other. The team and the audit see it.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from pathways.identification.models import Candidate

        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            (value, capfirst(label)) for value, label in Candidate.DismissReason.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == "other" and not data.get("note", "").strip():
            self.add_error("note", "Say why, when the reason is other.")
        return data


class ReferForm(forms.Form):
    note = forms.CharField(
        label="Why refer (optional)",
        help_text="Recorded with the referral's first step; the rule's explanation is kept anyway.",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
    )


class ReferralStepForm(forms.Form):
    """A step on a referral with an optional note (approve, send, accept)."""

    note = forms.CharField(
        label="Note (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "ds_input"}),
    )


class ReferralReasonForm(ReferralStepForm):
    """A step that needs a coded reason (decline, withdraw); `other` needs the note."""

    reason = forms.ChoiceField(label="Reason", widget=forms.RadioSelect, choices=())

    def __init__(self, *args: Any, reasons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [(v, capfirst(label)) for v, label in reasons]  # type: ignore[attr-defined]
        self.order_fields(["reason", "note"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == "other" and not data.get("note", "").strip():
            self.add_error("note", "Say why, when the reason is other.")
        return data


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
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
    )
    concerns = forms.CharField(
        label="Concerns",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "ds_input"}),
    )
    notify_referrer = forms.BooleanField(
        label="Tell the referrer about the concern", required=False
    )

    def __init__(self, *args: Any, first: bool = False, **kwargs: Any) -> None:
        from pathways.cases.models import Contact

        super().__init__(*args, **kwargs)
        choices = Contact.Attendance.choices
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
        from pathways.cases.models import FocusArea

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
        from pathways.cases.models import EngagementPlan, FocusArea

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


class CustodyVisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=[
            ("seen", "Seen"),
            ("declined", "Did not want to talk"),
            ("not_seen", "Released or moved before being seen"),
        ],
    )
    seen_on = past_date_field("Date")
    conversation = forms.CharField(
        label="The conversation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "ds_input"}),
    )
    signposted_to = forms.MultipleChoiceField(
        label="Signposted to", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from pathways.partners.models import Service

        super().__init__(*args, **kwargs)
        self.fields["signposted_to"].choices = list(  # type: ignore[attr-defined]
            Service.objects.exclude(code="POP_CUSTODY").order_by("name").values_list("code", "name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("signposted_to") and data.get("outcome") != "seen":
            self.add_error("signposted_to", "Only a person who was seen can be signposted.")
        return data


class NewReferralForm(forms.Form):
    """Referring a person the user can see: by a partner agency, a self-referral, or
    from custody."""

    service = forms.ChoiceField(label="Refer to", choices=())
    route = forms.ChoiceField(
        label="How the referral came",
        widget=forms.RadioSelect,
        choices=[
            ("partner", "Referred by our agency"),
            ("self", "The person asked to be referred (self-referral)"),
            ("custody", "From police custody"),
            ("other", "Other"),
        ],
    )
    reason = forms.CharField(
        label="Why refer",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from pathways.partners.models import Service

        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a service"),
            *Service.objects.order_by("name").values_list("code", "name"),
        ]


def _last_financial_year() -> tuple[dt.date, dt.date]:
    """The latest complete financial year (April to March) before today."""
    today = timezone.localdate()
    ends = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return dt.date(ends.year - 1, 4, 1), ends


_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "ds_input"})
_SELECT = forms.Select(attrs={"class": "ds_select"})


class OutcomeFilterForm(forms.Form):
    """The dashboard's filters. Empty fields take their defaults (every diversion service,
    the last financial year, as of today)."""

    service = forms.MultipleChoiceField(
        label="Services", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every diversion service.",
    )  # fmt: skip
    period_from = forms.DateField(
        label="From", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="The first day of the period.", widget=_DATE,
    )  # fmt: skip
    period_to = forms.DateField(
        label="To", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="The first day after the period.", widget=_DATE,
    )  # fmt: skip
    as_of = forms.DateField(
        label="Data complete to", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Nothing after this day is counted (today if empty).", widget=_DATE,
    )  # fmt: skip
    area = forms.ChoiceField(label="Area", required=False, widget=_SELECT)
    sex = forms.ChoiceField(label="Sex", required=False, widget=_SELECT)
    age_band = forms.ChoiceField(label="Age band", required=False, widget=_SELECT)
    figures = forms.ChoiceField(
        label="Figures", required=False, widget=forms.RadioSelect,
        choices=[("published", "Published (small numbers suppressed)"),
                 ("unsuppressed", "Unsuppressed (analysts only; audited)")],
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        services: list[tuple[str, str]],
        areas: list[tuple[str, str]],
        age_bands: tuple[str, ...],
        sexes: list[tuple[str, str]],
        may_unsuppress: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = services  # type: ignore[attr-defined]
        self.fields["area"].choices = [("", "Every area"), *areas]  # type: ignore[attr-defined]
        self.fields["sex"].choices = [("", "Every sex"), *sexes]  # type: ignore[attr-defined]
        self.fields["age_band"].choices = [  # type: ignore[attr-defined]
            ("", "Every age"),
            *((band, band) for band in age_bands),
        ]
        if not may_unsuppress:
            del self.fields["figures"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, after = _last_financial_year()
        cleaned["period_from"] = cleaned.get("period_from") or first
        cleaned["period_to"] = cleaned.get("period_to") or after
        cleaned["as_of"] = cleaned.get("as_of") or timezone.localdate()
        if cleaned["period_to"] <= cleaned["period_from"]:
            self.add_error("period_to", "The period must end after it starts.")
        return cleaned


class LinkDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these records the same person?",
        widget=forms.RadioSelect,
        choices=(
            ("same", "Yes: the same person. Link them."),
            ("different", "No: different people. Keep them apart."),
        ),
        error_messages={"required": "Choose whether the records are the same person."},
    )
    reason = forms.CharField(
        label="Why",
        help_text="What settled it: kept with the decision and in the audit.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
        error_messages={"required": "Say why: the next person to look will read it."},
    )


class SplitForm(forms.Form):
    records = forms.MultipleChoiceField(
        label="Records that are not this person",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        error_messages={"required": "Choose the records that are someone else."},
    )
    reason = forms.CharField(
        label="Why",
        help_text="Kept with the split and in the audit.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
        error_messages={"required": "Say why these records are someone else."},
    )

    def __init__(self, *args: Any, records: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), f"{r.agency.name} {r.person_ref}") for r in records
        ]
