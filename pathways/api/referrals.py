"""API v1: the referral inbox, one referral with its timeline, and the pathway's steps,
as on the pages (`pathways.referrals.actions`; referrals through the sharing door)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Path, Router, Status
from ninja.errors import HttpError

from pathways.api.schemas import (
    ConsentIn,
    ContactIn,
    EndIn,
    Message,
    NewReferralIn,
    ReferralDetail,
    ReferralInbox,
    StartIn,
    StepIn,
)
from pathways.cases import engagement
from pathways.cases.models import EngagementPlan
from pathways.partners.models import Service
from pathways.referrals import actions as pathway
from pathways.referrals.consents import ConsentError, may_record_consent, record_consent
from pathways.referrals.inbox import inbox_for
from pathways.referrals.models import Referral
from pathways.referrals.proposals import propose, referring_record
from pathways.referrals.transitions import StaleReferral, TransitionRefused
from pathways.sharing.policy import decide, get_person_for, get_referral_for

router = Router(tags=["referrals"])
MAX_ID = 2**63 - 1
STEPS = ("approve", "send", "accept", "decline", "withdraw")


def _summary(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "person": referral.person,
        "service": referral.service_id,
        "state": referral.state,
        "referred_on": referral.referred_on,
        "due_on": getattr(referral, "due_on", None),
    }


def _detail(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "person": referral.person,
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
        **_engagement(request, referral),
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


def _engagement(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    """The plan and contacts, when the caller may see the provider's engagement data."""
    provider = referral.service.provider_id
    if not decide(request.user, referral.person, "engagement", source=provider).allowed:
        return {}
    plan = EngagementPlan.objects.filter(referral=referral).first()
    return {
        "focus_areas": plan.focus_areas if plan else [],
        "ratings": plan.ratings if plan else {},
        "contacts": [
            {
                "on": c.on,
                "attendance": c.attendance,
                "reason": c.reason,
                "notes": c.notes,
                "concerns": c.concerns,
            }
            for c in referral.contacts.all()
        ],
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


def _act(request: HttpRequest, referral_id: int, version: int, action: str, do: Any) -> Any:
    """Fetch through the sharing door, take the action, answer with the referral."""
    found = get_referral_for(request.user, referral_id, action=action)
    found.version = version
    try:
        do(found)
    except StaleReferral as error:
        raise HttpError(409, str(error)) from error
    except (TransitionRefused, ConsentError) as error:
        raise HttpError(422, str(error)) from error
    return _detail(request, Referral.objects.select_related("person", "service").get(pk=found.pk))


people_router = Router(tags=["referrals"])


@people_router.post(
    "/{person_id}/referrals",
    response={201: ReferralDetail, 401: Message, 403: Message, 404: Message, 422: Message},
    summary="Refer a person (partner agency, self-referral, custody)",
)
def new_referral(
    request: HttpRequest, body: NewReferralIn, person_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """`route`: partner, self, custody or other. Held under the caller's agency's record
    of the person; 422 when their agency holds none, or the person already has an open
    referral to the service."""
    user: Any = request.user
    if not pathway.may_refer(user):
        raise HttpError(403, "your role cannot refer")
    person = get_person_for(user, person_id, action="refer_person")
    if body.route not in ("partner", "self", "custody", "other"):
        raise HttpError(422, "route must be partner, self, custody or other")
    service = Service.objects.filter(code=body.service).first()
    if service is None:
        raise HttpError(422, f"no service {body.service!r}")
    if not body.reason.strip():
        raise HttpError(422, "say why the person is referred")
    record = referring_record(user, person)
    if record is None:
        raise HttpError(422, "your agency holds no record of this person")
    try:
        made = propose(person, service, record, on=timezone.localdate(), by=user,
                       reason=body.reason, route=body.route)  # fmt: skip
    except TransitionRefused as error:
        raise HttpError(422, str(error)) from error
    return Status(201, _detail(request, made))


RESPONSES = {200: ReferralDetail, 401: Message, 404: Message, 409: Message, 422: Message}


@router.post("/{referral_id}/consent", response=RESPONSES, summary="Record the person's consent")
def consent(
    request: HttpRequest, body: ConsentIn, referral_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """Consent given or refused verbally, with the witness's name. A signed form needs its
    scan attached: record it on the page."""
    user: Any = request.user
    if not may_record_consent(user, get_referral_for(request.user, referral_id,
                                                             action="record_consent")):  # fmt: skip
        raise HttpError(422, "only the team delivering the service can record consent")
    return _act(
        request,
        referral_id,
        body.version,
        "record_consent",
        lambda r: record_consent(
            user, r, given=body.given, on=body.on, method="verbal", witness=body.witness
        ),
    )


@router.post("/{referral_id}/engagement", response=RESPONSES, summary="The first contact: start")
def start_engagement(
    request: HttpRequest, body: StartIn, referral_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """The first contact happened (attended or late): engaged, with the plan's focus areas
    (life_choices, addiction, education, employability, family_support, mental_health)."""
    return _act(request, referral_id, body.version, "start_engagement", lambda r: engagement.start(
        request.user, r, on=body.contact.on, focus_areas=body.focus_areas,
        contact=body.contact.dict()))  # fmt: skip


@router.post("/{referral_id}/contacts", response=RESPONSES, summary="Record a contact")
def contact(
    request: HttpRequest, body: ContactIn, referral_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """attendance: attended, late, did_not_attend, not_happen_person, not_happen_service
    (a reason unless attended)."""
    found = get_referral_for(request.user, referral_id, action="record_contact")
    return _act(request, referral_id, found.version, "record_contact", lambda r: (
        engagement.record_contact(request.user, r, on=body.on, contact=body.dict())))  # fmt: skip


@router.post("/{referral_id}/end", response=RESPONSES, summary="End the engagement")
def end_engagement(
    request: HttpRequest, body: EndIn, referral_id: int = Path(..., ge=1, le=MAX_ID)
) -> Any:
    """outcome: completed, disengaged or closed (closing_reason moved_away, custody or
    other); ratings: each focus area achieved, partly or not_achieved."""
    return _act(request, referral_id, body.version, "end_engagement", lambda r: engagement.end(
        request.user, r, on=body.on, outcome=body.outcome, ratings=body.ratings,
        closing_reason=body.closing_reason, note=body.note))  # fmt: skip


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
