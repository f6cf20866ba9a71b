"""Searching for people, and filtering a person's chronology."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst

from pathways.events.models import EventKind


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or agency reference",
        help_text="For example “Smith”, “John Smith 12/03/2004” or a reference such as “P123456”.",
        max_length=200,
        required=False,
        strip=True,
    )


class ChronologyFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Show", choices=(), required=False)

    def __init__(self, *args: Any, counts: dict[str, int] | None = None, **kwargs: Any) -> None:
        """`counts`: events of each kind the user may see, shown beside each choice."""
        super().__init__(*args, **kwargs)
        counts = counts or {}
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            ("", f"All kinds of event ({sum(counts.values())})"),
            *(
                (value, f"{capfirst(label)} ({counts.get(value, 0)})")
                for value, label in EventKind.choices
            ),
        ]

    def chosen_kind(self) -> str:
        """The kind to filter by, or "" for all (an unknown kind shows all)."""
        if self.is_valid():
            return str(self.cleaned_data["kind"])
        return ""
