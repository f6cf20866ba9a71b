"""The outcome dashboards: the partnership's figures (outcomes/) for chosen services, a
period and filters, with a chart and a table for each, and downloads of exactly what is
shown. Published figures by default; analysts may ask for them unsuppressed, which is
audited like an export."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pathways.outcomes.dashboard import Dashboard, build_dashboard
from pathways.outcomes.documents import write_annual_report
from pathways.outcomes.exports import csv_text, xlsx_book
from pathways.outcomes.parameters import (
    AGE_BANDS,
    ReportError,
    ReportParameters,
    report_parameters,
)
from pathways.outcomes.templatetags.outcomes_tags import funnel_labels
from pathways.outcomes.unsuppressed import record_unsuppressed_export
from pathways.partners.capabilities import READ_REPORTS, UNSUPPRESSED_REPORTS, may_see_unsuppressed
from pathways.partners.models import Area, Service
from pathways.web.forms.outcomes import OutcomeFilterForm
from pathways.web.permissions import capability_required
from pathways.web.templatetags.pathways_tags import sex_label

SEX_CHOICES = [("M", "Male"), ("F", "Female"), ("X", "Another sex"), ("U", "Not known")]


def _form(request: HttpRequest) -> OutcomeFilterForm:
    return OutcomeFilterForm(
        request.GET,
        services=list(Service.objects.order_by("name").values_list("code", "name")),
        areas=list(Area.objects.order_by("name").values_list("code", "name")),
        age_bands=AGE_BANDS,
        sexes=SEX_CHOICES,
        may_unsuppress=may_see_unsuppressed(request.user),
    )


def _parameters(form: OutcomeFilterForm) -> ReportParameters | None:
    """The report's parameters, or None with the form's errors said."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return report_parameters(
            data["service"], data["period_from"], data["period_to"], data["as_of"],
            area=data["area"], sex=data["sex"], age_band=data["age_band"],
        )  # fmt: skip
    except ReportError as error:
        form.add_error(None, str(error))
        return None


def _unsuppressed(request: HttpRequest, form: OutcomeFilterForm) -> bool:
    wanted = form.is_valid() and form.cleaned_data.get("figures") == "unsuppressed"
    if request.GET.get("figures") == "unsuppressed" and not may_see_unsuppressed(request.user):
        raise PermissionDenied("Your role may see published figures only.")
    return bool(wanted)


def _narrowed_to(params: Any) -> str:
    """The filters in force, in words: "people in North East, female, aged 16-17"."""
    if not params or not (params.area or params.sex or params.age_band):
        return ""
    said = []
    if params.area:
        area = Area.objects.filter(code=params.area).values_list("name", flat=True).first()
        said.append(f"in {area or params.area}")
    if params.sex:
        said.append(sex_label(params.sex).lower())
    if params.age_band:
        said.append(f"aged {params.age_band}")
    return "people " + ", ".join(said)


@require_GET
@capability_required(READ_REPORTS, UNSUPPRESSED_REPORTS)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard for the services chosen (every diversion service by default)."""
    form = _form(request)
    params = _parameters(form)
    unsuppressed = _unsuppressed(request, form)
    shown: Dashboard | None = None
    if params is not None:
        shown = build_dashboard(params, suppress=not unsuppressed)
        if unsuppressed:
            record_unsuppressed_export(
                request.user, params, what="outcome dashboard (page)", channel="web"
            )
    names = dict(Service.objects.values_list("code", "name"))
    context: dict[str, Any] = {
        "form": form,
        "dashboard": shown,
        "service_names": [names.get(s, s) for s in params.services] if params else [],
        "funnel_labels": funnel_labels(),
        "query": request.GET.urlencode(),
        "diversion_services": Service.objects.filter(kind=Service.Kind.DIVERSION).order_by("name"),
        "narrowed_to": _narrowed_to(params),
    }
    return render(request, "outcomes/dashboard.html", context, status=200 if params else 400)


@require_GET
@capability_required(READ_REPORTS, UNSUPPRESSED_REPORTS)
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    """Exactly what the dashboard with the same filters shows, as CSV or XLSX."""
    form = _form(request)
    params = _parameters(form)
    if params is None:
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(f"The filters are not valid: {errors}", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    unsuppressed = _unsuppressed(request, form)
    shown = build_dashboard(params, suppress=not unsuppressed)
    if unsuppressed:
        record_unsuppressed_export(
            request.user, params, what=f"outcome dashboard ({fmt} download)", channel="web"
        )
    name = f"outcomes-{params.period_from}-{params.period_to}"
    if fmt == "csv":
        response = HttpResponse(csv_text(shown.figures), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        xlsx_book(shown.figures, params, not unsuppressed).save(response)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
@capability_required(READ_REPORTS, UNSUPPRESSED_REPORTS)
def annual_report(request: HttpRequest) -> HttpResponse:
    """The annual report (always published figures) for the period of the filters."""
    form = _form(request)
    if not form.is_valid():
        errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return HttpResponse(f"The period is not valid: {errors}", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    data = form.cleaned_data
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "annual-report.pdf"
        try:
            write_annual_report(data["period_from"], data["period_to"], path, as_of=data["as_of"])
        except ReportError as error:
            return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
        response = HttpResponse(path.read_bytes(), content_type="application/pdf")
    name = f"annual-report-{data['period_from']}-{data['period_to']}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
