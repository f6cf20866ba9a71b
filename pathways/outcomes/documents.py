"""The outcome report and the annual report as PDF (WeasyPrint), always suppressed.

A document is made of sections, one for the partnership and one per service: the
sentences the figures support, charts, and the tables beside them, then the definitions
in an annex.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from pathways.outcomes import charts
from pathways.outcomes.casework import (
    TARGETS,
    CaseworkParameters,
    casework_parameters,
    casework_report,
)
from pathways.outcomes.casework_exports import shown_figure
from pathways.outcomes.charts import CASEWORK_LABELS
from pathways.outcomes.dashboard import build_dashboard
from pathways.outcomes.framework import FrameworkIndicators, framework_indicators
from pathways.outcomes.parameters import ReportError, ReportParameters, diversion_services
from pathways.outcomes.report import outcome_report
from pathways.outcomes.sentences import engagement_sentences, follow_up_sentences
from pathways.outcomes.suppression import count, published
from pathways.outcomes.templatetags.outcomes_tags import funnel_labels
from pathways.partners.models import Service

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Section:
    title: str
    services: Sequence[str]
    figures: dict[str, Any]  # published
    sentences: list[str]
    charts: dict[str, str]  # name -> SVG
    full: bool  # every chart and table; else the outcomes, referrals and engagement


def section(params: ReportParameters, title: str, completing: str, *, full: bool = True) -> Section:
    """One section: the published figures of `params`, what they say, their charts (a
    full section is what the dashboard shows; a compact one has only the outcomes
    chart)."""
    if full:
        shown = build_dashboard(params, suppress=True, completing=completing, changes=True)
        return Section(title, params.services, shown.figures, shown.sentences, shown.charts, True)
    figures = published(outcome_report(params))
    chart = charts.follow_up_chart(figures["follow_up"])  # type: ignore[arg-type]
    return Section(
        title=title,
        services=params.services,
        figures=figures,
        sentences=follow_up_sentences(figures, completing) + engagement_sentences(figures),
        charts={"follow_up": charts.svg(chart)},
        full=False,
    )


def _write(
    path: Path,
    title: str,
    params: ReportParameters,
    sections: list[Section],
    framework: FrameworkIndicators | None,
    casework: dict[str, Any] | None = None,
) -> None:
    from weasyprint import HTML

    html = render_to_string(
        "outcomes/report_pdf.html",
        {
            "title": title,
            "params": params,
            "sections": sections,
            "framework": framework,
            "casework": casework,
            "funnel_labels": funnel_labels(),
            "generated": timezone.localdate(),
        },
    )
    HTML(string=html).write_pdf(path)


def write_outcomes_pdf(params: ReportParameters, path: Path) -> None:
    """`pathways report outcomes --format pdf`: one section for the chosen services."""
    names = dict(Service.objects.filter(code__in=params.services).values_list("code", "name"))
    title = ", ".join(names.get(s, s) for s in params.services)
    completing = names[params.services[0]] if len(params.services) == 1 else "these services"
    _write(path, f"Outcomes: {title}", params, [section(params, title, completing)], None)


def write_annual_report(
    period_from: dt.date,
    period_to: dt.date,
    path: Path,
    *,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> None:
    """The annual "by the numbers" report: the partnership's diversion services together,
    then each, and the national performance framework's indicators."""
    services = diversion_services()
    if not services:
        raise ReportError("no service of kind diversion is configured: nothing to report")
    params = ReportParameters(services, period_from, period_to, as_of or timezone.localdate())
    tell = progress or (lambda _stage: None)
    tell("the partnership")
    sections = [section(params, "The partnership's diversion services", "a diversion service")]
    names = dict(Service.objects.filter(code__in=services).values_list("code", "name"))
    for code in services:
        tell(names.get(code, code))
        sections.append(
            section(
                replace(params, services=(code,)),
                names.get(code, code),
                names.get(code, code),
                full=False,
            )
        )
    tell("the national performance framework")
    framework = framework_indicators(period_from, period_to)
    tell("justice social work")
    casework = casework_section(casework_parameters(period_from, period_to, params.as_of))
    tell("the PDF")
    _write(path, "Community justice by the numbers", params, sections, framework, casework)


def casework_section(params: CaseworkParameters) -> dict[str, Any]:
    """Justice social work's published figures for the annual report: the plan's figures
    with their targets and a chart, court reports on time by court, and the risk/need
    levels by stage (small numbers suppressed)."""
    report = casework_report(params)
    figures = [
        {"label": CASEWORK_LABELS[name], "target": TARGETS.get(name),
         **shown_figure(f, suppress=True)}
        for name, f in report.figures.items()
    ]  # fmt: skip
    chart = charts.casework_chart(dict(zip(report.figures, figures, strict=True)), TARGETS)
    return {
        "figures": figures,
        "chart": charts.svg(chart),
        "by_court": {c: shown_figure(f, suppress=True)
                     for c, f in report.reports_by_court.items()},
        "risk_levels": {s: {lv: count(n) for lv, n in levels.items()}
                        for s, levels in report.risk_levels.items()},
        "new_orders": {k: count(n) for k, n in report.new_orders.items()},
    }  # fmt: skip
