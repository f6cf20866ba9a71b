"""Names as linkage and search compare them (`AgencyRecord.given_key`, `family_key`)."""

from __future__ import annotations

import unicodedata


def name_key(value: str) -> str:
    """A name for matching: lower case, accents, punctuation and spacing removed."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c for c in letters.casefold() if c.isalnum())
