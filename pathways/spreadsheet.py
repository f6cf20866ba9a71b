"""Making values safe for spreadsheets (CSV/XLSX a person opens)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


def neutralise(value: object) -> object:
    """Text starting like a formula gets a leading `'`; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
