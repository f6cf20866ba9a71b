"""API v1: justice social work (CASEWORK.md) as on the pages: the due list, an order
(in full, or its summary for an agency an agreement shares `orders` with), recording
sessions and appointments, warnings and breach reports, a court report and its
submission, a squad's register, and the figures. Through the door only
(`pathways.access.casework`); a step the rules refuse answers 422 with the message and
each field's problem, a stale read 409."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from pathways.access.casework import (
    casework_desk,
    order_shown,
    order_to_act_on,
    register_to_act_on,
    report_shown,
    report_to_act_on,
    session_of,
    squad_register,
)
from pathways.api.ids import BodyId, Version, an_id
from pathways.api.schemas import Message
from pathways.api.text import Text
from pathways.cases.models import Contact
from pathways.casework.compliance import give_warning, report_breach
from pathways.casework.models import Project
from pathways.casework.refusals import Refused
from pathways.casework.reports import deadline, submit_report
from pathways.casework.sessions import SquadRow, record_attendance, record_session, record_squad
from pathways.outcomes.casework import casework_parameters, casework_report
from pathways.outcomes.casework_exports import shown_figure
from pathways.outcomes.parameters import ReportError
from pathways.outcomes.suppression import count
from pathways.outcomes.unsuppressed import record_unsuppressed_export
from pathways.partners.capabilities import (
    CASEWORK,
    MANAGE_CASEWORK,
    RECORD_SESSIONS,
    VIEW,
    has_any,
    may_read_reports,
    may_see_unsuppressed,
)

router = Router(tags=["casework"])
ANSWERS = {401: Message, 403: Message, 404: Message, 409: Message, 422: Message}


def _may(request: HttpRequest, *capabilities: str) -> None:
    if not has_any(request.user, *capabilities):
        raise HttpError(403, f"your role does not allow this ({' or '.join(capabilities)})")


def _refused(refused: Refused) -> HttpError:
    """A refusal as the API says it: 409 for a stale read, else 422, each problem named."""
    stale = any(field == "version" for field, _ in refused.problems)
    error = HttpError(409 if stale else 422, "; ".join(f"{f}: {w}" for f, w in refused.problems))
    return error


def _hours(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _session(c: Contact) -> dict[str, Any]:
    return {
        "id": c.pk, "kind": c.kind, "on": c.on, "attendance": c.attendance or None,
        "mode": c.mode or None, "project": c.project_id, "hours_offered": _hours(c.hours_offered),
        "hours_credited": _hours(c.hours_credited), "reason": c.reason, "version": c.version,
    }  # fmt: skip


@router.get("/casework/due", response={200: dict[str, Any], **ANSWERS},
            summary="What is due on the caller's (or their team's) orders and reports")  # fmt: skip
def due(request: HttpRequest, team: bool = False, page: Text | None = None) -> Any:
    _may(request, CASEWORK, MANAGE_CASEWORK)
    desk = casework_desk(request.user, timezone.localdate(), team=team, page=page)  # type: ignore[arg-type]
    return {
        "team": desk.team,
        "page": desk.due.number,
        "pages": desk.due.paginator.num_pages,
        "orders_total": desk.orders_total,
        "due": [
            {"kind": d.due.kind, "due_on": d.due.due_on, "why": d.due.why,
             "overdue": d.due.overdue, "person": {"id": d.person.pk, "name": d.person.display_name},
             "order_id": d.due.order_id, "report_id": d.due.report_id, "worker": d.worker or None}
            for d in desk.due.object_list
        ],
        "orders": [
            {"id": r.order.pk, "person": {"id": r.order.person_id,
                                          "name": r.order.person.display_name},
             "type": r.order.type, "imposed_on": r.order.imposed_on, "state": r.order.state,
             "hours_imposed": r.ledger.imposed if r.ledger else None,
             "hours_credited": _hours(r.ledger.credited) if r.ledger else None}
            for r in desk.orders.object_list
        ],
        "reports": [
            {"id": r.pk, "person": {"id": r.person_id, "name": r.person.display_name},
             "court": r.court, "due_on": r.due_on, "status": r.status}
            for r in desk.reports
        ],
    }  # fmt: skip


@router.get("/casework/orders/{order_id}", response={200: dict[str, Any], **ANSWERS},
            summary="An order: in full for justice social work, its summary otherwise")  # fmt: skip
def order(request: HttpRequest, order_id: int = an_id()) -> Any:
    _may(request, VIEW)
    shown = order_shown(request.user, order_id, timezone.localdate())  # type: ignore[arg-type]
    o = shown.order
    summary = {"id": o.pk, "person": {"id": o.person_id, "name": o.person.display_name},
               "type": o.type, "court": o.court, "imposed_on": o.imposed_on,
               "expected_end": o.expected_end, "state": o.state, "ended_on": o.ended_on,
               "full": shown.full}  # fmt: skip
    if not shown.full:
        return summary
    ledger = shown.ledger
    return summary | {
        "version": o.version, "requirements": o.requirements, "upw_hours": o.upw_hours,
        "other_activity_hours": o.other_activity_hours,
        "supervision_months": o.supervision_months, "worker": o.worker_id, "team": o.team_id,
        "ledger": None if ledger is None else {
            "imposed": ledger.imposed, "credited": _hours(ledger.credited),
            "credited_upw": _hours(ledger.credited_upw),
            "credited_other": _hours(ledger.credited_other),
            "remaining": _hours(ledger.remaining), "must_be_done_by": ledger.must_be_done_by,
        },
        "sessions": [_session(c) for c in shown.sessions],
        "warnings": [{"on": w.on, "reason": w.reason} for w in shown.warnings],
        "breaches": [{"on": b.on, "reason": b.reason, "outcome": b.outcome}
                     for b in shown.breaches],
        "plans": [{"agreed_on": p.agreed_on, "objectives": [
            {"id": x.pk, "need_area": x.need_area, "what": x.what, "who": x.who,
             "by_when": x.by_when, "status": x.status} for x in p.objectives.all()]}
            for p in shown.plans],
        "reviews": [{"id": r.pk, "due_on": r.due_on, "held_on": r.held_on,
                     "court_set": r.court_set} for r in shown.reviews],
        "variations": [{"on": v.on, "field": v.field, "old": v.old, "new": v.new,
                        "reason": v.reason} for v in shown.variations],
    }  # fmt: skip


class SessionIn(Schema):
    kind: Text = Field(..., description="supervision, upw or other_activity")
    on: dt.date
    project: Text = Field("", description="a project code (upw, other_activity)")
    mode: Text = Field("", description="office, home_visit, phone, video, group (supervision)")
    hours_offered: Decimal | None = None
    attendance: Text = Field("", description="empty to book ahead; attended, late, sent_home, "
                            "acceptable_absence, unacceptable_absence")  # fmt: skip
    hours_credited: Decimal | None = None
    reason: Text = ""
    evidence: Text = ""


@router.post("/casework/orders/{order_id}/sessions", response={201: dict[str, Any], **ANSWERS},
             summary="Record or book a session or appointment")  # fmt: skip
def session(request: HttpRequest, body: SessionIn, order_id: int = an_id()) -> Any:
    _may(request, CASEWORK)
    with order_to_act_on(request.user, order_id) as found:  # type: ignore[arg-type]
        project = Project.objects.filter(code=body.project).first() if body.project else None
        if body.project and project is None:
            raise HttpError(422, f"project: {body.project!r} is not a project")
        try:
            made = record_session(
                request.user, found, kind=body.kind, on=body.on, project=project, mode=body.mode,
                hours_offered=body.hours_offered, attendance=body.attendance,
                hours_credited=body.hours_credited, reason=body.reason, evidence=body.evidence,
            )  # fmt: skip
        except Refused as refused:
            raise _refused(refused) from None
    return Status(201, _session(made))


class AttendanceIn(Schema):
    version: Version = Field(..., description="the session's version as read")
    attendance: Text
    hours_credited: Decimal | None = None
    reason: Text = ""
    evidence: Text = ""


@router.post("/casework/orders/{order_id}/sessions/{session_id}/attendance",
             response={200: dict[str, Any], **ANSWERS},
             summary="The outcome of a booked session or appointment")  # fmt: skip
def attendance(
    request: HttpRequest, body: AttendanceIn, order_id: int = an_id(), session_id: int = an_id()
) -> Any:
    _may(request, CASEWORK)
    with order_to_act_on(request.user, order_id) as found:  # type: ignore[arg-type]
        try:
            done = record_attendance(
                request.user, session_of(found, session_id, body.version),
                attendance=body.attendance, hours_credited=body.hours_credited,
                reason=body.reason, evidence=body.evidence,
            )  # fmt: skip
        except Refused as refused:
            raise _refused(refused) from None
    return _session(done)


class WarningIn(Schema):
    on: dt.date
    reason: Text


@router.post("/casework/orders/{order_id}/warnings", response={201: dict[str, Any], **ANSWERS},
             summary="Give a warning")  # fmt: skip
def warning(request: HttpRequest, body: WarningIn, order_id: int = an_id()) -> Any:
    _may(request, CASEWORK)
    with order_to_act_on(request.user, order_id) as found:  # type: ignore[arg-type]
        try:
            made = give_warning(request.user, found, on=body.on, reason=body.reason)
        except Refused as refused:
            raise _refused(refused) from None
    return Status(201, {"id": made.pk, "on": made.on, "reason": made.reason})


class BreachIn(Schema):
    on: dt.date
    reason: Text
    without_warning_reason: Text = Field("", description="asked when no warning is recorded")


@router.post("/casework/orders/{order_id}/breaches", response={201: dict[str, Any], **ANSWERS},
             summary="Report a breach to the court")  # fmt: skip
def breach(request: HttpRequest, body: BreachIn, order_id: int = an_id()) -> Any:
    _may(request, CASEWORK)
    with order_to_act_on(request.user, order_id) as found:  # type: ignore[arg-type]
        try:
            made = report_breach(request.user, found, on=body.on, reason=body.reason,
                                 without_warning_reason=body.without_warning_reason)  # fmt: skip
        except Refused as refused:
            raise _refused(refused) from None
    return Status(
        201, {"id": made.pk, "on": made.on, "reason": made.reason, "outcome": made.outcome}
    )


def _report(r: Any) -> dict[str, Any]:
    return {"id": r.pk, "person": {"id": r.person_id, "name": r.person.display_name},
            "court": r.court, "requested_on": r.requested_on, "due_on": r.due_on,
            "deadline": deadline(r), "status": r.status, "submitted_on": r.submitted_on,
            "author": r.author_id, "risk_level": r.risk_level or None,
            "proposal": r.proposal, "sentence": r.sentence or None,
            "version": r.version}  # fmt: skip


@router.get("/casework/reports/{report_id}", response={200: dict[str, Any], **ANSWERS},
            summary="A court report, with the day it must reach the court")  # fmt: skip
def report(request: HttpRequest, report_id: int = an_id()) -> Any:
    _may(request, CASEWORK, MANAGE_CASEWORK)
    return _report(report_shown(request.user, report_id))  # type: ignore[arg-type]


class SubmitIn(Schema):
    version: Version
    on: dt.date
    risk_level: Text
    proposal: Text


@router.post("/casework/reports/{report_id}/submit", response={200: dict[str, Any], **ANSWERS},
             summary="Record the report as submitted to the court")  # fmt: skip
def submit(request: HttpRequest, body: SubmitIn, report_id: int = an_id()) -> Any:
    _may(request, CASEWORK)
    with report_to_act_on(request.user, report_id, version=body.version) as found:  # type: ignore[arg-type]
        try:
            done = submit_report(request.user, found, on=body.on, risk_level=body.risk_level,
                                 proposal=body.proposal)  # fmt: skip
        except Refused as refused:
            raise _refused(refused) from None
        return _report(done)


class RowIn(Schema):
    order_id: BodyId
    attendance: Text
    hours_credited: Decimal | None = None
    reason: Text = ""
    evidence: Text = ""


class RegisterIn(Schema):
    hours_offered: Decimal
    rows: list[RowIn]


@router.get("/casework/squads/{project}/{on}", response={200: dict[str, Any], **ANSWERS},
            summary="A squad's register: name, hours left and the day's attendance")  # fmt: skip
def register(request: HttpRequest, project: Text, on: dt.date) -> Any:
    _may(request, RECORD_SESSIONS, CASEWORK)
    found = get_object_or_404(Project, code=project, active=True)
    rows = squad_register(request.user, found, on)  # type: ignore[arg-type]
    return {"project": found.code, "on": on, "rows": [
        {"order_id": r.order_id, "name": r.name, "hours_left": _hours(r.hours_left),
         "attendance": r.session.attendance if r.session else None} for r in rows]}  # fmt: skip


@router.post("/casework/squads/{project}/{on}", response={201: dict[str, Any], **ANSWERS},
             summary="Save a squad's register: everyone or nobody")  # fmt: skip
def save_register(request: HttpRequest, body: RegisterIn, project: Text, on: dt.date) -> Any:
    _may(request, RECORD_SESSIONS, CASEWORK)
    found = get_object_or_404(Project, code=project, active=True)
    with register_to_act_on(request.user, found, [r.order_id for r in body.rows]) as orders:  # type: ignore[arg-type]
        by_id = {o.pk: o for o in orders}
        try:
            made = record_squad(request.user, found, on, [
                SquadRow(order=by_id[r.order_id], attendance=r.attendance,
                         hours_offered=body.hours_offered, hours_credited=r.hours_credited,
                         reason=r.reason, evidence=r.evidence) for r in body.rows])  # fmt: skip
        except Refused as refused:
            raise _refused(refused) from None
    return Status(201, {"saved": len(made)})


class FiguresQuery(Schema):
    period_from: dt.date = Field(..., alias="from", description="first day of the period")
    period_to: dt.date = Field(..., alias="to", description="first day after the period")
    as_of: dt.date | None = None
    team: Text = ""
    published: bool = Field(False, description="suppress small numbers (OUTCOMES.md)")


@router.get("/casework/figures", response={200: dict[str, Any], **ANSWERS},
            summary="Justice social work's figures (CASEWORK.md)")  # fmt: skip
def figures(request: HttpRequest, query: Query[FiguresQuery]) -> Any:
    if not may_read_reports(request.user):
        raise HttpError(403, "your role cannot read reports")
    if not query.published and not may_see_unsuppressed(request.user):
        raise HttpError(403, "your role may have published figures only: ask with published=true")
    try:
        params = casework_parameters(query.period_from, query.period_to,
                                     query.as_of or timezone.localdate(), query.team)  # fmt: skip
    except ReportError as error:
        raise HttpError(422, str(error)) from None
    result = casework_report(params)
    shown = result.as_json()
    if query.published:
        shown["figures"] = {n: shown_figure(f, suppress=True) for n, f in result.figures.items()}
        shown["reports_by_court"] = {
            c: shown_figure(f, suppress=True) for c, f in result.reports_by_court.items()
        }
        shown["new_orders"] = {k: count(n) for k, n in result.new_orders.items()}
        shown["orders_ended"] = {k: count(n) for k, n in result.orders_ended.items()}
        shown["risk_levels"] = {s: {lv: count(n) for lv, n in levels.items()}
                                for s, levels in result.risk_levels.items()}  # fmt: skip
        return shown
    record_unsuppressed_export(request.user, params, what="casework figures (API)", channel="api")
    return shown
