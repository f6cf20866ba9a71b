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
from pathways.outcomes.suppression import protected_columns
from pathways.outcomes.trends import by_quarter
from pathways.partners.models import Service


@dataclass(frozen=True)
class Dashboard:
    params: ReportParameters
    suppressed: bool
    figures: dict[str, Any]  # the report's figures, plus by_quarter and length_distribution
    sentences: list[str]
    charts: dict[str, str]  # name -> SVG ("" when nothing can be drawn)


def build_dashboard(
    params: ReportParameters,
    *,
    suppress: bool,
    completing: str = "",
    changes: bool = False,
) -> Dashboard:
    """Every figure a dashboard (or a full section of a PDF) shows for `params`, suppressed
    unless `suppress` is False. `completing` names what people completed, in sentences
    (by default the service's name, or "one of these services"); `changes`: the sentences
    say how offences changed too."""
    if not completing:
        completing = (
            Service.objects.get(code=params.services[0]).name
            if len(params.services) == 1
            else "one of these services"
        )
    report = outcome_report(params)
    shown = figures(report, suppress=suppress)

    quarters = by_quarter(params)
    bins = engagement_length_distribution(params)
    # The quarters add up to the period's figures, and the bins to the count of
    # engagements, which the page shows: each is protected as a table with a total.
    series = {
        "referred": [q.referred for q in quarters],
        "completed": [q.completed for q in quarters],
        "followed_up": [q.cohort for q in quarters],
        "no_further_offences": [q.no_further_offences for q in quarters],
    }
    by_quarter_shown = protected_columns([q.label for q in quarters], series, suppress)
    shown["by_quarter"] = [{"quarter": label, **row} for label, row in by_quarter_shown.items()]
    lengths = protected_columns([b.label for b in bins], {"count": [b.count for b in bins]},
                                suppress)  # fmt: skip
    shown["length_distribution"] = [{"days": label, **row} for label, row in lengths.items()]
    drawn = {
        "follow_up": charts.follow_up_chart(shown["follow_up"]),
        "funnel": charts.funnel_chart(shown["funnel"]),
        "length": charts.length_chart(shown["length_distribution"]),
        "caseload": charts.caseload_chart(shown["caseload_table"]),
        "trend": charts.trend_chart(shown["by_quarter"]),
    }
    return Dashboard(
        params=params,
        suppressed=suppress,
        figures=shown,
        sentences=follow_up_sentences(shown, completing, changes=changes)
        + engagement_sentences(shown),
        charts={name: charts.svg(chart, remember=True) for name, chart in drawn.items()},
    )
