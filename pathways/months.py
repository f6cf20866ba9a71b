"""Month arithmetic as OUTCOMES.md defines it, in Python and as SQL (the figures, and
justice social work's time limits and review schedule).

`d + W months` is the same day of the month W calendar months later, clamped to the last
day of that month (31 August + 6 months = 28 or 29 February); `d - W months` clamps the
same way. PostgreSQL's `date + interval` already clamps; SQLite's `date(d, '+6 months')`
overflows into the next month instead (31 August + 6 months = 2 or 3 March), so on
SQLite the day is added to the first of the target month and capped at its last day.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months` calendar months (negative: back), clamped to month end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_months_sql(vendor: str, column: str, months: int) -> str:
    """SQL for `column + months` (a literal integer, may be negative) as a date, clamped.

    `column` is trusted SQL (a column or expression of this module's callers), never
    user input; `months` is an int.
    """
    months = int(months)
    if vendor == "postgresql":
        return f"(({column}) + make_interval(months => {months}))::date"
    if vendor == "sqlite":
        # The first of the target month plus (day - 1) days, capped at that month's end.
        return (
            f"min(date({column}, 'start of month', '{months:+d} months', "
            f"'+' || (CAST(strftime('%d', {column}) AS INTEGER) - 1) || ' days'), "
            f"date({column}, 'start of month', '{months + 1:+d} months', '-1 day'))"
        )
    raise NotImplementedError(f"month arithmetic is not written for {vendor}")
