"""A referral's dates read in the order things happened: referred ≤ decided ≤ consent ≤
started ≤ ended. One statement of the rule, used by
the referrals importer (a row out of order is rejected with its reason), by the data
quality list of records already held that break it (`out_of_order_q`), and, step by step,
by `transitions.check_date` and the engagement's own checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import F, Q

from pathways.referrals.models import Referral

# The referral's dates, in the order they must read, with what each says.
DATE_ORDER = (
    ("referred_on", "referred"),
    ("decided_on", "decided"),
    ("consent_on", "consent given"),
    ("started_on", "engagement started"),
    ("ended_on", "ended"),
)
SAID = dict(DATE_ORDER)


def as_day(day: dt.date) -> str:
    """A date as a message says it: 6 December 2026."""
    return f"{day.day} {day:%B %Y}"


def dates_of(referral: Referral) -> dict[str, dt.date | None]:
    """The referral's dates, by field, in the order they must read."""
    return {name: getattr(referral, name) for name, _ in DATE_ORDER}


def order_problems(dates: Mapping[str, dt.date | None]) -> list[tuple[str, str]]:
    """Each date before the latest date that must come before it: (field, why), the why
    naming the date it conflicts with. Missing dates are skipped."""
    problems = []
    latest: tuple[str, dt.date] | None = None
    for name, _ in DATE_ORDER:
        value = dates.get(name)
        if value is None:
            continue
        if latest is not None and value < latest[1]:
            problems.append(
                (
                    name,
                    f"{SAID[name]} on {as_day(value)} is before {SAID[latest[0]]} on "
                    f"{as_day(latest[1])}; the dates must read in the order things happened",
                )
            )
        else:
            latest = (name, value)
    return problems


@dataclass(frozen=True)
class OutOfOrder:
    """A referral held whose dates break the order, and each reason."""

    referral: Referral
    problems: list[tuple[str, str]]


def out_of_order_q() -> Q:
    """SQL on Referral: some date is before one that must come before it."""
    names = [name for name, _ in DATE_ORDER]
    condition = Q(pk__in=[])
    for i, later in enumerate(names):
        for earlier in names[:i]:
            condition |= Q(**{f"{later}__lt": F(earlier)})
    return condition
