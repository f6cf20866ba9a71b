"""Making values safe for spreadsheets (CSV/XLSX a person opens)."""

from __future__ import annotations

# What a spreadsheet may read as the start of a formula (OWASP's CSV injection list):
# a tab or carriage return first is dropped by some, leaving the formula after it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text starting like a formula gets a leading `'`; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
