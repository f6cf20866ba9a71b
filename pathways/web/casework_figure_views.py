"""Outcomes: justice social work's figures (CASEWORK.md) for a period and a team, with a
chart against the plan's targets, tables, and downloads of exactly what is shown.
Published figures by default; analysts may ask for them unsuppressed, which is audited."""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pathways.outcomes.casework import (
    TARGETS,
    CaseworkParameters,
    CaseworkReport,
    casework_parameters,
    casework_report,
)
from pathways.outcomes.casework_exports import casework_csv, casework_xlsx, shown_figure
from pathways.outcomes.charts import CASEWORK_LABELS, casework_chart, svg
from pathways.outcomes.parameters import ReportError
from pathways.outcomes.suppression import count
from pathways.outcomes.unsuppressed import record_unsuppressed_export
from pathways.partners.capabilities import READ_REPORTS, UNSUPPRESSED_REPORTS, may_see_unsuppressed
from pathways.web.forms.outcomes import CaseworkFigureForm
from pathways.web.permissions import capability_required


def _chosen(request: HttpRequest) -> tuple[CaseworkFigureForm, CaseworkParameters | None, bool]:
    form = CaseworkFigureForm(request.GET, may_unsuppress=may_see_unsuppressed(request.user))
    if request.GET.get("figures") == "unsuppressed" and not may_see_unsuppressed(request.user):
        raise PermissionDenied("Your role may see published figures only.")
    if not form.is_valid():
        return form, None, False
    data = form.cleaned_data
    try:
        params = casework_parameters(data["period_from"], data["period_to"], data["as_of"],
                                     data["team"])  # fmt: skip
    except ReportError as error:
        form.add_error(None, str(error))
        return form, None, False
    return form, params, data.get("figures") == "unsuppressed"


def _shown(report: CaseworkReport, suppress: bool) -> dict[str, Any]:
    def n(value: int) -> Any:
        return count(value) if suppress else value

    return {
        "figures": [
            {"name": name, "label": CASEWORK_LABELS[name], "target": TARGETS.get(name),
             **shown_figure(f, suppress=suppress)}
            for name, f in report.figures.items()
        ],
        "new_orders": {k: n(v) for k, v in report.new_orders.items()},
        "orders_ended": {k: n(v) for k, v in report.orders_ended.items()},
        "by_court": {c: shown_figure(f, suppress=suppress)
                     for c, f in report.reports_by_court.items()},
        "risk_levels": {s: {lv: n(v) for lv, v in levels.items()}
                        for s, levels in report.risk_levels.items()},
    }  # fmt: skip


@require_GET
@capability_required(READ_REPORTS, UNSUPPRESSED_REPORTS)
def casework_figures(request: HttpRequest) -> HttpResponse:
    form, params, unsuppressed = _chosen(request)
    context: dict[str, Any] = {"form": form, "query": request.GET.urlencode()}
    if params is not None:
        report = casework_report(params)
        shown = _shown(report, suppress=not unsuppressed)
        if unsuppressed:
            record_unsuppressed_export(request.user, params, what="casework figures (page)",
                                       channel="web")  # fmt: skip
        figures = {f["name"]: f for f in shown["figures"]}
        context |= {"params": params, "shown": shown, "suppressed": not unsuppressed,
                    "chart": svg(casework_chart(figures, TARGETS))}  # fmt: skip
    return render(request, "outcomes/casework.html", context, status=200 if params else 400)


@require_GET
@capability_required(READ_REPORTS, UNSUPPRESSED_REPORTS)
def casework_download(request: HttpRequest, fmt: str) -> HttpResponse:
    form, params, unsuppressed = _chosen(request)
    if params is None:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(f"The filters are not valid: {errors}", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    report = casework_report(params)
    if unsuppressed:
        record_unsuppressed_export(request.user, params, what=f"casework figures ({fmt})",
                                   channel="web")  # fmt: skip
    name = f"casework-{params.period_from}-{params.period_to}"
    if fmt == "csv":
        response = HttpResponse(casework_csv(report, suppress=not unsuppressed),
                                content_type="text/csv; charset=utf-8")  # fmt: skip
    else:
        buffer = io.BytesIO()
        casework_xlsx(report, buffer, suppress=not unsuppressed)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
