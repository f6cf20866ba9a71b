"""The partnership's figures, one function per definition in OUTCOMES.md.

Each function runs one SQL statement in the database (PostgreSQL or SQLite) and returns
the counts it found; dividing and rounding are done here from those integers
(`outcomes.rounding`), so a percentage is exact. The dashboard, the API, the command
line and every export call these functions and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from pathways.outcomes.parameters import AGE_BANDS, SEXES, ReportParameters
from pathways.outcomes.rounding import change, mean, median_of_middle, percentage
from pathways.outcomes.scope import (
    age_band_sql,
    date_sql,
    days_sql,
    months_sql,
    person_events_sql,
    referral_scope,
)

__all__ = [
    "CaseloadCell",
    "EngagementLength",
    "FollowUp",
    "Funnel",
    "Measure",
    "caseload",
    "engagement_length",
    "follow_up",
    "funnel",
]


@dataclass(frozen=True)
class Measure:
    """`n` of `of` people, and the whole percentage (None when `of` is 0)."""

    n: int
    of: int

    @property
    def pct(self) -> int | None:
        return percentage(self.n, self.of)

    def as_json(self) -> dict[str, int | None]:
        return {"n": self.n, "of": self.of, "pct": self.pct}


@dataclass(frozen=True)
class FollowUp:
    """The W-month follow-up of the people whose index engagement ended in the period."""

    months: int
    cohort: int
    awaiting_follow_up: int
    no_further_offences: Measure
    reduced_offending: Measure
    no_further_violence: Measure
    offences_pre: int
    offences_post: int
    acquisitive_pre: int
    acquisitive_post: int

    @property
    def offence_change(self) -> float | None:
        return change(self.offences_post, self.offences_pre)

    @property
    def acquisitive_change(self) -> float | None:
        return change(self.acquisitive_post, self.acquisitive_pre)

    def as_json(self) -> dict[str, object]:
        return {
            "cohort": self.cohort,
            "awaiting_follow_up": self.awaiting_follow_up,
            "no_further_offences": self.no_further_offences.as_json(),
            "reduced_offending": self.reduced_offending.as_json(),
            "no_further_violence": self.no_further_violence.as_json(),
            "offences_pre": self.offences_pre,
            "offences_post": self.offences_post,
            "offence_change": self.offence_change,
            "acquisitive_pre": self.acquisitive_pre,
            "acquisitive_post": self.acquisitive_post,
            "acquisitive_change": self.acquisitive_change,
        }


def _one_row(sql: str, params: list[str]) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _completed_in_period(report: ReportParameters) -> tuple[str, list[str]]:
    """SQL selecting the completed engagements ended in the period, not after `as_of`:
    person, start `s`, end `e`, and `latest` (1 for the person's index engagement)."""
    scope = referral_scope(report)
    sql = f"""
        SELECT r.person_id, r.started_on AS s, r.ended_on AS e,
               ROW_NUMBER() OVER (
                   PARTITION BY r.person_id
                   ORDER BY r.ended_on DESC, r.started_on DESC, r.id DESC
               ) AS latest
        FROM {scope.joins}
        WHERE {scope.where} AND {_completed_in_period_sql(report)}
    """
    return sql, scope.params


def _completed_in_period_sql(report: ReportParameters) -> str:
    """SQL on referral `r`: a completed engagement whose end is in the period and not
    after `as_of` (engagement length, its distribution and the follow-up all count these)."""
    return f"""
        r.started_on IS NOT NULL AND r.ended_on IS NOT NULL
        AND r.end_reason = 'completed'
        AND r.ended_on <= {date_sql(report.as_of)}
        AND r.ended_on >= {date_sql(report.period_from)}
        AND r.ended_on < {date_sql(report.period_to)}
    """


def follow_up(report: ReportParameters, months: int) -> FollowUp:
    """OUTCOMES.md "Follow-up cohort" for a window of `months` (3, 6 or 12).

    Each person counts once, through their latest completed engagement ended in the
    period (ties: the later start, then the larger id). They are in the cohort when that
    engagement's end + `months` is on or before `as_of`, else awaiting follow-up.
    Offences are events of kind `offence` (one row per agency and reference), dated by
    their local date: `pre` in [start - W, start), `post` in (end, end + W].
    """
    completed, params = _completed_in_period(report)
    as_of = date_sql(report.as_of)
    sql = f"""
        WITH completed AS ({completed}),
        indexed AS (
            SELECT person_id, s, e, {months_sql("e", months)} AS post_to
            FROM completed WHERE latest = 1
        ),
        cohort AS (
            SELECT person_id, s, e, post_to, {months_sql("s", -months)} AS pre_from
            FROM indexed WHERE post_to <= {as_of}
        ),
        counted AS (
            SELECT c.person_id,
                SUM(CASE WHEN ev.occurred_on >= c.pre_from AND ev.occurred_on < c.s
                    THEN 1 ELSE 0 END) AS pre,
                SUM(CASE WHEN ev.occurred_on > c.e AND ev.occurred_on <= c.post_to
                    THEN 1 ELSE 0 END) AS post,
                SUM(CASE WHEN ev.occurred_on > c.e AND ev.occurred_on <= c.post_to
                    AND ev.crime_group = 'violence' THEN 1 ELSE 0 END) AS post_violent,
                SUM(CASE WHEN ev.occurred_on >= c.pre_from AND ev.occurred_on < c.s
                    AND ev.crime_group = 'dishonesty' THEN 1 ELSE 0 END) AS acquisitive_pre,
                SUM(CASE WHEN ev.occurred_on > c.e AND ev.occurred_on <= c.post_to
                    AND ev.crime_group = 'dishonesty' THEN 1 ELSE 0 END) AS acquisitive_post
            FROM cohort c
            LEFT JOIN {person_events_sql("ev")}
              ON ev.person_id = c.person_id AND ev.kind = 'offence'
             AND ev.occurred_on >= c.pre_from AND ev.occurred_on <= c.post_to
            GROUP BY c.person_id
        )
        SELECT
            (SELECT COUNT(*) FROM indexed),
            COUNT(*),
            COALESCE(SUM(CASE WHEN post = 0 THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN post < pre THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(CASE WHEN post_violent = 0 THEN 1 ELSE 0 END), 0),
            COALESCE(SUM(pre), 0), COALESCE(SUM(post), 0),
            COALESCE(SUM(acquisitive_pre), 0), COALESCE(SUM(acquisitive_post), 0)
        FROM counted
    """
    indexed, cohort, none, reduced, no_violence, pre, post, acq_pre, acq_post = (
        int(v) for v in _one_row(sql, params)
    )
    return FollowUp(
        months=months,
        cohort=cohort,
        awaiting_follow_up=indexed - cohort,
        no_further_offences=Measure(none, cohort),
        reduced_offending=Measure(reduced, cohort),
        no_further_violence=Measure(no_violence, cohort),
        offences_pre=pre,
        offences_post=post,
        acquisitive_pre=acq_pre,
        acquisitive_post=acq_post,
    )


@dataclass(frozen=True)
class EngagementLength:
    """Days from start to end of the completed engagements ended in the period."""

    count: int
    total_days: int
    median_days: int | float | None
    min_days: int | None
    max_days: int | None

    @property
    def mean_days(self) -> float | None:
        return mean(self.total_days, self.count)

    def as_json(self) -> dict[str, int | float | None]:
        return {
            "count": self.count,
            "mean_days": self.mean_days,
            "median_days": self.median_days,
            "min_days": self.min_days,
            "max_days": self.max_days,
        }


def _median_sql(values: str) -> str:
    """SQL for the two middle values of the CTE `values` (column `d`): the same row for
    an odd count. Portable: no percentile function on SQLite."""
    return f"""
        ordered AS (
            SELECT d, ROW_NUMBER() OVER (ORDER BY d) AS rn, COUNT(*) OVER () AS n
            FROM {values}
        ),
        middle AS (
            SELECT MIN(d) AS low, MAX(d) AS high FROM ordered
            WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
        )
    """


def _median(low: int | None, high: int | None) -> int | float | None:
    return None if low is None or high is None else median_of_middle(int(low), int(high))


def engagement_length(report: ReportParameters) -> EngagementLength:
    """OUTCOMES.md "Engagement length": every completed engagement (not only index ones)
    with `ended_on` in the period and not after `as_of`; length = end - start in days."""
    scope = referral_scope(report)
    sql = f"""
        WITH lengths AS (
            SELECT {days_sql("r.ended_on", "r.started_on")} AS d
            FROM {scope.joins}
            WHERE {scope.where} AND {_completed_in_period_sql(report)}
        ),
        {_median_sql("lengths")}
        SELECT COUNT(*), COALESCE(SUM(d), 0), MIN(d), MAX(d),
               (SELECT low FROM middle), (SELECT high FROM middle)
        FROM lengths
    """
    count, total, shortest, longest, low, high = _one_row(sql, scope.params)
    return EngagementLength(
        count=int(count),
        total_days=int(total),
        median_days=_median(low, high),
        min_days=None if shortest is None else int(shortest),
        max_days=None if longest is None else int(longest),
    )


FUNNEL_STAGES = (
    "referred", "accepted", "declined", "consented", "started", "completed", "opted_out",
    "open",
)  # fmt: skip


@dataclass(frozen=True)
class Funnel:
    """Referrals (not people) made in the period, by how far each had gone by `as_of`."""

    referred: int
    accepted: int
    declined: int
    consented: int
    started: int
    completed: int
    opted_out: int
    open: int
    median_days_to_start: int | float | None

    def as_json(self) -> dict[str, object]:
        shown: dict[str, object] = {stage: getattr(self, stage) for stage in FUNNEL_STAGES}
        shown["median_days_to_start"] = self.median_days_to_start
        return shown


def funnel(report: ReportParameters) -> Funnel:
    """OUTCOMES.md "Referral funnel". A stage counts a referral when its date is on or
    before `as_of`. `open`: not declined, withdrawn or ended by `as_of`; a referral
    withdrawn, or whose consent was refused, in Pathways itself is dated by that step."""
    scope = referral_scope(report)
    as_of = date_sql(report.as_of)
    sql = f"""
        WITH made AS (
            SELECT r.id, r.decision, r.decided_on, r.consent_on, r.started_on, r.ended_on,
                   r.end_reason, r.referred_on
            FROM {scope.joins}
            WHERE {scope.where}
              AND r.referred_on >= {date_sql(report.period_from)}
              AND r.referred_on < {date_sql(report.period_to)}
              AND r.referred_on <= {as_of}
        ),
        waits AS (
            SELECT {days_sql("started_on", "referred_on")} AS d FROM made
            WHERE started_on <= {as_of}
        ),
        {_median_sql("waits")}
        SELECT
            COUNT(*),
            SUM(CASE WHEN decision = 'accepted' AND decided_on <= {as_of} THEN 1 ELSE 0 END),
            SUM(CASE WHEN decision = 'declined' AND decided_on <= {as_of} THEN 1 ELSE 0 END),
            SUM(CASE WHEN consent_on <= {as_of} THEN 1 ELSE 0 END),
            SUM(CASE WHEN started_on <= {as_of} THEN 1 ELSE 0 END),
            SUM(CASE WHEN end_reason = 'completed' AND ended_on <= {as_of} THEN 1 ELSE 0 END),
            SUM(CASE WHEN end_reason IN ('opted_out', 'disengaged') AND ended_on <= {as_of}
                THEN 1 ELSE 0 END),
            SUM(CASE
                WHEN decision IN ('declined', 'withdrawn') AND decided_on <= {as_of} THEN 0
                WHEN ended_on <= {as_of} THEN 0
                WHEN EXISTS (
                    SELECT 1 FROM referrals_transition t
                    WHERE t.referral_id = made.id AND t."on" <= {as_of}
                      AND t.to_state IN ('withdrawn', 'consent_refused')
                ) THEN 0
                ELSE 1 END),
            (SELECT low FROM middle), (SELECT high FROM middle)
        FROM made
    """
    row = _one_row(sql, scope.params)
    counts = dict(zip(FUNNEL_STAGES, (int(v or 0) for v in row[:8]), strict=True))
    return Funnel(**counts, median_days_to_start=_median(row[8], row[9]))


@dataclass(frozen=True)
class CaseloadCell:
    age_band: str
    sex: str
    count: int

    def as_json(self) -> dict[str, object]:
        return {"age_band": self.age_band, "sex": self.sex, "count": self.count}


def caseload(report: ReportParameters) -> list[CaseloadCell]:
    """OUTCOMES.md "Caseload profile": people (once each) with an engagement with the
    services open on `as_of`, by age band on `as_of` and sex; non-empty cells only, in
    band order then M, F, X, U."""
    scope = referral_scope(report)
    as_of = date_sql(report.as_of)
    sql = f"""
        WITH open_people AS (
            SELECT DISTINCT r.person_id
            FROM {scope.joins}
            WHERE {scope.where}
              AND r.started_on IS NOT NULL AND r.started_on <= {as_of}
              AND (r.ended_on IS NULL OR r.ended_on > {as_of})
        )
        SELECT {age_band_sql("p.date_of_birth", report.as_of)} AS band,
               CASE WHEN p.sex IN ('M', 'F', 'X') THEN p.sex ELSE 'U' END AS sex,
               COUNT(*)
        FROM open_people o JOIN people_person p ON p.id = o.person_id
        GROUP BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, scope.params)
        rows = cursor.fetchall()
    cells = [CaseloadCell(band, sex, int(n)) for band, sex, n in rows if n]
    return sorted(cells, key=lambda c: (AGE_BANDS.index(c.age_band), SEXES.index(c.sex)))


LENGTH_BIN_DAYS = 30


@dataclass(frozen=True)
class LengthBin:
    """Completed engagements whose length in days is in [low, low + LENGTH_BIN_DAYS)."""

    low: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}-{self.low + LENGTH_BIN_DAYS - 1}"


def engagement_length_distribution(report: ReportParameters) -> list[LengthBin]:
    """The engagements `engagement_length` measures, counted in 30-day bins (the
    dashboard's distribution); bins with none are left out."""
    scope = referral_scope(report)
    days = days_sql("r.ended_on", "r.started_on")
    sql = f"""
        SELECT ({days}) / {LENGTH_BIN_DAYS} AS bin, COUNT(*)
        FROM {scope.joins}
        WHERE {scope.where} AND {_completed_in_period_sql(report)}
        GROUP BY 1 ORDER BY 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, scope.params)
        return [LengthBin(int(b) * LENGTH_BIN_DAYS, int(n)) for b, n in cursor.fetchall()]
