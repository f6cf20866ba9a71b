"""The outcome report: every definition for one set of parameters, in the shape
OUTCOMES.md gives ("The JSON report"), plus the funnel by service for published tables."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pathways.outcomes.metrics import (
    CaseloadCell,
    EngagementLength,
    FollowUp,
    Funnel,
    caseload,
    engagement_length,
    follow_up,
    funnel,
)
from pathways.outcomes.parameters import WINDOWS, ReportParameters


@dataclass(frozen=True)
class OutcomeReport:
    parameters: ReportParameters
    follow_up: dict[int, FollowUp]
    engagement_length: EngagementLength
    funnel: Funnel
    funnel_by_service: dict[str, Funnel]
    caseload: list[CaseloadCell]

    def as_json(self) -> dict[str, object]:
        """The unsuppressed figures (the analysts' and programs' format)."""
        return {
            "parameters": self.parameters.as_json(),
            "follow_up": {str(w): f.as_json() for w, f in self.follow_up.items()},
            "engagement_length": self.engagement_length.as_json(),
            "funnel": self.funnel.as_json(),
            "funnel_by_service": {s: f.as_json() for s, f in self.funnel_by_service.items()},
            "caseload": [cell.as_json() for cell in self.caseload],
        }


def outcome_report(params: ReportParameters) -> OutcomeReport:
    """Every figure of the report: follow-up at 3, 6 and 12 months, engagement length,
    the funnel (all services, and each), the caseload."""
    by_service = (
        {s: funnel(replace(params, services=(s,))) for s in params.services}
        if len(params.services) > 1
        else {}
    )
    whole = funnel(params)
    if not by_service:
        by_service = {params.services[0]: whole}
    return OutcomeReport(
        parameters=params,
        follow_up={w: follow_up(params, w) for w in WINDOWS},
        engagement_length=engagement_length(params),
        funnel=whole,
        funnel_by_service=by_service,
        caseload=caseload(params),
    )
