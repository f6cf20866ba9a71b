"""Working an engagement, one `do_*` function a step: starting it at the first contact
with the plan's focus areas, recording contacts and attendance, and ending it with how
each focus area went.

Only the team delivering the service does this (a role that records contacts,
`partners.capabilities.records_contacts_for`). The referral's steps go through
`referrals.transitions.move`, like every other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.alerts.concerns import alert_referrer_of_concern
from pathways.cases.limits import CONTACT_CONCERNS, CONTACT_NOTES, within
from pathways.cases.models import ENGAGEMENT_OUTCOMES, Contact, EngagementPlan, FocusArea
from pathways.partners.capabilities import records_contacts_for
from pathways.referrals.models import Referral, ReferralState
from pathways.referrals.states import CLOSING_REASONS, ENDINGS, WORKER_ENDINGS
from pathways.referrals.transitions import DateOutOfOrder, TransitionRefused, as_day, move

S = ReferralState
HAPPENED = (Contact.Attendance.ATTENDED, Contact.Attendance.LATE)  # an engagement starts


def may_record_contacts(user: Any, referral: Referral) -> bool:
    """The user records contacts for the referral's service (their team delivers it)."""
    return records_contacts_for(user, referral.service_id)


# The states each step of the engagement is taken from: started once accepted (and
# consented), contacts and the ending while engaged; after that the case is read-only.
STEP_STATES = {
    "start": (S.ACCEPTED, S.CONSENTED),
    "contact": (S.ENGAGED,),
    "end": (S.ENGAGED,),
}


def why_not_now(referral: Referral, step: str) -> str:
    """Why the engagement's `step` cannot be taken on the referral in its state ("" when
    it can): a sentence for the page that would have shown the form."""
    if referral.state in STEP_STATES[step]:
        return ""
    if referral.state in ENDINGS:
        return "The engagement has ended: its record is kept, read-only"
    if step == "start" and referral.state == S.ENGAGED:
        return "The engagement has already started"
    return "The engagement has not started yet"


def plan_of(referral: Referral) -> EngagementPlan | None:
    """The engagement's plan (None before it started)."""
    return EngagementPlan.objects.filter(referral=referral).first()


def _check(user: Any, referral: Referral) -> None:
    if not may_record_contacts(user, referral):
        raise TransitionRefused(
            f"only the {referral.service.name} team records its engagement and contacts"
        )


def _contact(referral: Referral, user: Any, on: dt.date, data: dict[str, Any]) -> Contact:
    attendance = data["attendance"]
    if attendance not in ENGAGEMENT_OUTCOMES:
        raise TransitionRefused(f"{attendance!r} is not an engagement contact's attendance")
    if attendance != Contact.Attendance.ATTENDED and not str(data.get("reason", "")).strip():
        raise TransitionRefused("say why the person was late or the contact did not happen")
    contact = Contact.objects.create(
        kind=Contact.Kind.ENGAGEMENT,
        person_id=referral.person_id,
        referral=referral,
        on=on,
        attendance=attendance,
        reason=str(data.get("reason", "")).strip()[:300],
        notes=within(str(data.get("notes", "")), CONTACT_NOTES, "the notes"),
        concerns=within(str(data.get("concerns", "")), CONTACT_CONCERNS, "the concerns"),
        notify_referrer=bool(data.get("notify_referrer")),
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    if contact.notify_referrer and contact.concerns:
        alert_referrer_of_concern(referral, contact)
    return contact


def do_start_engagement(
    user: Any, referral: Referral, *, on: dt.date, focus_areas: list[str], contact: dict[str, Any]
) -> Contact:
    """The first contact happened: the referral becomes `engaged`, with its plan."""
    _check(user, referral)
    unknown = sorted(set(focus_areas) - set(FocusArea.values))
    if unknown or not focus_areas:
        raise TransitionRefused(
            "choose the plan's focus areas"
            if not focus_areas
            else f"unknown focus areas: {unknown}"
        )
    if contact.get("attendance") not in HAPPENED:
        raise TransitionRefused("engagement starts at a contact that happened (attended or late)")
    with transaction.atomic():
        move(referral, S.ENGAGED, on=on, by=user, reason="first contact")
        EngagementPlan.objects.create(referral=referral, focus_areas=focus_areas, recorded_by=user)
        return _contact(referral, user, on, contact)


def do_record_contact(
    user: Any, referral: Referral, *, on: dt.date, contact: dict[str, Any]
) -> Contact:
    """A further contact of an engagement that has started and not ended."""
    _check(user, referral)
    if referral.state != S.ENGAGED:
        raise TransitionRefused("contacts are recorded while the person is engaged")
    if referral.started_on and on < referral.started_on:
        raise DateOutOfOrder(
            f"a contact cannot be before the engagement started ({as_day(referral.started_on)})"
        )
    return _contact(referral, user, on, contact)


def do_end_engagement(
    user: Any,
    referral: Referral,
    *,
    on: dt.date,
    outcome: str,
    ratings: dict[str, str],
    closing_reason: str = "",
    note: str = "",
) -> None:
    """End the engagement: completed, disengaged or closed (with a closing reason), and
    rate each focus area of the plan (achieved, partly achieved, not achieved)."""
    _check(user, referral)
    if outcome not in WORKER_ENDINGS:
        raise TransitionRefused(
            f"an engagement ends completed, disengaged or closed, not {outcome!r}"
        )
    plan = plan_of(referral)
    areas = plan.focus_areas if plan else []
    if set(ratings) != set(areas) or not set(ratings.values()) <= set(EngagementPlan.Rating.values):
        raise TransitionRefused(
            "rate each focus area of the plan: achieved, partly or not achieved"
        )
    if outcome == S.CLOSED and closing_reason not in CLOSING_REASONS:
        raise TransitionRefused(f"closing needs a reason: {', '.join(CLOSING_REASONS)}")
    last = referral.contacts.order_by("-on").values_list("on", flat=True).first()
    if last is not None and on < last:
        raise DateOutOfOrder(f"the engagement cannot end before its last contact ({as_day(last)})")
    with transaction.atomic():
        move(referral, outcome, on=on, by=user, reason=note, closing_reason=closing_reason)
        if plan:
            plan.ratings = ratings
            plan.save(update_fields=["ratings"])
