"""API v1: the referral inbox, one referral with its timeline, and the pathway's steps,
as on the pages (`pathways.referrals.pathway`; referrals through the sharing door)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router
from ninja.errors import HttpError

from pathways.api.schemas import Message, ReferralDetail, ReferralInbox, StepIn
from pathways.referrals import pathway
from pathways.referrals.inbox import inbox_for
from pathways.referrals.models import Referral
from pathways.referrals.transitions import StaleReferral, TransitionRefused
from pathways.sharing.policy import get_referral_for

router = Router(tags=["referrals"])
MAX_ID = 2**63 - 1
STEPS = ("approve", "send", "accept", "decline", "withdraw")


def _person(referral: Referral) -> dict[str, Any]:
    p = referral.person
    return {"id": p.pk, "given_name": p.given_name, "family_name": p.family_name,
            "date_of_birth": p.date_of_birth, "sex": p.sex}  # fmt: skip


def _summary(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "person": _person(referral),
        "service": referral.service_id,
        "state": referral.state,
        "referred_on": referral.referred_on,
        "due_on": getattr(referral, "due_on", None),
    }


def _detail(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "person": _person(referral),
        "service": referral.service_id,
        "referred_on": referral.referred_on,
        "state": referral.state,
        "decision": referral.decision,
        "decided_on": referral.decided_on,
        "consent_on": referral.consent_on,
        "started_on": referral.started_on,
        "ended_on": referral.ended_on,
        "end_reason": referral.end_reason,
        "version": referral.version,
        "awaiting": pathway.awaiting(referral, timezone.localdate()),
        "decision_due": pathway.decision_due(referral),
        "actions": sorted(pathway.actions_for(request.user, referral)),
        "transitions": [
            {
                "from_state": t.from_state,
                "to_state": t.to_state,
                "on": t.on,
                "by": t.by.username if t.by else None,
                "reason": t.reason,
            }
            for t in referral.transitions.select_related("by").order_by("on", "id")
        ],  # fmt: skip
        "approvals": [
            {
                "sector": a.sector,
                "agency": a.agency_id,
                "by": a.by.username,
                "on": a.on,
                "note": a.note,
            }
            for a in referral.approvals.select_related("by").order_by("on", "id")
        ],  # fmt: skip
    }


@router.get(
    "",
    response={200: ReferralInbox, 401: Message, 422: Message},
    summary="Referrals waiting for you",
)
def inbox(request: HttpRequest) -> Any:
    """What waits for the caller: to decide, to approve, to send, to engage; overdue."""
    box = inbox_for(request.user, timezone.localdate())
    return {
        name: [_summary(r) for r in getattr(box, name)]
        for name in ("to_decide", "to_approve", "to_send", "to_engage", "overdue")
    }


@router.get(
    "/{referral_id}",
    response={200: ReferralDetail, 401: Message, 404: Message, 422: Message},
    summary="One referral, its timeline and what it awaits",
)
def referral(request: HttpRequest, referral_id: int = Path(..., ge=1, le=MAX_ID)) -> Any:
    found = get_referral_for(request.user, referral_id, action="view_referral")
    return _detail(request, found)


@router.post(
    "/{referral_id}/{action}",
    response={200: ReferralDetail, 401: Message, 404: Message, 409: Message, 422: Message},
    summary="Take a step: approve, send, accept, decline or withdraw",
)
def step(
    request: HttpRequest, body: StepIn, action: str, referral_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """`version` is the referral's as read (a changed referral is 409). `decline` and
    `withdraw` need a `reason` (DeclineReason / WithdrawReason codes; `other` with a
    `note`). A step the caller may not take is 422 with the reason."""
    if action not in STEPS:
        raise HttpError(404, f"no step {action!r}: one of {', '.join(STEPS)}")
    user = request.user
    found = get_referral_for(user, referral_id, action=f"{action}_referral")
    found.version = body.version
    on = timezone.localdate()
    try:
        if action in ("decline", "withdraw"):
            getattr(pathway, action)(user, found, on=on, reason=body.reason, note=body.note)
        else:
            getattr(pathway, action)(user, found, on=on, note=body.note)
    except StaleReferral as error:
        raise HttpError(409, str(error)) from error
    except TransitionRefused as error:
        raise HttpError(422, str(error)) from error
    return _detail(request, Referral.objects.select_related("person", "service").get(pk=found.pk))
