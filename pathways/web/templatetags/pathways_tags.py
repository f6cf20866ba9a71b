"""Small presentation filters for the pages: words for codes, ages, flags."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django import template
from django.utils import timezone

from pathways.access.alerts import unread_count
from pathways.access.linkage import pairs_waiting
from pathways.identification.queue import queue_services
from pathways.partners.capabilities import (
    MANAGE_IMPORTS,
    VIEW,
    has_capability,
    is_custody_mentor,
    may_read_reports,
    may_review_links,
)
from pathways.partners.memberships import User

register = template.Library()

SEX_LABELS = {"M": "Male", "F": "Female", "X": "Other", "U": "Not known", "": "Not known"}
FLAG_LABELS = {
    "substance": "substance use",
    "alcohol": "alcohol",
    "domestic": "domestic",
    "cce": "child criminal exploitation concern",
    "weapon": "weapon",
    "hate": "hate",
    "exploitation": "exploitation",
}


@register.filter
def sex_label(code: str | None) -> str:
    """`M` → Male, and so on (INTERCHANGE.md's codes)."""
    return SEX_LABELS.get(code or "", code or "Not known")


@register.filter
def age(born: dt.date | None) -> int | None:
    """Age in whole years today (Europe/London), or None when the date of birth is unknown."""
    if born is None:
        return None
    today = timezone.localdate()
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)


@register.filter
def flag_words(flags: str | None) -> str:
    """`substance;weapon` → "substance use, weapon": flags as words, never colour alone."""
    codes = [f for f in (flags or "").split(";") if f]
    return ", ".join(FLAG_LABELS.get(code, code) for code in codes)


@register.filter
def row_items(row: object) -> list[tuple[str, str]]:
    """The (column, value) pairs of a rejected row as stored (a JSON object)."""
    if isinstance(row, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in row.items()]
    return []


@register.simple_tag
def navigation_for(user: User) -> dict[str, bool | int]:
    """Which menu entries the user's capabilities open (the same answers the pages'
    guards give, `partners.capabilities`), and the counts beside them."""
    if user.pk is None or not getattr(user, "is_active", False):
        return {}
    can_view = has_capability(user, VIEW)
    return {
        "can_view": can_view,
        "can_manage_imports": has_capability(user, MANAGE_IMPORTS),
        "can_review_links": may_review_links(user),
        "links_waiting": pairs_waiting(user),
        "can_read_reports": may_read_reports(user),
        "has_queue": bool(queue_services(user)),
        "is_custody_mentor": is_custody_mentor(user),
        "unread_alerts": unread_count(user) if can_view else 0,
    }


@register.filter
def words(code: str | None) -> str:
    """A stored code as words: `opted_out` → "opted out"."""
    return (code or "").replace("_", " ")


@register.filter
def file_name(path: str | None) -> str:
    """The last part of a file path: `/feeds/2024/people.csv` → "people.csv"."""
    return PurePath(path or "").name


@register.filter
def get_rating(ratings: dict[str, str] | None, area: str) -> str:
    """A focus area's rating from an engagement plan's ratings ("" when not rated)."""
    return (ratings or {}).get(area, "")
