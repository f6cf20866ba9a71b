"""Justice social work's figures (CASEWORK.md "The plan's figures"), one function per
definition, each in SQL the database runs (PostgreSQL or SQLite). The command line, the
Outcomes page, the exports, the API and the annual report call these and nothing else.

Working days come into the SQL as a calendar (`cal`: day, working-day index, working)
built by `casework.working_days` for the days the report can need, so "the 20th working
day after d" is the working day whose index is d's plus 20, and "the last working day
before d" the working day whose index is that of d less d's own.

Present at a session is attended, late or sent home; counted is present or an
unacceptable absence (decision 0015: `late` is the partners' "attended, late").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection

from pathways.casework.models import Assessment, Court, Level, Order
from pathways.casework.orders import ENDINGS
from pathways.casework.working_days import working_day_index
from pathways.outcomes.parameters import ReportError, check_dates
from pathways.outcomes.rounding import percentage
from pathways.outcomes.scope import date_sql, months_sql
from pathways.partners.models import Team

PRESENT = "('attended', 'late', 'sent_home')"
COUNTED = "('attended', 'late', 'sent_home', 'unacceptable_absence')"
FIGURES = (
    "placement_within_7_days", "plan_within_20_days", "reviews_on_time", "attendance_rate",
    "hours_completed_in_time", "orders_completed", "reports_on_time",
)  # fmt: skip
TARGETS = {"placement_within_7_days": 75}  # the city's plan


@dataclass(frozen=True)
class CaseworkParameters:
    """A casework report: the period `[period_from, period_to)`, the date nothing after
    counts (`as_of`), and optionally one justice social work team."""

    period_from: dt.date
    period_to: dt.date
    as_of: dt.date
    team: str = ""

    def as_json(self) -> dict[str, str]:
        shown = {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()}
        if self.team:
            shown["team"] = self.team
        return shown


def casework_parameters(
    period_from: dt.date, period_to: dt.date, as_of: dt.date, team: str = ""
) -> CaseworkParameters:
    """Checked parameters; `ReportError` names what is wrong."""
    check_dates({"from": period_from, "to": period_to, "as_of": as_of})
    if period_to <= period_from:
        raise ReportError(
            f"the period must end after it starts (from {period_from}, to {period_to}; "
            "`to` is the first day not included)"
        )
    if team and not Team.objects.filter(code=team).exists():
        raise ReportError(f"unknown team: {team}")
    return CaseworkParameters(period_from, period_to, as_of, team)


@dataclass(frozen=True)
class Figure:
    """numerator of denominator, and the whole percentage (None of an empty one)."""

    numerator: int
    denominator: int

    @property
    def percent(self) -> int | None:
        return percentage(self.numerator, self.denominator)

    def as_json(self) -> dict[str, int | None]:
        return {"numerator": self.numerator, "denominator": self.denominator,
                "percent": self.percent}  # fmt: skip


@dataclass(frozen=True)
class CaseworkReport:
    parameters: CaseworkParameters
    figures: dict[str, Figure]
    new_orders: dict[str, int]
    orders_ended: dict[str, int]
    reports_by_court: dict[str, Figure]
    risk_levels: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """CASEWORK.md's JSON shape (unsuppressed)."""
        return {
            "period": self.parameters.as_json(),
            "as_of": self.parameters.as_of.isoformat(),
            "figures": {name: f.as_json() for name, f in self.figures.items()},
            "new_orders": self.new_orders,
            "orders_ended": self.orders_ended,
            "reports_by_court": {c: f.as_json() for c, f in self.reports_by_court.items()},
            "risk_levels": self.risk_levels,
        }


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _plus_days(column: str, days: int) -> str:
    if connection.vendor == "postgresql":
        return f"({column} + {int(days)})"
    return f"date({column}, '{int(days):+d} days')"


def _in_period(column: str, p: CaseworkParameters) -> str:
    return (
        f"{column} >= {date_sql(p.period_from)} AND {column} < {date_sql(p.period_to)} "
        f"AND {column} <= {date_sql(p.as_of)}"
    )


def _team(alias: str, p: CaseworkParameters) -> tuple[str, list[str]]:
    return (f" AND {alias}.team_id = %s", [p.team]) if p.team else ("", [])


def _calendar(p: CaseworkParameters) -> str:
    """`cal(day, idx, working)` for the days from two weeks before the period (the last
    working day before a hearing early in the period) to `as_of`."""
    start = p.period_from - dt.timedelta(days=14)
    rows = working_day_index(start, max(p.as_of, start))
    values = ", ".join(f"({date_sql(day)}, {idx}, {int(working)})" for day, idx, working in rows)
    return f"cal(day, idx, working) AS (VALUES {values})"


