"""Justice social work's forms: a session or appointment on an order, a warning, a breach
report, a court report's submission, and a squad's register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst

from pathways.cases.models import Contact
from pathways.casework.models import CourtReport, Level, Project
from pathways.web.forms.dates import past_date_field

TEXT = {"class": "ds_input"}


def _choices(pairs: Any, blank: str = "") -> list[tuple[str, str]]:
    found = [(v, capfirst(label)) for v, label in pairs]
    return [("", blank), *found] if blank else found


class SessionForm(forms.Form):
    """A supervision appointment or a session of unpaid work or other activity."""

    kind = forms.ChoiceField(label="What", widget=forms.RadioSelect, choices=())
    on = forms.DateField(
        label="Date", help_text="For example 23/11/2026. A date ahead books it.",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"class": "ds_input ds_input--fixed-10"}),
    )  # fmt: skip
    mode = forms.ChoiceField(label="How (an appointment)", required=False, choices=())
    project = forms.ChoiceField(label="Project (a session)", required=False, choices=())
    hours_offered = forms.DecimalField(
        label="Hours offered (a session)", required=False, min_value=0, max_value=24,
        decimal_places=2, widget=forms.NumberInput(attrs={"class": "ds_input ds_input--fixed-4",
                                                          "step": "0.25"}),
    )  # fmt: skip
    attendance = forms.ChoiceField(
        label="What happened", required=False, widget=forms.RadioSelect, choices=(),
        help_text="Leave empty to book it ahead.",
    )  # fmt: skip
    hours_credited = forms.DecimalField(
        label="Hours worked (sent home)", required=False, min_value=0, max_value=24,
        decimal_places=2, help_text="Attended: the hours offered are credited.",
        widget=forms.NumberInput(attrs={"class": "ds_input ds_input--fixed-4", "step": "0.25"}),
    )  # fmt: skip
    reason = forms.CharField(label="Why (late, absent, sent home)", max_length=300,
                             required=False, widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    evidence = forms.CharField(label="Evidence of an acceptable absence", max_length=300,
                               required=False, widget=forms.TextInput(attrs=TEXT))  # fmt: skip

    def __init__(self, *args: Any, kinds: list[str], projects: list[Project], **kw: Any) -> None:
        super().__init__(*args, **kw)
        labels = dict(Contact.Kind.choices)
        self.fields["kind"].choices = [(k, capfirst(labels[k])) for k in kinds]  # type: ignore[attr-defined]
        self.fields["mode"].choices = _choices(Contact.Mode.choices, "Choose how")  # type: ignore[attr-defined]
        self.fields["project"].choices = [("", "Choose a project")] + [  # type: ignore[attr-defined]
            (p.code, p.name) for p in projects
        ]
        self.fields["attendance"].choices = _choices(  # type: ignore[attr-defined]
            [(v, label) for v, label in Contact.Attendance.choices if v != "service_cancelled"]
        )
        if len(kinds) == 1:
            self.initial.setdefault("kind", kinds[0])


class WarningForm(forms.Form):
    on = past_date_field("Date of the warning")
    reason = forms.CharField(label="What the warning is for", max_length=500,
                             widget=forms.TextInput(attrs=TEXT))  # fmt: skip


class BreachForm(forms.Form):
    on = past_date_field("Date of the breach report")
    reason = forms.CharField(label="The breach", widget=forms.Textarea(attrs={"rows": 3, **TEXT}))
    without_warning_reason = forms.CharField(
        label="Why without a warning first", required=False,
        help_text="Asked only when no warning is recorded on the order.",
        widget=forms.Textarea(attrs={"rows": 2, **TEXT}),
    )  # fmt: skip


class SubmitReportForm(forms.Form):
    on = past_date_field("Date submitted to the court")
    risk_level = forms.ChoiceField(label="Assessed risk/need level", choices=())
    proposal = forms.CharField(label="What the report proposes",
                               widget=forms.Textarea(attrs={"rows": 3, **TEXT}))  # fmt: skip

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["risk_level"].choices = _choices(Level.choices, "Choose a level")  # type: ignore[attr-defined]


class SentenceForm(forms.Form):
    sentence = forms.ChoiceField(label="The sentence", choices=())

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["sentence"].choices = _choices(  # type: ignore[attr-defined]
            CourtReport.Sentence.choices, "Choose the sentence"
        )


ATTENDANCE = [("", "Not recorded"), ("attended", "Attended"), ("sent_home", "Sent home"),
              ("acceptable_absence", "Acceptable absence"),
              ("unacceptable_absence", "Unacceptable absence")]  # fmt: skip
