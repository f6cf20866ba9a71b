"""API v1: the referral inbox, one referral with its timeline, and the pathway's steps,
as on the pages (`pathways.referrals.actions`; referrals through the sharing door)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from pathways.access.people import person_to_act_on
from pathways.access.referrals import (
    ReferralShown,
    inbox_for,
    referral_page,
    referral_to_act_on,
    step_result,
)
from pathways.api.ids import an_id
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
from pathways.partners.capabilities import may_refer
from pathways.partners.models import Service
from pathways.referrals.actions import (
    STEPS,
    ConsentError,
    do_propose,
    do_record_consent,
    do_step,
    may_record_consent,
    referring_record,
)
from pathways.referrals.models import Referral
from pathways.referrals.transitions import StaleReferral, TransitionRefused

router = Router(tags=["referrals"])


def _summary(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.pk,
        "person": referral.person,
        "service": referral.service_id,
        "state": referral.state,
        "referred_on": referral.referred_on,
        "due_on": getattr(referral, "due_on", None),
    }


def _detail(shown: ReferralShown) -> dict[str, Any]:
    """The referral as the door showed it to the caller."""
    referral = shown.referral
    detail: dict[str, Any] = {
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
        "awaiting": shown.awaiting,
        "decision_due": shown.decision_due,
        "actions": sorted(shown.steps),
        "transitions": [
            {
                "from_state": t.from_state,
                "to_state": t.to_state,
                "on": t.on,
                "by": t.by.username if t.by else None,
                "reason": t.reason,
            }
            for t in shown.transitions
        ],  # fmt: skip
        "approvals": [
            {
                "sector": a.sector,
                "agency": a.agency_id,
                "by": a.by.username,
                "on": a.on,
                "note": a.note,
            }
            for a in shown.approvals
        ],  # fmt: skip
    }
    if shown.engagement is not None:
        plan = shown.engagement.plan
        detail |= {
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
                for c in shown.engagement.contacts
            ],  # fmt: skip
        }
    return detail


@router.get(
    "",
    response={200: ReferralInbox, 401: Message, 422: Message},
    summary="Referrals waiting for you",
)
def inbox(request: HttpRequest) -> Any:
    """What waits for the caller: to decide, to approve, to send, to engage; accepted long
    ago and never started (stalled); overdue."""
    box = inbox_for(request.user, timezone.localdate())
    return {
        name: [_summary(r) for r in getattr(box, name)]
        for name in ("to_decide", "to_approve", "to_send", "to_engage", "stalled", "overdue")
    }


@router.get(
    "/{referral_id}",
    response={200: ReferralDetail, 401: Message, 404: Message, 422: Message},
    summary="One referral, its timeline and what it awaits",
)
def referral(request: HttpRequest, referral_id: int = an_id()) -> Any:
    return _detail(referral_page(request.user, referral_id, today=timezone.localdate()))


def _act(request: HttpRequest, referral_id: int, version: int | None, action: str, do: Any) -> Any:
    """Fetch through the door, take the step, answer with the referral."""
    with referral_to_act_on(request.user, referral_id, action=action, version=version) as found:
        try:
            do(found)
        except StaleReferral as error:
            raise HttpError(409, str(error)) from error
        except TransitionRefused as error:
            raise HttpError(422, str(error)) from error
    return _detail(step_result(request.user, found, today=timezone.localdate()))


people_router = Router(tags=["referrals"])


@people_router.post(
    "/{person_id}/referrals",
    response={201: ReferralDetail, 401: Message, 403: Message, 404: Message, 422: Message},
    summary="Refer a person (partner agency, self-referral, custody)",
)
def new_referral(request: HttpRequest, body: NewReferralIn, person_id: int = an_id()) -> Any:
    """`route`: partner, self, custody or other. Held under the caller's agency's record
    of the person; 422 when their agency holds none, or the person already has an open
    referral to the service."""
    user: Any = request.user
    if not may_refer(user):
        raise HttpError(403, "your role cannot refer")
    with person_to_act_on(user, person_id, action="refer_person") as person:
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
            made = do_propose(person, service, record, on=timezone.localdate(), by=user,
                              reason=body.reason, route=body.route)  # fmt: skip
        except TransitionRefused as error:
            raise HttpError(422, str(error)) from error
    return Status(201, _detail(step_result(user, made, today=timezone.localdate())))


RESPONSES = {200: ReferralDetail, 401: Message, 404: Message, 409: Message, 422: Message}


@router.post("/{referral_id}/consent", response=RESPONSES, summary="Record the person's consent")
def consent(request: HttpRequest, body: ConsentIn, referral_id: int = an_id()) -> Any:
    """Consent given or refused verbally, with the witness's name. A signed form needs its
    scan attached: record it on the page."""
    user: Any = request.user

    def record(referral: Referral) -> None:
        if not may_record_consent(user, referral):
            raise ConsentError("only the team delivering the service can record consent")
        do_record_consent(
            user, referral, given=body.given, on=body.on, method="verbal", witness=body.witness
        )

    return _act(request, referral_id, body.version, "record_consent", record)


@router.post("/{referral_id}/engagement", response=RESPONSES, summary="The first contact: start")
def start_engagement(request: HttpRequest, body: StartIn, referral_id: int = an_id()) -> Any:
    """The first contact happened (attended or late): engaged, with the plan's focus areas
    (life_choices, addiction, education, employability, family_support, mental_health)."""

    def start(referral: Referral) -> None:
        engagement.do_start_engagement(
            request.user, referral, on=body.contact.on, focus_areas=body.focus_areas,
            contact=body.contact.dict(),
        )  # fmt: skip

    return _act(request, referral_id, body.version, "start_engagement", start)


@router.post("/{referral_id}/contacts", response=RESPONSES, summary="Record a contact")
def contact(request: HttpRequest, body: ContactIn, referral_id: int = an_id()) -> Any:
    """attendance: attended, late, unacceptable_absence (did not attend), acceptable_absence
    (did not happen: the person's reason), service_cancelled (the service's reason)
    (a reason unless attended)."""

    def record(referral: Referral) -> None:
        engagement.do_record_contact(request.user, referral, on=body.on, contact=body.dict())

    return _act(request, referral_id, None, "record_contact", record)


@router.post("/{referral_id}/end", response=RESPONSES, summary="End the engagement")
def end_engagement(request: HttpRequest, body: EndIn, referral_id: int = an_id()) -> Any:
    """outcome: completed, disengaged or closed (closing_reason moved_away, custody or
    other); ratings: each focus area achieved, partly or not_achieved."""

    def end(referral: Referral) -> None:
        engagement.do_end_engagement(
            request.user, referral, on=body.on, outcome=body.outcome, ratings=body.ratings,
            closing_reason=body.closing_reason, note=body.note,
        )  # fmt: skip

    return _act(request, referral_id, body.version, "end_engagement", end)


@router.post(
    "/{referral_id}/{action}",
    response={200: ReferralDetail, 401: Message, 404: Message, 409: Message, 422: Message},
    summary="Take a step: approve, send, accept, decline or withdraw",
)
def step(request: HttpRequest, body: StepIn, action: str, referral_id: int = an_id()) -> Any:
    """`version` is the referral's as read (a changed referral is 409). `decline` and
    `withdraw` need a `reason` (codes of reasons.toml's `decline` / `withdraw` lists; `other` with a
    `note`). A step the caller may not take is 422 with the reason."""
    if action not in STEPS:
        raise HttpError(404, f"no step {action!r}: one of {', '.join(STEPS)}")
    return _act(
        request, referral_id, body.version, f"{action}_referral",
        lambda r: do_step(request.user, r, action, on=timezone.localdate(), note=body.note,
                          reason=body.reason),
    )  # fmt: skip
