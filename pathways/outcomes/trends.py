"""Figures by quarter for the dashboard's trends: the same definitions, each quarter of
the period taken as a period of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from pathways.months import add_months
from pathways.outcomes.metrics import engagement_length, follow_up, funnel
from pathways.outcomes.parameters import ReportParameters


@dataclass(frozen=True)
class Quarter:
    starts: dt.date
    referred: int  # referrals made in the quarter
    completed: int  # engagements completed in the quarter
    # People in the 3-month follow-up of those completing in the quarter.
    cohort: int
    no_further_offences: int

    @property
    def label(self) -> str:
        return f"{self.starts.year} Q{(self.starts.month - 1) // 3 + 1}"


def quarters_of(period_from: dt.date, period_to: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Calendar quarters overlapping [period_from, period_to), clipped to it."""
    first = dt.date(period_from.year, 3 * ((period_from.month - 1) // 3) + 1, 1)
    found = []
    start = first
    while start < period_to:
        end = add_months(start, 3)
        found.append((max(start, period_from), min(end, period_to)))
        start = end
    return found


def by_quarter(report: ReportParameters) -> list[Quarter]:
    """Referrals made, engagements completed, and the 3-month follow-up of the people
    completing, in each quarter of the report's period."""
    found = []
    for start, end in quarters_of(report.period_from, report.period_to):
        part = replace(report, period_from=start, period_to=end)
        follow = follow_up(part, 3)
        found.append(
            Quarter(
                starts=start,
                referred=funnel(part).referred,
                completed=engagement_length(part).count,
                cohort=follow.cohort,
                no_further_offences=follow.no_further_offences.n,
            )
        )
    return found
