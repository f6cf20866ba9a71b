"""The door to referrals: one referral with its timeline and, where the user may see the
provider's engagement data, the engagement's plan and contacts; the referral a step acts
on; the user's inbox. Each checks the sharing policy and audits what it showed: a page
that shows contacts names the engagement in the access log.
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.http import Http404

from pathways.access.looks import look, looks, refusal
from pathways.access.pages import acting_on
from pathways.cases.engagement import plan_of
from pathways.cases.models import Amendment, Contact, EngagementPlan
from pathways.partners.capabilities import records_contacts_for, services_acted_for
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.referrals.actions import RENEW_WITHIN_DAYS, consent_lapses_on, steps_for
from pathways.referrals.awaiting import awaiting, decision_due
from pathways.referrals.inbox import Inbox, sort_inbox
from pathways.referrals.models import Approval, Referral, Transition
from pathways.sharing.policy import decide, visible_referral_list, visible_referrals

REFERRAL_NOT_FOUND = "No referral with that id, or you may not see it."


@dataclass(frozen=True)
class Engagement:
    """The engagement's plan (None before it started), contacts (newest first) and the
    corrections of its records (oldest first)."""

    plan: EngagementPlan | None
    contacts: list[Contact]
    amendments: list[Amendment]


@dataclass(frozen=True)
class ReferralShown:
    """A referral as its page and the API show it."""

    referral: Referral
    transitions: list[Transition]
    approvals: list[Approval]
    awaiting: str  # what it waits for, and from whom ("" once it has ended)
    decision_due: dt.date | None  # the partner's deadline, while sent
    steps: set[str]  # the steps the user may take on it now
    acts_for_service: bool  # the user's team delivers its service (consent is theirs)
    records_contacts: bool  # ... and records its contacts
    engagement: Engagement | None  # None: the user may not see the provider's engagement
    consent_lapses: dt.date | None  # the last day the consent in force lasts, for its team
    may_renew: bool  # ... and it may be asked again now


def _visible(user: User, referral_id: int, *, action: str) -> Referral:
    """A referral the user may see, else 404 (the refusal audited)."""
    referral = (
        Referral.objects.filter(pk=referral_id)
        .select_related("person", "service", "record")
        .first()
    )
    if (
        referral is None
        or not visible_referrals(user, referral.person).filter(pk=referral_id).exists()
    ):
        refusal(
            user,
            action=action,
            person_id=referral.person_id if referral else None,
            detail=f"referral {referral_id}",
        )
        raise Http404(REFERRAL_NOT_FOUND)
    return referral


def _engagement(user: User, referral: Referral) -> Engagement | None:
    """The plan and contacts, when the user may see the provider's engagement data."""
    provider = referral.service.provider_id
    if not decide(user, referral.person, "engagement", source=provider).allowed:
        return None
    return Engagement(
        plan=plan_of(referral),
        contacts=list(referral.contacts.select_related("recorded_by")),
        amendments=list(referral.amendments.select_related("by", "contact")),
    )


def _shown(user: User, referral: Referral, today: dt.date) -> ReferralShown:
    engagement = _engagement(user, referral)
    acts = referral.service_id in services_acted_for(user)
    lapses = consent_lapses_on(referral) if acts else None
    renew = lapses is not None and (lapses - today).days <= RENEW_WITHIN_DAYS
    return ReferralShown(
        referral=referral,
        transitions=list(referral.transitions.select_related("by").order_by("on", "id")),
        approvals=list(referral.approvals.select_related("by", "agency").order_by("on", "id")),
        awaiting=awaiting(referral, today),
        decision_due=decision_due(referral),
        steps=steps_for(user, referral),
        acts_for_service=acts,
        records_contacts=records_contacts_for(user, referral.service_id),
        engagement=engagement,
        consent_lapses=lapses,
        may_renew=renew,
    )


