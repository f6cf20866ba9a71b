"""Working days (CASEWORK.md "Clocks"): Monday to Friday less the public holidays of the
partnership's country and subdivision (Scotland by default), as the `holidays` package
lists them.

"Within N working days of d" means on or before the Nth working day after d. A report
reaches the court in time when it is submitted by the last working day before the
hearing.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.conf import settings

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=16)
def _holidays(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision or None, years=year))


def public_holidays(year: int) -> frozenset[dt.date]:
    """The public holidays of `year` where the partnership is."""
    return _holidays(
        settings.PATHWAYS_HOLIDAYS_COUNTRY, settings.PATHWAYS_HOLIDAYS_SUBDIVISION, year
    )


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The `n`th working day after `day` (n >= 1); `day` itself never counts."""
    if n < 1:
        raise ValueError("count at least one working day")
    found = day
    while n:
        found += ONE_DAY
        if is_working_day(found):
            n -= 1
    return found


def last_working_day_before(day: dt.date) -> dt.date:
    """The last working day before `day` (a report due at a hearing on `day` must reach
    the court by the end of it)."""
    found = day - ONE_DAY
    while not is_working_day(found):
        found -= ONE_DAY
    return found


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` <= `start`):
    how many working days are left from today to a date."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_working_day(day)
    return count


def working_day_index(start: dt.date, end: dt.date) -> list[tuple[dt.date, int, bool]]:
    """(day, working days from `start` up to and including the day, working) for each day
    of [start, end]: the calendar the figures' SQL joins to, so that "the Nth working
    day after d" is the working day whose index is d's index plus N."""
    rows, count, day = [], 0, start
    while day <= end:
        working = is_working_day(day)
        count += working
        rows.append((day, count, working))
        day += ONE_DAY
    return rows
