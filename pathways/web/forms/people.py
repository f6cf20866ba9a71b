"""Searching for people, and filtering a person's chronology."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.text import capfirst

from pathways.access.search import parse_search_date
from pathways.events.models import EventKind

LOOKS_LIKE_A_DATE = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2})$")


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or agency reference",
        help_text="For example “Smith”, “John Smith 12/03/2004” or a reference such as “P123456”.",
        max_length=200,
        required=False,
        strip=True,
    )

    def clean_q(self) -> str:
        """A word written as a date must be a date: 31/02/2004 is said to be wrong, not
        searched for as a name that nobody has."""
        query = str(self.cleaned_data.get("q") or "")
        for word in query.split():
            if LOOKS_LIKE_A_DATE.match(word) and parse_search_date(word) is None:
                raise forms.ValidationError(
                    f"“{word}” is not a date: write it as day/month/year, for example 12/03/2004."
                )
        return query


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
