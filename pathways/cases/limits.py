"""How much free text a case record takes: one limit per kind of text, used by the
forms (which count down the characters left) and the services (which refuse more,
whatever sent it). Long enough for a full note of a meeting; short enough that a
pasted document or a runaway script is refused rather than stored."""

from __future__ import annotations

from pathways.referrals.transitions import TransitionRefused

CONTACT_NOTES = 4000  # characters: engagement and progress at a contact
CONTACT_CONCERNS = 2000
CUSTODY_CONVERSATION = 4000


def within(text: str, limit: int, what: str) -> str:
    """The text, stripped, if it holds at most `limit` characters; else refused, saying
    which text and by how much."""
    text = text.strip()
    if len(text) > limit:
        raise TransitionRefused(
            f"{what} can be at most {limit:,} characters (this is {len(text):,})"
        )
    return text
