"""Showing published figures: a suppressed `[c]` stays as it is, a missing figure is a
dash, a percentage gets its sign, a change reads as a percentage."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from pathways.outcomes.metrics import FUNNEL_STAGES

register = template.Library()

FUNNEL_LABELS = {
    "referred": "Referred",
    "accepted": "Accepted",
    "declined": "Declined",
    "consented": "Consented",
    "started": "Started",
    "completed": "Completed",
    "opted_out": "Opted out or disengaged",
    "open": "Still open",
}


def funnel_labels() -> list[tuple[str, str]]:
    return [(stage, FUNNEL_LABELS[stage]) for stage in FUNNEL_STAGES]


@register.filter
def suppressed(value: Any) -> str:
    """A figure as published: `[c]` stays, None is a dash, floats keep their decimals."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@register.filter
def percent(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value}%" if isinstance(value, int) else str(value)


@register.filter
def change(value: Any) -> str:
    """-0.2835 -> "−28%" (rounded half away from zero); `[c]` and None as they are."""
    if value is None:
        return "–"
    if not isinstance(value, float | int):
        return str(value)
    whole = int((Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return f"−{-whole}%" if whole < 0 else f"+{whole}%" if whole > 0 else "0%"


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key)


@register.filter
def words(code: str | None) -> str:
    """A stored code as words, capitalised: `sheriff_summary` → "Sheriff summary"."""
    text = (code or "").replace("_", " ")
    return text[:1].upper() + text[1:]
