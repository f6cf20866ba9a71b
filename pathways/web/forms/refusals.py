"""A step the service refused, said on the form: on the field it concerns where there is
one (a date out of the history's order on the date field), else above the form."""

from __future__ import annotations

from django import forms

from pathways.referrals.transitions import DateOutOfOrder


def as_sentence(error: Exception) -> str:
    """The service's reason ("the date cannot be ...") as a sentence for a page."""
    why = str(error)
    return why[:1].upper() + why[1:] + "."


def add_refusal(form: forms.Form, error: Exception, *, date_field: str | None = None) -> None:
    """Put `error` on `form`: on `date_field` when it is about the date, else the form's."""
    field = date_field if isinstance(error, DateOutOfOrder) else None
    form.add_error(field, as_sentence(error))


def add_problems(form: forms.Form, problems: list[tuple[str, str]]) -> None:
    """Put a casework step's problems (field, why) on `form`: each on its field where the
    form has one, else above the form, named."""
    for field, why in problems:
        sentence = why[:1].upper() + why[1:] + "."
        if field in form.fields:
            form.add_error(field, sentence)
        else:
            form.add_error(None, f"{field.replace('_', ' ').capitalize()}: {sentence}")
