"""Dates the forms take: day first, as written in the UK, never in the future."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone


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
