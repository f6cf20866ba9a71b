"""The candidate queue's filter, and the team's decision on a candidate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst

from pathways.partners.reasons import reason_choices


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
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            (value, capfirst(label)) for value, label in reason_choices("dismiss")
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
    also = forms.BooleanField(
        label="Refer to this service as well as the one the person is already referred to",
        required=False,
    )
