"""A reference computation of the outcome report by DuckDB over Parquet files, written
from OUTCOMES.md independently of `pathways/outcomes/` (other SQL, another engine), for
bench.outcomes to time beside PostgreSQL and to check the two agree.

Tables exported for it (one Parquet file each): referrals, events (offences only need
person_id, kind, occurred_on, crime_group), people, transitions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from pathways.outcomes.rounding import change, mean, percentage

STAGES = ("referred", "accepted", "declined", "consented", "started", "completed",
          "opted_out", "open")  # fmt: skip
BANDS = ("0-15", "16-17", "18-20", "21-25", "26-30", "31-35", "36-40", "41-45", "46-50",
         "51-55", "56-60", "61-65", "66+", "unknown")  # fmt: skip


def connect(folder: Path) -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    db.execute("SET autoinstall_known_extensions = false")
    for table in ("referrals", "events", "people", "transitions"):
        db.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{folder / table}.parquet')")
    return db


def _lit(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _median(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def reference_report(
    db: duckdb.DuckDBPyConnection,
    services: tuple[str, ...],
    period_from: dt.date,
    period_to: dt.date,
    as_of: dt.date,
) -> dict[str, object]:
    """The report's figures (the keys of `OutcomeReport.as_json`)."""
    chosen = ", ".join(f"'{s}'" for s in services)
    f, t, a = _lit(period_from), _lit(period_to), _lit(as_of)
    completed = f"""
        SELECT id, person_id, started_on AS s, ended_on AS e FROM referrals
        WHERE service_id IN ({chosen}) AND started_on IS NOT NULL
          AND end_reason = 'completed' AND ended_on <= {a}
          AND ended_on >= {f} AND ended_on < {t}
    """
    follow = {}
    for months in (3, 6, 12):
        row = db.execute(f"""
            WITH idx AS (
                SELECT * FROM ({completed})
                QUALIFY row_number() OVER (
                    PARTITION BY person_id ORDER BY e DESC, s DESC, id DESC) = 1
            ),
            cohort AS (
                SELECT person_id, s, e,
                       CAST(s - INTERVAL {months} MONTH AS DATE) AS pre_from,
                       CAST(e + INTERVAL {months} MONTH AS DATE) AS post_to
                FROM idx WHERE CAST(e + INTERVAL {months} MONTH AS DATE) <= {a}
            ),
            per AS (
                SELECT c.person_id,
                  count(o.occurred_on) FILTER (o.occurred_on >= c.pre_from
                                               AND o.occurred_on < c.s) AS pre,
                  count(o.occurred_on) FILTER (o.occurred_on > c.e
                                               AND o.occurred_on <= c.post_to) AS post,
                  count(o.occurred_on) FILTER (o.occurred_on > c.e AND o.occurred_on <= c.post_to
                                               AND o.crime_group = 'violence') AS post_v,
                  count(o.occurred_on) FILTER (o.occurred_on >= c.pre_from AND o.occurred_on < c.s
                                               AND o.crime_group = 'dishonesty') AS acq_pre,
                  count(o.occurred_on) FILTER (o.occurred_on > c.e AND o.occurred_on <= c.post_to
                                               AND o.crime_group = 'dishonesty') AS acq_post
                FROM cohort c
                LEFT JOIN (SELECT person_id, occurred_on, crime_group FROM events
                           WHERE kind = 'offence') o ON o.person_id = c.person_id
                GROUP BY c.person_id
            )
            SELECT (SELECT count(*) FROM idx), count(*),
                   count(*) FILTER (post = 0), count(*) FILTER (post < pre),
                   count(*) FILTER (post_v = 0),
                   coalesce(sum(pre), 0), coalesce(sum(post), 0),
                   coalesce(sum(acq_pre), 0), coalesce(sum(acq_post), 0)
            FROM per
        """).fetchone()  # fmt: skip
        indexed, cohort, none, reduced, no_v, pre, post, acq_pre, acq_post = (int(v) for v in row)
        follow[str(months)] = {
            "cohort": cohort,
            "awaiting_follow_up": indexed - cohort,
            "no_further_offences": {"n": none, "of": cohort, "pct": percentage(none, cohort)},
            "reduced_offending": {"n": reduced, "of": cohort, "pct": percentage(reduced, cohort)},
            "no_further_violence": {"n": no_v, "of": cohort, "pct": percentage(no_v, cohort)},
            "offences_pre": pre,
            "offences_post": post,
            "offence_change": change(post, pre),
            "acquisitive_pre": acq_pre,
            "acquisitive_post": acq_post,
            "acquisitive_change": change(acq_post, acq_pre),
        }

    count, total, low, high, middle = db.execute(f"""
        SELECT count(*), coalesce(sum(d), 0), min(d), max(d), median(d)
        FROM (SELECT date_diff('day', s, e) AS d FROM ({completed}))
    """).fetchone()  # fmt: skip
    length = {
        "count": int(count), "mean_days": mean(int(total), int(count)),
        "median_days": _median(middle), "min_days": low, "max_days": high,
    }  # fmt: skip

    def funnel(where: str) -> dict[str, dict[str, object]]:
        rows = db.execute(f"""
            SELECT {where} AS grp, count(*),
              count(*) FILTER (decision = 'accepted' AND decided_on <= {a}),
              count(*) FILTER (decision = 'declined' AND decided_on <= {a}),
              count(*) FILTER (consent_on <= {a}),
              count(*) FILTER (started_on <= {a}),
              count(*) FILTER (end_reason = 'completed' AND ended_on <= {a}),
              count(*) FILTER (end_reason IN ('opted_out', 'disengaged') AND ended_on <= {a}),
              count(*) FILTER (NOT coalesce(decision IN ('declined', 'withdrawn')
                                             AND decided_on <= {a}, false)
                               AND NOT coalesce(ended_on <= {a}, false)
                               AND id NOT IN (SELECT referral_id FROM transitions
                                              WHERE "on" <= {a} AND to_state IN
                                              ('withdrawn', 'consent_refused'))),
              median(date_diff('day', referred_on, started_on)) FILTER (started_on <= {a})
            FROM referrals
            WHERE service_id IN ({chosen}) AND referred_on >= {f} AND referred_on < {t}
              AND referred_on <= {a}
            GROUP BY grp ORDER BY grp
        """).fetchall()  # fmt: skip
        found = {}
        for grp, *counts, median_wait in rows:
            found[grp] = {
                **dict(zip(STAGES, (int(c) for c in counts), strict=True)),
                "median_days_to_start": _median(median_wait),
            }
        return found

    empty = {**dict.fromkeys(STAGES, 0), "median_days_to_start": None}
    whole = funnel("'all'").get("all", empty)
    by_service = funnel("service_id")
    caseload = db.execute(f"""
        WITH open_people AS (
            SELECT DISTINCT person_id FROM referrals
            WHERE service_id IN ({chosen}) AND started_on <= {a}
              AND (ended_on IS NULL OR ended_on > {a})
        ),
        aged AS (
            SELECT p.sex,
                   CASE WHEN p.date_of_birth IS NULL THEN NULL ELSE
                     year({a}) - year(p.date_of_birth)
                     - CASE WHEN strftime({a}, '%m-%d') < strftime(p.date_of_birth, '%m-%d')
                            THEN 1 ELSE 0 END END AS age
            FROM open_people o JOIN people p ON p.id = o.person_id
        )
        SELECT CASE WHEN age IS NULL THEN 'unknown' WHEN age < 16 THEN '0-15'
                    WHEN age < 18 THEN '16-17' WHEN age < 21 THEN '18-20'
                    WHEN age < 26 THEN '21-25' WHEN age < 31 THEN '26-30'
                    WHEN age < 36 THEN '31-35' WHEN age < 41 THEN '36-40'
                    WHEN age < 46 THEN '41-45' WHEN age < 51 THEN '46-50'
                    WHEN age < 56 THEN '51-55' WHEN age < 61 THEN '56-60'
                    WHEN age < 66 THEN '61-65' ELSE '66+' END AS band,
               CASE WHEN sex IN ('M', 'F', 'X') THEN sex ELSE 'U' END AS sx, count(*)
        FROM aged GROUP BY ALL
    """).fetchall()  # fmt: skip
    sexes = ("M", "F", "X", "U")
    caseload.sort(key=lambda r: (BANDS.index(r[0]), sexes.index(r[1])))
    return {
        "follow_up": follow,
        "engagement_length": length,
        "funnel": whole,
        "funnel_by_service": by_service if len(services) > 1 else {services[0]: whole},
        "caseload": [{"age_band": b, "sex": s, "count": int(n)} for b, s, n in caseload],
    }
