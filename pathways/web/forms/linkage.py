"""The linkage review: deciding a pair, splitting records off a person."""

from __future__ import annotations

from typing import Any

from django import forms


class LinkDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these records the same person?",
        widget=forms.RadioSelect,
        choices=(
            ("same", "Yes: the same person. Link them."),
            ("different", "No: different people. Keep them apart."),
        ),
        error_messages={"required": "Choose whether the records are the same person."},
    )
    reason = forms.CharField(
        label="Why",
        help_text="What settled it: kept with the decision and in the audit.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
        error_messages={"required": "Say why: the next person to look will read it."},
    )


class SplitForm(forms.Form):
    records = forms.MultipleChoiceField(
        label="Records that are not this person",
        widget=forms.CheckboxSelectMultiple,
        choices=(),
        error_messages={"required": "Choose the records that are someone else."},
    )
    reason = forms.CharField(
        label="Why",
        help_text="Kept with the split and in the audit.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "ds_input"}),
        error_messages={"required": "Say why these records are someone else."},
    )

    def __init__(self, *args: Any, records: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), f"{r.agency.name} {r.person_ref}") for r in records
        ]


class DuplicatesFilterForm(forms.Form):
    """Whose duplicates to show, and which of them."""

    agency = forms.ChoiceField(label="Agency", choices=(), required=False)
    state = forms.ChoiceField(
        label="Pairs",
        required=False,
        choices=[("all", "All pairs"), ("new", "Not yet sent"), ("sent", "Sent")],
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Choose an agency"), *agencies]  # type: ignore[attr-defined]

    def chosen(self) -> tuple[str | None, str]:
        """The agency to show (None: none chosen yet) and the state; anything unknown is
        ignored."""
        if not self.is_valid():
            return None, "all"
        return self.cleaned_data["agency"] or None, self.cleaned_data["state"] or "all"


class PairsField(forms.Field):
    """Pairs of record ids, each sent as `RECORD:FIRST` (a duplicate and its first
    record)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[tuple[int, int]]:
        pairs = []
        for item in value or ():
            record, _, first = str(item).partition(":")
            if not (record.isdigit() and first.isdigit()):
                raise forms.ValidationError("Not a pair of records.")
            pairs.append((int(record), int(first)))
        return pairs


class MarkSentForm(forms.Form):
    pair = PairsField(error_messages={"required": "Choose the pairs sent to the agency."})
    # Where the officer was: the list shown again after marking.
    state = forms.ChoiceField(
        required=False, choices=[("all", "all"), ("new", "new"), ("sent", "sent")]
    )
    page = forms.IntegerField(required=False, min_value=1)