def new_orders(p: CaseworkParameters) -> dict[str, int]:
    """Orders imposed in the period, by type (every type, 0 when none)."""
    team, params = _team("o", p)
    found = dict(_rows(
        f"SELECT o.type, COUNT(*) FROM casework_order o "
        f"WHERE {_in_period('o.imposed_on', p)}{team} GROUP BY o.type", params,
    ))  # fmt: skip
    return {kind: found.get(kind, 0) for kind in Order.Type.values}


def placement_within_7_days(p: CaseworkParameters) -> Figure:
    """CPOs with unpaid work imposed in the period and 7 days on by `as_of`; of them,
    those with a session present from the day imposed to 7 days after (inclusive)."""
    team, params = _team("o", p)
    week = _plus_days("o.imposed_on", 7)
    (num, den), = _rows(f"""
        SELECT COALESCE(SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM cases_contact c WHERE c.order_id = o.id
                   AND c.kind IN ('upw', 'other_activity') AND c.attendance IN {PRESENT}
                   AND c."on" >= o.imposed_on AND c."on" <= {week}) THEN 1 ELSE 0 END), 0),
               COUNT(*)
        FROM casework_order o
        WHERE o.type = 'cpo' AND o.upw_hours IS NOT NULL
          AND {_in_period('o.imposed_on', p)} AND {week} <= {date_sql(p.as_of)}{team}
    """, params)  # fmt: skip
    return Figure(int(num), int(den))


def plan_within_20_days(p: CaseworkParameters) -> Figure:
    """CPOs with supervision imposed in the period whose 20th working day after has come
    by `as_of`; of them, those with a plan agreed by that day."""
    team, params = _team("o", p)
    (num, den), = _rows(f"""
        WITH {_calendar(p)}
        SELECT COALESCE(SUM(CASE WHEN EXISTS (
                   SELECT 1 FROM casework_plan pl WHERE pl.order_id = o.id
                   AND pl.agreed_on <= c20.day) THEN 1 ELSE 0 END), 0),
               COUNT(*)
        FROM casework_order o
        JOIN cal ci ON ci.day = o.imposed_on
        JOIN cal c20 ON c20.working = 1 AND c20.idx = ci.idx + 20
        WHERE o.type = 'cpo' AND o.supervision_months IS NOT NULL
          AND {_in_period('o.imposed_on', p)}{team}
    """, params)  # fmt: skip
    return Figure(int(num), int(den))


def reviews_on_time(p: CaseworkParameters) -> Figure:
    """Reviews due in the period (and by `as_of`); of them, those held by the day due."""
    team, params = _team("o", p)
    (num, den), = _rows(f"""
        SELECT COALESCE(SUM(CASE WHEN r.held_on IS NOT NULL AND r.held_on <= r.due_on
                            THEN 1 ELSE 0 END), 0), COUNT(*)
        FROM casework_review r JOIN casework_order o ON o.id = r.order_id
        WHERE {_in_period('r.due_on', p)}{team}
    """, params)  # fmt: skip
    return Figure(int(num), int(den))


def attendance_rate(p: CaseworkParameters) -> Figure:
    """Sessions and appointments of every kind on orders, dated in the period, present or
    absent without good reason; of them, those present."""
    team, params = _team("o", p)
    # The order is joined only to narrow to a team: a contact of an order has its id.
    joined = "JOIN casework_order o ON o.id = c.order_id" if p.team else ""
    (num, den), = _rows(f"""
        SELECT COALESCE(SUM(CASE WHEN c.attendance IN {PRESENT} THEN 1 ELSE 0 END), 0),
               COUNT(*)
        FROM cases_contact c {joined}
        WHERE c.order_id IS NOT NULL AND c.attendance IN {COUNTED}
          AND {_in_period('c."on"', p)}{team}
    """, params)  # fmt: skip
    return Figure(int(num), int(den))


def hours_completed_in_time(p: CaseworkParameters) -> Figure:
    """CPOs with unpaid work whose time limit (3 months after imposition up to 100 hours,
    6 above) falls in the period and by `as_of`; of them, those whose hours credited by
    sessions on or before the limit reach the hours imposed, other activity counting for
    at most 30% of them or 30 hours. Compared in tenths of hours, so exactly."""
    team, params = _team("o", p)
    limit = (
        f"(CASE WHEN o.upw_hours <= 100 THEN {months_sql('o.imposed_on', 3)} "
        f"ELSE {months_sql('o.imposed_on', 6)} END)"
    )
    (num, den), = _rows(f"""
        WITH due AS (
            SELECT o.id, o.upw_hours, {limit} AS until FROM casework_order o
            WHERE o.type = 'cpo' AND o.upw_hours IS NOT NULL{team}
        ),
        done AS (
            SELECT due.id, due.upw_hours,
                   COALESCE(SUM(CASE WHEN c.kind = 'upw' THEN c.hours_credited END), 0) AS upw,
                   COALESCE(SUM(CASE WHEN c.kind = 'other_activity' THEN c.hours_credited END), 0)
                       AS other
            FROM due LEFT JOIN cases_contact c ON c.order_id = due.id AND c."on" <= due.until
            WHERE {_in_period('due.until', p)}
            GROUP BY due.id, due.upw_hours
        )
        SELECT COALESCE(SUM(CASE WHEN 10 * upw + (CASE
                   WHEN 10 * other < 3 * upw_hours AND 10 * other < 300 THEN 10 * other
                   WHEN 3 * upw_hours < 300 THEN 3 * upw_hours ELSE 300 END)
                   >= 10 * upw_hours THEN 1 ELSE 0 END), 0), COUNT(*)
        FROM done
    """, params)  # fmt: skip
    return Figure(int(num), int(den))


