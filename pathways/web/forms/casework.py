"""Justice social work's forms: a session or appointment on an order, a warning, a breach
report, a court report's submission, and a squad's register."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst

from pathways.cases.models import Contact
from pathways.casework.models import (
    Assessment,
    CourtReport,
    Instrument,
    Level,
    Objective,
    Order,
    Project,
)
from pathways.casework.orders import ENDINGS
from pathways.web.forms.dates import past_date_field

TEXT = {"class": "ds_input"}
NUMBER = {"class": "ds_input ds_input--fixed-4"}


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


NEED_AREAS = [
    ("accommodation", "Accommodation"), ("education_employment", "Education and employment"),
    ("money", "Money"), ("relationships", "Relationships"), ("family", "Family"),
    ("health", "Health"), ("drugs_alcohol", "Drugs and alcohol"), ("attitudes", "Attitudes"),
    ("use_of_time", "Use of time"), ("safety", "Safety"),
]  # fmt: skip
OBJECTIVES_ON_FORM = 5


class PlanForm(forms.Form):
    """A case management plan: the day agreed, and up to five SMART objectives, each
    specific (what), owned (who) and dated (by when)."""

    agreed_on = past_date_field("Date the plan was agreed with the person")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, OBJECTIVES_ON_FORM + 1):
            self.fields[f"need_{n}"] = forms.ChoiceField(
                label=f"Objective {n}: the need", required=False,
                choices=[("", "Choose a need")] + NEED_AREAS,
            )  # fmt: skip
            self.fields[f"what_{n}"] = forms.CharField(
                label=f"Objective {n}: what will be done", required=False, max_length=500,
                widget=forms.TextInput(attrs=TEXT),
            )  # fmt: skip
            self.fields[f"who_{n}"] = forms.CharField(
                label=f"Objective {n}: who does it", required=False, max_length=200,
                widget=forms.TextInput(attrs=TEXT),
            )  # fmt: skip
            self.fields[f"by_{n}"] = forms.DateField(
                label=f"Objective {n}: by when", required=False,
                input_formats=["%d/%m/%Y", "%Y-%m-%d"], help_text="For example 23/11/2026.",
                widget=forms.DateInput(attrs={"class": "ds_input ds_input--fixed-10"}),
            )  # fmt: skip

    def objectives(self) -> list[dict[str, Any]]:
        """The objectives filled in (a row with anything in it counts)."""
        found = []
        for n in range(1, OBJECTIVES_ON_FORM + 1):
            names = (("need_area", "need"), ("what", "what"), ("who", "who"), ("by_when", "by"))
            row = {k: self.cleaned_data.get(f"{f}_{n}") for k, f in names}
            if any(row.values()):
                found.append(row)
        return found

    def rows(self) -> list[list[Any]]:
        return [[self[f"{f}_{n}"] for f in ("need", "what", "who", "by")]
                for n in range(1, OBJECTIVES_ON_FORM + 1)]  # fmt: skip


class ReviewForm(forms.Form):
    """A review walking through each objective of the plan."""

    held_on = past_date_field("Date the review was held")
    attended = forms.CharField(label="Who attended", max_length=500,
                               widget=forms.TextInput(attrs=TEXT))  # fmt: skip
    notes = forms.CharField(label="Notes", required=False,
                            widget=forms.Textarea(attrs={"rows": 3, **TEXT}))  # fmt: skip

    def __init__(self, *args: Any, objectives: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective_ids = [o.pk for o in objectives]
        statuses = [(v, capfirst(label)) for v, label in Objective.Status.choices]
        for o in objectives:
            self.fields[f"status_{o.pk}"] = forms.ChoiceField(
                label=f"{capfirst(o.what)} (by {o.by_when:%d/%m/%Y})", choices=statuses,
                initial=o.status, widget=forms.RadioSelect,
            )  # fmt: skip
            self.fields[f"note_{o.pk}"] = forms.CharField(
                label=f"Progress on: {o.what}", required=False, max_length=300,
                help_text="Why, when an objective is dropped.",
                widget=forms.TextInput(attrs=TEXT),
            )  # fmt: skip

    def progress(self) -> dict[int, dict[str, str]]:
        return {pk: {"status": self.cleaned_data[f"status_{pk}"],
                     "note": self.cleaned_data.get(f"note_{pk}", "")}
                for pk in self.objective_ids}  # fmt: skip


class AssessmentForm(forms.Form):
    """An assessment with a configured instrument: each area of an open one scored, or a
    licensed tool's level and the scores the partnership may keep."""

    assessed_on = past_date_field("Date of the assessment")
    stage = forms.ChoiceField(label="Stage", widget=forms.RadioSelect, choices=())

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["stage"].choices = [(v, capfirst(lb)) for v, lb in Assessment.Stage.choices]  # type: ignore[attr-defined]
        if instrument.licensed:
            if instrument.has_level:
                self.fields["level"] = forms.ChoiceField(
                    label=f"{instrument.name}: the level",
                    choices=_choices(Level.choices, "Choose a level"),
                )  # fmt: skip
            for code in instrument.scores:
                self.fields[f"score_{code}"] = forms.IntegerField(
                    label=f"Score: {code.replace('_', ' ')}", required=False,
                    widget=forms.NumberInput(attrs={"class": "ds_input ds_input--fixed-4"}),
                )  # fmt: skip
        else:
            for code, label in instrument.items:
                self.fields[f"score_{code}"] = forms.IntegerField(
                    label=label, min_value=instrument.scale_min, max_value=instrument.scale_max,
                    help_text=f"{instrument.scale_min} to {instrument.scale_max}, scored together",
                    widget=forms.NumberInput(attrs={"class": "ds_input ds_input--fixed-4"}),
                )  # fmt: skip

    def scores(self) -> dict[str, int]:
        return {name[6:]: value for name, value in self.cleaned_data.items()
                if name.startswith("score_") and value is not None}  # fmt: skip


