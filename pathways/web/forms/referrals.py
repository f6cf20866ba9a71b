"""Making a referral, and the steps of the referral pathway."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst

from pathways.partners.models import Service


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
    also = forms.BooleanField(
        label="Refer to this service as well as the one the person is already referred to",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a service"),
            *Service.objects.order_by("name").values_list("code", "name"),
        ]
