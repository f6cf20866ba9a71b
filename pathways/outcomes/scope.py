"""The SQL the outcome definitions share: which referrals a report looks at, a person's
age and age band on a day, and day counts, written for PostgreSQL and SQLite.

Dates are put into the SQL as ISO literals (from `datetime.date` objects only, so only
digits and dashes); service codes and filter values travel as parameters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from pathways.months import add_months_sql
from pathways.outcomes.parameters import ReportParameters


def vendor() -> str:
    return connection.vendor


def date_sql(day: dt.date) -> str:
    """A date literal: `DATE '2024-04-01'` on PostgreSQL, `'2024-04-01'` on SQLite (which
    keeps dates as ISO text, so they compare as strings)."""
    if not isinstance(day, dt.date):
        raise TypeError(f"a date was expected, not {type(day).__name__}")
    text = day.isoformat()
    return f"DATE '{text}'" if vendor() == "postgresql" else f"'{text}'"


def months_sql(column: str, months: int) -> str:
    """`column` moved by `months` calendar months, clamped to the month's end."""
    return add_months_sql(vendor(), column, months)


def days_sql(later: str, earlier: str) -> str:
    """Whole days from `earlier` to `later` (two date columns)."""
    if vendor() == "postgresql":
        return f"({later} - {earlier})"
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def person_events_sql(alias: str) -> str:
    """The events table, to be joined person by person. SQLite's planner otherwise picks
    the (kind, date) index and reads every offence in the window for each person; the
    person index reads only theirs. PostgreSQL chooses well by itself."""
    if vendor() == "sqlite":
        return f"events_event {alias} INDEXED BY event_person_time"
    return f"events_event {alias}"


def age_sql(born: str, on: dt.date) -> str:
    """Age in whole years on `on` of someone born on `born` (NULL when unknown). Someone
    born on 29 February is a year older on 1 March in a common year."""
    day = date_sql(on)
    if vendor() == "postgresql":
        return (
            f"(EXTRACT(YEAR FROM {day})::int - EXTRACT(YEAR FROM {born})::int"
            f" - CASE WHEN to_char({day}, 'MM-DD') < to_char({born}, 'MM-DD')"
            " THEN 1 ELSE 0 END)"
        )
    return (
        f"(CAST(strftime('%Y', {day}) AS INTEGER) - CAST(strftime('%Y', {born}) AS INTEGER)"
        f" - CASE WHEN strftime('%m-%d', {day}) < strftime('%m-%d', {born})"
        " THEN 1 ELSE 0 END)"
    )


# Upper bounds (exclusive) of the age bands, in OUTCOMES.md's order; 66+ is the rest.
_BAND_LIMITS = (
    (16, "0-15"), (18, "16-17"), (21, "18-20"), (26, "21-25"), (31, "26-30"),
    (36, "31-35"), (41, "36-40"), (46, "41-45"), (51, "46-50"), (56, "51-55"),
    (61, "56-60"), (66, "61-65"),
)  # fmt: skip


def age_band_sql(born: str, on: dt.date) -> str:
    """The age band on `on` (OUTCOMES.md "Caseload profile"), `unknown` without a date
    of birth."""
    age = age_sql(born, on)
    whens = " ".join(f"WHEN {age} < {limit} THEN '{band}'" for limit, band in _BAND_LIMITS)
    return f"(CASE WHEN {born} IS NULL THEN 'unknown' {whens} ELSE '66+' END)"


@dataclass(frozen=True)
class Scope:
    """FROM and WHERE for the referrals `r` (with their person `p`) a report counts:
    the chosen services and the filters. `params` are the values for the placeholders."""

    joins: str
    where: str
    params: list[str]


def referral_scope(report: ReportParameters) -> Scope:
    """The referrals to the report's services, narrowed by its filters."""
    marks = ", ".join(["%s"] * len(report.services))
    joins = "referrals_referral r JOIN people_person p ON p.id = r.person_id"
    where = [f"r.service_id IN ({marks})"]
    params: list[str] = list(report.services)
    if report.area:
        joins += " JOIN people_agencyrecord ar ON ar.id = r.record_id"
        where.append("ar.area_id = %s")
        params.append(report.area)
    if report.sex:
        where.append("p.sex = %s")
        params.append(report.sex)
    if report.age_band:
        where.append(f"{age_band_sql('p.date_of_birth', report.as_of)} = %s")
        params.append(report.age_band)
    return Scope(joins, " AND ".join(where), params)
