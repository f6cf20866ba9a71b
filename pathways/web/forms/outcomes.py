"""Choosing the outcome figures: services, period, and the groups to narrow to."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from pathways.partners.models import Team


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


class CaseworkFigureForm(forms.Form):
    """Justice social work's figures: the period, the date complete to, one team."""

    period_from = forms.DateField(label="From", required=False, widget=_DATE,
                                  input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                  help_text="The first day of the period.")  # fmt: skip
    period_to = forms.DateField(label="To", required=False, widget=_DATE,
                                input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                                help_text="The first day after the period.")  # fmt: skip
    as_of = forms.DateField(
        label="Data complete to", required=False, widget=_DATE,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="Nothing after this day is counted (today if empty).",
    )  # fmt: skip
    team = forms.ChoiceField(label="Team", required=False, widget=_SELECT)
    figures = forms.ChoiceField(
        label="Figures", required=False, widget=forms.RadioSelect,
        choices=[("published", "Published (small numbers suppressed)"),
                 ("unsuppressed", "Unsuppressed (analysts only; audited)")],
    )  # fmt: skip

    def __init__(self, *args: Any, may_unsuppress: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(agency_id="HSCP_CJSW", service__isnull=True).order_by("name")
        self.fields["team"].choices = [("", "Every team"), *teams.values_list("code", "name")]  # type: ignore[attr-defined]
        if not may_unsuppress:
            del self.fields["figures"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, after = _last_financial_year()
        cleaned["period_from"] = cleaned.get("period_from") or first
        cleaned["period_to"] = cleaned.get("period_to") or after
        cleaned["as_of"] = cleaned.get("as_of") or timezone.localdate()
        return cleaned
