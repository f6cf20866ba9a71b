"""Correcting a case record: the record's own form, filled with what it holds now, and
the reason for the correction (required: it is kept with the old and new values)."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.cases.amendments import WHY_LIMIT
from pathways.web.forms.custody import CustodyVisitForm
from pathways.web.forms.dates import past_date_field
from pathways.web.forms.engagement import ContactForm


def why_field() -> forms.CharField:
    return forms.CharField(
        label="Why the correction",
        help_text="Kept with the old and new values, and shown to whoever reads the record.",
        max_length=WHY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2, "class": "ds_input"}),
    )


class CorrectContactForm(ContactForm):
    why = why_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("notify_referrer")  # a correction tells no one again


class CorrectEngagementDatesForm(forms.Form):
    started_on = past_date_field("Date the engagement started")
    ended_on = past_date_field("Date it ended")
    why = why_field()

    def __init__(self, *args: Any, ended: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ended:
            self.fields.pop("ended_on")


class CorrectVisitForm(CustodyVisitForm):
    why = why_field()


class CorrectConsentForm(forms.Form):
    on = past_date_field("Date consent was given")
    witness = forms.CharField(
        label="Witness (for verbal consent)", max_length=200, required=False,
        widget=forms.TextInput(attrs={"class": "ds_input"}),
    )  # fmt: skip
    why = why_field()
