"""API v1: the caller's alerts and the custody mentors' visits, as on the pages (through
the door, `pathways.access.alerts` and `.custody`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from pathways.access.alerts import alerts_for, mark_read
from pathways.access.custody import custody_visits, visit_to_act_on
from pathways.api.ids import an_id
from pathways.api.schemas import AlertOut, CustodyVisitIn, CustodyVisitOut, Message
from pathways.cases.custody import do_record_visit
from pathways.referrals.transitions import TransitionRefused

SHOWN = 200  # the most a list answers with

router = Router(tags=["alerts and custody"])


@router.get("/alerts", response={200: list[AlertOut], 401: Message, 422: Message},
            summary="Your alerts, unread first")  # fmt: skip
def alerts(request: HttpRequest, unread: bool = False) -> Any:
    mine = alerts_for(request.user, page=1, per_page=SHOWN, unread_only=unread)
    return [
        {"id": a.pk, "person": a.person, "kind": a.kind,
         "occurred_at": a.event.occurred_at if a.event else None, "why": a.why,
         "created_at": a.created_at, "read": a.read_at is not None}
        for a in mine.object_list
    ]  # fmt: skip


@router.post("/alerts/{alert_id}/read", response={200: Message, 401: Message, 404: Message,
             422: Message}, summary="Mark an alert read")  # fmt: skip
def read(request: HttpRequest, alert_id: int = an_id()) -> Any:
    mark_read(request.user, alert_id)
    return {"message": f"alert {alert_id} read"}


def _visit(v: Any) -> dict[str, Any]:
    return {
        "id": v.pk,
        "person": v.person,
        "held_at": v.event.occurred_at,
        "outcome": v.outcome,
        "signposted_to": v.signposted_to,
        "version": v.version,
    }


@router.get("/custody", response={200: list[CustodyVisitOut], 401: Message, 422: Message},
            summary="Custody episodes for the custody peer mentors")  # fmt: skip
def custody(request: HttpRequest) -> Any:
    shown = custody_visits(request.user, page=1, per_page=SHOWN, waiting_first=False)
    return [_visit(v) for v in shown.object_list]


@router.post("/custody/{visit_id}", response={200: CustodyVisitOut, 401: Message, 404: Message,
             409: Message, 422: Message}, summary="Record a custody visit")  # fmt: skip
def custody_visit(request: HttpRequest, body: CustodyVisitIn, visit_id: int = an_id()) -> Any:
    """outcome: seen, declined or not_seen; signposted_to: service codes (seen only)."""
    with visit_to_act_on(request.user, visit_id, version=body.version) as found:
        try:
            do_record_visit(request.user, found, outcome=body.outcome, seen_on=body.seen_on,
                            conversation=body.conversation,
                            signposted_to=body.signposted_to)  # fmt: skip
        except TransitionRefused as error:
            status = 409 if "another mentor" in str(error) else 422
            raise HttpError(status, str(error)) from error
        found.refresh_from_db()
        return _visit(found)
