"""Recording a person's consent to a service, and its withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.web.forms.dates import past_date_field


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