def orders_ended(p: CaseworkParameters) -> dict[str, int]:
    """Orders ended in the period, by how (every ending, 0 when none)."""
    team, params = _team("o", p)
    found = dict(_rows(
        f"SELECT o.state, COUNT(*) FROM casework_order o "
        f"WHERE o.ended_on IS NOT NULL AND {_in_period('o.ended_on', p)}{team} "
        f"GROUP BY o.state", params,
    ))  # fmt: skip
    return {ending: found.get(ending, 0) for ending in ENDINGS}


def reports_by_court(p: CaseworkParameters) -> dict[str, Figure]:
    """Reports due in the period, not cancelled, by court; of them, those submitted by
    the last working day before the hearing."""
    team, params = _team("cr", p)
    found = {court: (int(n), int(d)) for court, n, d in _rows(f"""
        WITH {_calendar(p)}
        SELECT cr.court,
               COALESCE(SUM(CASE WHEN cr.submitted_on IS NOT NULL AND cr.submitted_on <= cl.day
                            THEN 1 ELSE 0 END), 0), COUNT(*)
        FROM casework_courtreport cr
        JOIN cal cd ON cd.day = cr.due_on
        JOIN cal cl ON cl.working = 1 AND cl.idx = cd.idx - cd.working
        WHERE cr.status <> 'cancelled' AND {_in_period('cr.due_on', p)}{team}
        GROUP BY cr.court
    """, params)}  # fmt: skip
    return {court: Figure(*found.get(court, (0, 0))) for court in Court.values}


def risk_levels(p: CaseworkParameters) -> dict[str, dict[str, int]]:
    """Assessments with a level dated in the period: the latest per person and stage
    (ties: the larger assessment_ref, then the later kept), counted by level."""
    team, params = "", []
    if p.team:
        team = (
            " AND (EXISTS (SELECT 1 FROM casework_order o WHERE o.id = a.order_id"
            " AND o.team_id = %s) OR EXISTS (SELECT 1 FROM casework_courtreport cr"
            " WHERE cr.id = a.report_id AND cr.team_id = %s))"
        )
        params = [p.team, p.team]
    rows = _rows(f"""
        SELECT stage, level, COUNT(*) FROM (
            SELECT a.stage, a.level, ROW_NUMBER() OVER (
                PARTITION BY a.person_id, a.stage
                ORDER BY a.assessed_on DESC, COALESCE(a.assessment_ref, '') DESC, a.id DESC
            ) AS latest
            FROM casework_assessment a
            WHERE a.level <> '' AND {_in_period('a.assessed_on', p)}{team}
        ) ranked WHERE latest = 1 GROUP BY stage, level
    """, params)  # fmt: skip
    found = {(stage, level): int(n) for stage, level, n in rows}
    return {
        stage: {level: found.get((stage, level), 0) for level in Level.values}
        for stage in Assessment.Stage.values
    }


def casework_report(p: CaseworkParameters) -> CaseworkReport:
    """Every figure of CASEWORK.md for the parameters."""
    by_court = reports_by_court(p)
    ended = orders_ended(p)
    all_reports = Figure(
        sum(f.numerator for f in by_court.values()), sum(f.denominator for f in by_court.values())
    )
    figures = {
        "placement_within_7_days": placement_within_7_days(p),
        "plan_within_20_days": plan_within_20_days(p),
        "reviews_on_time": reviews_on_time(p),
        "attendance_rate": attendance_rate(p),
        "hours_completed_in_time": hours_completed_in_time(p),
        "orders_completed": Figure(ended["completed"], sum(ended.values())),
        "reports_on_time": all_reports,
    }
    return CaseworkReport(
        parameters=p, figures=figures, new_orders=new_orders(p), orders_ended=ended,
        reports_by_court=by_court, risk_levels=risk_levels(p),
    )  # fmt: skip
