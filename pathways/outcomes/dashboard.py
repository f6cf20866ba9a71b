"""What a dashboard shows, assembled once for the page and its downloads: the figures
(published, or as computed for analysts), the trends by quarter, the distribution of
engagement length, the sentences they support and the charts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pathways.outcomes import charts
from pathways.outcomes.exports import figures
from pathways.outcomes.metrics import engagement_length_distribution
from pathways.outcomes.parameters import ReportParameters
from pathways.outcomes.report import outcome_report
from pathways.outcomes.sentences import engagement_sentences, follow_up_sentences
from pathways.outcomes.suppression import count
from pathways.outcomes.trends import by_quarter


@dataclass(frozen=True)
class Dashboard:
    params: ReportParameters
    suppressed: bool
    figures: dict[str, Any]  # the report's figures, plus by_quarter and length_distribution
    sentences: list[str]
    charts: dict[str, str]  # name -> SVG ("" when nothing can be drawn)


def build_dashboard(params: ReportParameters, *, suppress: bool) -> Dashboard:
    """Every figure a dashboard shows for `params`, suppressed unless `suppress` is False."""
    report = outcome_report(params)
    shown = figures(report, suppress=suppress)

    def shown_count(n: int) -> int | str:
        return count(n) if suppress else n

    quarters = by_quarter(params)
    bins = engagement_length_distribution(params)
    shown["by_quarter"] = [
        {
            "quarter": q.label,
            "referred": shown_count(q.referred),
            "completed": shown_count(q.completed),
            "followed_up": shown_count(q.cohort),
            "no_further_offences": shown_count(q.no_further_offences),
        }
        for q in quarters
    ]
    shown["length_distribution"] = [{"days": b.label, "count": shown_count(b.count)} for b in bins]
    drawn = {
        "follow_up": charts.follow_up_chart(shown["follow_up"]),
        "funnel": charts.funnel_chart(shown["funnel"]),
        "length": charts.length_chart(bins, suppress=suppress),
        "caseload": charts.caseload_chart(shown["caseload_table"]),
        "trend": charts.trend_chart(quarters, suppress=suppress),
    }
    return Dashboard(
        params=params,
        suppressed=suppress,
        figures=shown,
        sentences=follow_up_sentences(shown, "the service") + engagement_sentences(shown),
        charts={name: charts.svg(chart) for name, chart in drawn.items()},
    )
