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