class AllocateForm(forms.Form):
    author = forms.ChoiceField(label="Who writes the report", choices=())

    def __init__(self, *args: Any, authors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", "Choose a worker"), *authors]  # type: ignore[attr-defined]


class SuspendForm(forms.Form):
    on = past_date_field("Suspended from")
    reason = forms.CharField(label="Why (for example, remanded in custody)", max_length=300,
                             widget=forms.TextInput(attrs=TEXT))  # fmt: skip


class ResumeForm(forms.Form):
    on = past_date_field("Back in the community on")


class EndForm(forms.Form):
    on = past_date_field("Ended on")
    ending = forms.ChoiceField(label="How it ended", widget=forms.RadioSelect, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Order.State.choices)
        self.fields["ending"].choices = [(e, capfirst(labels[e])) for e in ENDINGS]  # type: ignore[attr-defined]


class VaryForm(forms.Form):
    """A court's variation: only the values it changed; the reason always."""

    on = past_date_field("Date of the court's decision")
    upw_hours = forms.IntegerField(label="Unpaid work hours (new)", required=False,
                                   widget=forms.NumberInput(attrs=NUMBER))  # fmt: skip
    supervision_months = forms.IntegerField(label="Supervision months (new)", required=False,
                                            widget=forms.NumberInput(attrs=NUMBER))  # fmt: skip
    upw_extension_months = forms.IntegerField(
        label="Months added to the time for unpaid work", required=False,
        widget=forms.NumberInput(attrs=NUMBER),
    )  # fmt: skip
    reason = forms.CharField(label="The court's reason", max_length=500,
                             widget=forms.TextInput(attrs=TEXT))  # fmt: skip

    def changes(self) -> dict[str, int]:
        return {name: self.cleaned_data[name]
                for name in ("upw_hours", "supervision_months", "upw_extension_months")
                if self.cleaned_data.get(name) is not None}  # fmt: skip
