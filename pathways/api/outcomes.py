"""API v1: the outcome report (OUTCOMES.md "The JSON report"), as the command line gives
it. Unsuppressed figures, the default, are for roles with `unsuppressed_reports` and are
audited; `published=true` gives the published (suppressed) figures to any role that may
read reports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from pathways.api.schemas import Message
from pathways.api.text import Text
from pathways.outcomes.parameters import ReportError, report_parameters
from pathways.outcomes.report import outcome_report
from pathways.outcomes.suppression import published as published_figures
from pathways.outcomes.unsuppressed import record_unsuppressed_export
from pathways.partners.capabilities import may_read_reports, may_see_unsuppressed

router = Router(tags=["outcomes"])


class OutcomeQuery(Schema):
    period_from: dt.date = Field(..., alias="from", description="first day of the period")
    period_to: dt.date = Field(..., alias="to", description="first day after the period")
    service: list[Text] = Field([], description="service codes (default: the diversion ones)")
    as_of: dt.date | None = Field(None, description="the date the data is complete to")
    published: bool = Field(False, description="suppress small numbers (OUTCOMES.md)")
    area: Text = ""
    sex: Text = ""
    age_band: Text = ""


@router.get(
    "/outcomes",
    response={200: dict[str, Any], 401: Message, 403: Message, 422: Message},
    summary="The outcome report for some services and a period",
)
def outcomes(request: HttpRequest, query: Query[OutcomeQuery]) -> Any:
    if not may_read_reports(request.user):
        raise HttpError(403, "your role cannot read outcome reports")
    if not query.published and not may_see_unsuppressed(request.user):
        raise HttpError(403, "your role may have published figures only: ask with published=true")
    try:
        params = report_parameters(
            query.service, query.period_from, query.period_to, query.as_of,
            area=query.area, sex=query.sex, age_band=query.age_band,
        )  # fmt: skip
    except ReportError as error:
        raise HttpError(422, str(error)) from None
    report = outcome_report(params)
    if query.published:
        return published_figures(report)
    record_unsuppressed_export(request.user, params, what="outcome report (API)", channel="api")
    return report.as_json()
