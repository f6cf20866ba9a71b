"""The coded reasons the pages offer, as configuration (reasons.toml, `partners.Reason`):
the lists, the label of a code, and a reason as the history keeps it ("label: words")."""

from __future__ import annotations

from pathways.partners.models import Reason

# The lists Pathways asks for, and what each is for.
LISTS = {
    "decline": "why the service declined a referral",
    "withdraw": "why the referrer withdrew a referral",
    "consent_withdrawal": "why the person withdrew consent",
    "dismiss": "why a candidate found by identification was not referred",
}
OTHER = "other"


class UnknownReason(ValueError):
    """The code is not one of the list's; the message names the list's codes."""


def reason_choices(name: str) -> list[tuple[str, str]]:
    """The list's (code, label) pairs, in the configuration's order."""
    return list(
        Reason.objects.filter(list=name).order_by("position", "code").values_list("code", "label")
    )


def reason_label(name: str, code: str) -> str:
    """The label of one of the list's codes; `UnknownReason` when it is not one."""
    label = Reason.objects.filter(list=name, code=code).values_list("label", flat=True).first()
    if label is None:
        codes = ", ".join(code for code, _ in reason_choices(name))
        raise UnknownReason(f"{code!r} is not one of the reasons: {codes}")
    return label


def coded(name: str, code: str, note: str) -> str:
    """A reason as the history keeps it: its label, with the words given beside it
    ("needs met elsewhere: went to the youth club instead"); `other` needs words."""
    label = reason_label(name, code)
    words = note.strip()
    if code == OTHER and not words:
        raise UnknownReason("say why, in the note, when the reason is other")
    return f"{label}: {words}" if words else label
