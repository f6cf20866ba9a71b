"""API v1: the caller's alerts and the custody mentors' visits, as on the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Path, Router
from ninja.errors import HttpError

from pathways.alerts.models import Alert
from pathways.alerts.raising import visible_alerts
from pathways.api.schemas import AlertOut, CustodyVisitIn, CustodyVisitOut, Message
from pathways.audit.log import record_access
from pathways.cases.custody import record_visit, visible_visits
from pathways.referrals.transitions import TransitionRefused

router = Router(tags=["alerts and custody"])
MAX_ID = 2**63 - 1


@router.get("/alerts", response={200: list[AlertOut], 401: Message, 422: Message},
            summary="Your alerts, unread first")  # fmt: skip
def alerts(request: HttpRequest, unread: bool = False) -> Any:
    mine = visible_alerts(request.user).select_related("person", "event")
    if unread:
        mine = mine.filter(read_at__isnull=True)
    return [
        {"id": a.pk, "person": a.person, "kind": a.kind,
         "occurred_at": a.event.occurred_at if a.event else None, "why": a.why,
         "created_at": a.created_at, "read": a.read_at is not None}
        for a in mine.order_by("read_at", "-created_at", "-id")[:200]
    ]  # fmt: skip


@router.post("/alerts/{alert_id}/read", response={200: Message, 401: Message, 404: Message,
             422: Message}, summary="Mark an alert read")  # fmt: skip
def read(request: HttpRequest, alert_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    alert = get_object_or_404(Alert, pk=alert_id, user_id=request.user.pk or 0)
    Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=timezone.now())
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
    shown = list(visible_visits(request.user)[:200])
    if shown:
        record_access(
            request.user, action="custody_list", allowed=True,
            person_ids=[v.person_id for v in shown], categories={"identity", "custody"},
            purpose="to offer support to people held in police custody",
            basis="the people shown are those the user's grants open",
        )  # fmt: skip
    return [_visit(v) for v in shown]


@router.post("/custody/{visit_id}", response={200: CustodyVisitOut, 401: Message, 404: Message,
             409: Message, 422: Message}, summary="Record a custody visit")  # fmt: skip
def custody_visit(
    request: HttpRequest, body: CustodyVisitIn, visit_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """outcome: seen, declined or not_seen; signposted_to: service codes (seen only)."""
    found = visible_visits(request.user).filter(pk=visit_id).first()
    if found is None:
        raise HttpError(404, "No custody visit with that id for you.")
    found.version = body.version
    try:
        record_visit(request.user, found, outcome=body.outcome, seen_on=body.seen_on,
                     conversation=body.conversation, signposted_to=body.signposted_to)  # fmt: skip
    except TransitionRefused as error:
        status = 409 if "another mentor" in str(error) else 422
        raise HttpError(status, str(error)) from error
    return _visit(visible_visits(request.user).get(pk=visit_id))
