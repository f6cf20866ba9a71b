"""Asking for the data protection officer's jobs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from pathways.partners.capabilities import RESEARCH_EXTRACT, has_capability


class SubjectAccessForm(forms.Form):
    person_id = forms.IntegerField(
        label="The person's Pathways id",
        min_value=1,
        help_text="On the person's page and in the audit. Check who the person is first: "
        "the bundle holds everything every agency holds about them.",
        widget=forms.NumberInput(attrs={"class": "ds_input ds_input--fixed-10"}),
    )


class ResearchExtractForm(forms.Form):
    username = forms.ChoiceField(label="The researcher it is for", choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        active = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["username"].choices = [  # type: ignore[attr-defined]
            (u.get_username(), f"{u.get_full_name() or u.get_username()} ({u.get_username()})")
            for u in active
            if has_capability(u, RESEARCH_EXTRACT)
        ]


class RetentionForm(forms.Form):
    mode = forms.ChoiceField(
        label="What to do",
        widget=forms.RadioSelect,
        choices=[
            ("count", "Count what is past its retention period (nothing changes)"),
            ("apply", "Remove and anonymise what is past its retention period"),
        ],
    )
    confirm = forms.BooleanField(
        label="I have counted first, and what is due may be removed for good",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == "apply" and not data.get("confirm"):
            self.add_error("confirm", "Confirm that what is due may be removed for good.")
        return data
