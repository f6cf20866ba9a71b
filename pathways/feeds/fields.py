"""Parsing and checking single values of an interchange CSV file.

Each parser returns the clean value or raises `BadValue` with a plain reason that
names the value, e.g. "'31/02/2001' is not a valid date (YYYY-MM-DD)".
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
REF_MAX = 64
ADDRESS_MAX = 500
TEXT_MAX = 200

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_OUTWARD_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class BadValue(ValueError):
    """A value that cannot be accepted, with the reason in words."""


def text(value: str, limit: int = TEXT_MAX) -> str:
    """Trimmed text of at most `limit` characters."""
    value = value.strip()
    if len(value) > limit:
        raise BadValue(f"is {len(value)} characters long; at most {limit} are allowed")
    return value


def required_text(value: str, limit: int = TEXT_MAX) -> str:
    value = text(value, limit)
    if not value:
        raise BadValue("is required")
    return value


def reference(value: str) -> str:
    """An agency's identifier (person_ref, event_ref, referral_ref)."""
    return required_text(value, REF_MAX)


def parse_date(value: str) -> dt.date:
    """A `YYYY-MM-DD` calendar date."""
    value = value.strip()
    if not _DATE_RE.match(value):
        raise BadValue(f"{value!r} is not a valid date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value!r} is not a valid date (YYYY-MM-DD)") from None


def optional_date(value: str) -> dt.date | None:
    return parse_date(value) if value.strip() else None


def parse_occurred_at(value: str) -> tuple[dt.datetime, dt.date]:
    """A date or ISO 8601 date-time; returns the aware instant and its Europe/London date.

    A date alone is taken as midnight, local time; a date-time without an offset is
    Europe/London local time.
    """
    value = value.strip()
    if not value:
        raise BadValue("is required")
    if len(value) == 19 and value[10] == "T" and _DATE_RE.match(value[:10]):
        # The common shape, local time without an offset: one zone lookup per hour.
        try:
            naive = dt.datetime.fromisoformat(value)
        except ValueError:
            raise BadValue(
                f"{value!r} is not a valid date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
            ) from None
        return naive.replace(tzinfo=_utc_offset(value[:13])), naive.date()
    try:
        if len(value) == 10:
            day = parse_date(value)
            moment = dt.datetime(day.year, day.month, day.day, tzinfo=LONDON)
        else:
            if not _DATE_RE.match(value[:10]) or value[10] not in "T ":
                raise ValueError
            moment = dt.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                # fold=0: an ambiguous autumn hour is read as the first (summer-time) one.
                moment = moment.replace(tzinfo=LONDON)
    except (ValueError, BadValue):
        raise BadValue(
            f"{value!r} is not a valid date or date-time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)"
        ) from None
    return moment, moment.astimezone(LONDON).date()


@functools.lru_cache(maxsize=65536)
def _utc_offset(local_hour: str) -> dt.timezone:
    """Europe/London's offset during a local hour ('YYYY-MM-DDTHH'), as a fixed zone.

    The offset is constant within any local hour (UK clocks change on the hour); an
    ambiguous autumn hour is read as the first (summer-time) one, as `fold=0` does.
    """
    moment = dt.datetime.fromisoformat(local_hour + ":00:00").replace(tzinfo=LONDON)
    offset = moment.utcoffset()
    assert offset is not None
    return dt.timezone(offset)


def normalise_postcode(value: str) -> str:
    """UK postcode in upper case with a single space (a district alone is kept as it is)."""
    compact = re.sub(r"\s+", "", value).upper()
    if not compact:
        return ""
    match = _POSTCODE_RE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if _OUTWARD_RE.match(compact):
        # Agencies often hold only the district ("G31"): keep what is known.
        return compact
    raise BadValue(f"{value.strip()!r} is not a UK postcode")


def choice(value: str, allowed: set[str] | frozenset[str], what: str) -> str:
    value = value.strip()
    if value not in allowed:
        raise BadValue(f"{value!r} is not a known {what} (one of: {', '.join(sorted(allowed))})")
    return value