def _look(user: User, shown: ReferralShown, *, detail: str, when_nothing_holds: str = "") -> None:
    referral, engagement = shown.referral, shown.engagement
    seen = {"referral": {referral.record.agency_id}}
    if engagement is not None:
        detail += f"; engagement: {'a plan, ' if engagement.plan else ''}"
        detail += f"{len(engagement.contacts)} contact(s)"
        if engagement.amendments:
            detail += f", {len(engagement.amendments)} correction(s)"
        seen["engagement"] = {referral.service.provider_id}
    look(
        user, referral.person, action="view_referral", shown=seen, detail=detail,
        when_nothing_holds=when_nothing_holds,
    )  # fmt: skip


def referral_page(user: User, referral_id: int, *, today: dt.date) -> ReferralShown:
    """A referral with its timeline, approvals, what it awaits and the steps the user may
    take; with the engagement's plan and contacts where the user may see them. Audited
    as `view_referral`, naming the engagement when it was shown."""
    with door_open():
        shown = _shown(user, _visible(user, referral_id, action="view_referral"), today)
        _look(user, shown, detail=f"referral {referral_id}")
    return shown


def step_result(user: User, referral: Referral, *, today: dt.date) -> ReferralShown:
    """The referral as a step the user has just taken on it (in `referral_to_act_on`'s
    block) left it: shown even when the step ended their access to it (it is what they
    did), the engagement only where they may still see it. Audited as `referral_page`."""
    with door_open():
        fresh = Referral.objects.select_related("person", "service", "record").get(pk=referral.pk)
        shown = _shown(user, fresh, today)
        _look(
            user, shown, detail=f"referral {referral.pk}, as the step left it",
            when_nothing_holds="the result of the user's own step, which ended their access",
        )  # fmt: skip
    return shown


def referral_for(user: User, referral_id: int, *, action: str) -> Referral:
    """A referral the user may see (with its person and service), else 404; audited as
    `action`, the referral shown."""
    with door_open():
        referral = _visible(user, referral_id, action=action)
        shown = {"referral": {referral.record.agency_id}}
        look(user, referral.person, action=action, shown=shown, detail=f"referral {referral_id}")
    return referral


def plan_to_rate(user: User, referral: Referral) -> EngagementPlan | None:
    """The engagement's plan, whose focus areas the form that ends it asks the worker to
    rate (the worker's team records the engagement: the caller checked); audited as a
    look at the engagement."""
    with door_open():
        plan = plan_of(referral)
    look(
        user,
        referral.person,
        action="end_engagement",
        shown={"engagement": {referral.service.provider_id}},
        detail=f"referral {referral.pk}; engagement: the plan's focus areas",
    )
    return plan


def engagement_to_correct(user: User, referral: Referral, *, action: str, detail: str) -> None:
    """Audit a correction form's look at the engagement it fills in (the contact's notes,
    the engagement's dates, the consent): the provider's engagement data."""
    look(
        user,
        referral.person,
        action=action,
        shown={"engagement": {referral.service.provider_id}},
        detail=f"referral {referral.pk}; {detail}",
    )


def referral_to_act_on(
    user: User, referral_id: int, *, action: str, version: int | None = None
) -> AbstractContextManager[Referral]:
    """The referral a step acts on, fetched and audited as `referral_for` does, with the
    `version` the user's page or request showed (a changed referral then refuses the
    step as stale). The block runs with the door open, for the step's own queries."""
    return acting_on(referral_for(user, referral_id, action=action), version)


def inbox_for(user: User, today: dt.date) -> Inbox:
    """The referrals waiting for the user, of people they may see; audited as a list of
    the people it showed."""
    with door_open():
        inbox = sort_inbox(user, visible_referral_list(user), today)
    people = {
        r.person_id
        for group in (
            inbox.to_decide,
            inbox.to_approve,
            inbox.to_send,
            inbox.to_engage,
            inbox.stalled,
        )
        for r in group
    } | {r.person_id for r in inbox.overdue}
    if people:
        looks(
            user,
            people,
            action="referral_inbox",
            categories={"identity", "referral"},
            purpose="the referrals waiting for the user",
        )
    return inbox
