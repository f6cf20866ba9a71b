"""Recording a custody visit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pathways.cases.custody import signposts_for
from pathways.cases.limits import CUSTODY_CONVERSATION
from pathways.web.forms.dates import past_date_field


class CustodyVisitForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        widget=forms.RadioSelect,
        choices=[
            ("seen", "Seen"),
            ("declined", "Did not want to talk"),
            ("not_seen", "Released or moved before being seen"),
        ],
    )
    seen_on = past_date_field("Date")
    conversation = forms.CharField(
        label="The conversation",
        required=False,
        max_length=CUSTODY_CONVERSATION,
        widget=forms.Textarea(attrs={"rows": 4, "class": "ds_input"}),
    )
    signposted_to = forms.MultipleChoiceField(
        label="Signposted to", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args: Any, person: Any = None, **kwargs: Any) -> None:
        """`person`: the person seen, whose services are offered (`signposts_for`)."""
        super().__init__(*args, **kwargs)
        offered = signposts_for(person, timezone.localdate())
        self.fields["signposted_to"].choices = [  # type: ignore[attr-defined]
            (service.code, service.name) for service in offered
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("signposted_to") and data.get("outcome") != "seen":
            self.add_error("signposted_to", "Only a person who was seen can be signposted.")
        return data
