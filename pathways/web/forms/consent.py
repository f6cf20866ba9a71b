"""Recording a person's consent to a service, and its withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import capfirst

from pathways.partners.reasons import reason_choices
from pathways.referrals.scans import MAX_SCAN_BYTES, ScanRefused, check_scan
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
        help_text="A PDF, PNG, JPEG or TIFF file of the form the person signed, "
        f"at most {MAX_SCAN_BYTES // (1024 * 1024)} MB.",
    )

    def clean_scan(self) -> UploadedFile | None:
        """The scan, checked by its bytes (pathways.referrals.scans), not its name."""
        scan: UploadedFile | None = self.cleaned_data.get("scan")
        if scan is None:
            return None
        try:
            check_scan(scan.chunks(), scan.name or "")
        except ScanRefused as error:
            raise forms.ValidationError(str(error), code="scan") from None
        return scan

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == "verbal" and not data.get("witness", "").strip():
            self.add_error("witness", "Give the name of the witness to a verbal answer.")
        if data.get("method") == "signed_form" and not data.get("scan"):
            self.add_error("scan", "Attach the scan of the signed form.")
        return data


class WithdrawalForm(forms.Form):
    on = past_date_field("Date consent was withdrawn")
    reason = forms.ChoiceField(label="Why the person withdrew", widget=forms.RadioSelect)
    note = forms.CharField(
        label="In the person's own words",
        help_text="Needed when the reason is other.",
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"class": "ds_input", "rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            (code, capfirst(label)) for code, label in reason_choices("consent_withdrawal")
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == "other" and not data.get("note", "").strip():
            self.add_error("note", "Say why, in the person's words, when the reason is other.")
        return data
