"""A reference computation of CASEWORK.md's figures by DuckDB over Parquet files,
written from CASEWORK.md's definitions independently of `pathways/outcomes/casework.py`
(other SQL, another engine, its own working-day calendar made straight from the
`holidays` package), for bench.casework to time beside PostgreSQL and to check the two
agree.

Tables exported for it: orders, contacts (sessions and appointments), plans, reviews,
reports, assessments.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import holidays

TABLES = ("orders", "contacts", "plans", "reviews", "reports", "assessments")
COURTS = ("high", "sheriff_solemn", "sheriff_summary", "justice_of_peace")
LEVELS = ("very_low", "low", "medium", "high", "very_high")
STAGES = ("pre_sentence", "post_sentence", "review")
TYPES = ("cpo", "sds", "dtto", "diversion", "bail_supervision", "licence")
ENDINGS = ("completed", "revoked_breach", "revoked_other", "transferred", "died")


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("SET autoinstall_known_extensions = false")
    for table in TABLES:
        db.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / table}.parquet')")
    return db


def _pct(n: int, d: int) -> int | None:
    """Half away from zero, in integers."""
    return None if d == 0 else (200 * n + d) // (2 * d)


def _fig(n: int, d: int) -> dict[str, int | None]:
    return {"numerator": int(n), "denominator": int(d), "percent": _pct(int(n), int(d))}


def _calendar(db: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> None:
    """`days(day, working, n)`: every day from `start` to `end`, whether it is a Scottish
    working day, and n = working days from `start` up to and including it."""
    years = range(start.year, end.year + 1)
    off = sorted(holidays.country_holidays("GB", subdiv="SCT", years=years))
    db.execute("CREATE OR REPLACE TABLE off(day DATE)")
    if off:
        db.executemany("INSERT INTO off VALUES (?)", [(d,) for d in off])
    db.execute(f"""
        CREATE OR REPLACE TABLE days AS
        WITH d AS (
            SELECT CAST(g AS DATE) AS day FROM generate_series(
                DATE '{start}', DATE '{end}', INTERVAL 1 DAY) t(g)
        ), w AS (
            SELECT day, (isodow(day) <= 5 AND day NOT IN (SELECT day FROM off)) AS working
            FROM d
        )
        SELECT day, working,
               SUM(CASE WHEN working THEN 1 ELSE 0 END) OVER (ORDER BY day) AS n
        FROM w
    """)


def reference_report(
    db: duckdb.DuckDBPyConnection, period_from: dt.date, period_to: dt.date, as_of: dt.date
) -> dict[str, object]:
    """The figures of `CaseworkReport.as_json` (without the parameters)."""
    f, t, a = (f"DATE '{d}'" for d in (period_from, period_to, as_of))
    within = lambda col: f"{col} >= {f} AND {col} < {t} AND {col} <= {a}"  # noqa: E731
    _calendar(db, period_from - dt.timedelta(days=60), as_of + dt.timedelta(days=60))
    one = lambda sql: db.execute(sql).fetchone()  # noqa: E731

    new = dict(db.execute(f"SELECT type, count(*) FROM orders WHERE {within('imposed_on')} "
                          "GROUP BY type").fetchall())  # fmt: skip
    placement = one(f"""
        SELECT count(*) FILTER (WHERE EXISTS (
                 SELECT 1 FROM contacts c WHERE c.order_id = o.id
                 AND c.kind IN ('upw', 'other_activity')
                 AND c.attendance IN ('attended', 'late', 'sent_home')
                 AND c.day BETWEEN o.imposed_on AND o.imposed_on + 7)),
               count(*)
        FROM orders o WHERE o.type = 'cpo' AND o.upw_hours IS NOT NULL
          AND {within("o.imposed_on")} AND o.imposed_on + 7 <= {a}
    """)
    # The 20th working day after d: the working day whose running count is d's + 20.
    plan = one(f"""
        WITH due AS (
            SELECT o.id, (SELECT min(x.day) FROM days x
                          WHERE x.working AND x.n = d.n + 20) AS by_day
            FROM orders o JOIN days d ON d.day = o.imposed_on
            WHERE o.type = 'cpo' AND o.supervision_months IS NOT NULL
              AND {within("o.imposed_on")}
        )
        SELECT count(*) FILTER (WHERE EXISTS (
                 SELECT 1 FROM plans p WHERE p.order_id = due.id AND p.agreed_on <= due.by_day)),
               count(*)
        FROM due WHERE by_day <= {a}
    """)
    reviews = one(f"""
        SELECT count(*) FILTER (WHERE held_on IS NOT NULL AND held_on <= due_on), count(*)
        FROM reviews WHERE {within("due_on")}
    """)
    attendance = one(f"""
        SELECT count(*) FILTER (WHERE attendance IN ('attended', 'late', 'sent_home')), count(*)
        FROM contacts WHERE order_id IS NOT NULL
          AND attendance IN ('attended', 'late', 'sent_home', 'unacceptable_absence')
          AND {within("day")}
    """)
    hours = one(f"""
        WITH o AS (
            SELECT id, upw_hours,
                   CAST(imposed_on + INTERVAL (CASE WHEN upw_hours <= 100 THEN 3 ELSE 6 END) MONTH
                        AS DATE) AS limit_day
            FROM orders WHERE type = 'cpo' AND upw_hours IS NOT NULL
        ), done AS (
            SELECT o.id, o.upw_hours,
                   coalesce(sum(c.hours_credited) FILTER (WHERE c.kind = 'upw'), 0) AS upw,
                   coalesce(sum(c.hours_credited) FILTER (WHERE c.kind = 'other_activity'), 0)
                     AS other
            FROM o LEFT JOIN contacts c ON c.order_id = o.id AND c.day <= o.limit_day
            WHERE {within("o.limit_day")}
            GROUP BY o.id, o.upw_hours
        )
        SELECT count(*) FILTER (WHERE upw + least(other, upw_hours * 0.3, 30) >= upw_hours),
               count(*)
        FROM done
    """)
    ended = dict(db.execute(f"SELECT state, count(*) FROM orders WHERE ended_on IS NOT NULL "
                            f"AND {within('ended_on')} GROUP BY state").fetchall())  # fmt: skip
    # The last working day before the hearing: the latest working day before it.
    by_court = {
        row[0]: (row[1], row[2])
        for row in db.execute(f"""
        SELECT r.court,
               count(*) FILTER (WHERE r.submitted_on IS NOT NULL AND r.submitted_on <= (
                   SELECT max(x.day) FROM days x WHERE x.working AND x.day < r.due_on)),
               count(*)
        FROM reports r WHERE r.status <> 'cancelled' AND {within("r.due_on")}
        GROUP BY r.court
    """).fetchall()
    }
    levels = {
        (s, lv): n
        for s, lv, n in db.execute(f"""
        SELECT stage, level, count(*) FROM (
            SELECT stage, level, row_number() OVER (PARTITION BY person_id, stage
                ORDER BY assessed_on DESC, coalesce(assessment_ref, '') DESC, id DESC) AS k
            FROM assessments WHERE level <> '' AND {within("assessed_on")}
        ) WHERE k = 1 GROUP BY stage, level
    """).fetchall()
    }
    courts = {c: _fig(*by_court.get(c, (0, 0))) for c in COURTS}
    ends = {e: int(ended.get(e, 0)) for e in ENDINGS}
    return {
        "figures": {
            "placement_within_7_days": _fig(*placement),
            "plan_within_20_days": _fig(*plan),
            "reviews_on_time": _fig(*reviews),
            "attendance_rate": _fig(*attendance),
            "hours_completed_in_time": _fig(*hours),
            "orders_completed": _fig(ends["completed"], sum(ends.values())),
            "reports_on_time": _fig(
                sum(c["numerator"] for c in courts.values()),  # type: ignore[misc]
                sum(c["denominator"] for c in courts.values()),
            ),  # type: ignore[misc]
        },
        "new_orders": {k: int(new.get(k, 0)) for k in TYPES},
        "orders_ended": ends,
        "reports_by_court": courts,
        "risk_levels": {s: {lv: int(levels.get((s, lv), 0)) for lv in LEVELS} for s in STAGES},
    }
