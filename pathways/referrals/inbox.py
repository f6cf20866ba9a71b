"""A user's referral inbox: the referrals waiting for them, grouped by what they wait
for, and the overdue list. It sorts the referrals it is given: the door
(`access.referrals.inbox_for`) gives it those the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery, prefetch_related_objects

from pathways.partners.capabilities import services_acted_for
from pathways.referrals import states
from pathways.referrals.actions import steps_for
from pathways.referrals.awaiting import add_working_days
from pathways.referrals.models import Referral, ReferralState, Transition

S = ReferralState
# An accepted referral not started this long after it was accepted has stalled (days):
# listed apart, so that the ones to start now are not lost among years-old history.
STALLED_AFTER_DAYS = 90


@dataclass
class Inbox:
    """Referrals by what they wait for; a sent referral carries `due_on`, its deadline."""

    to_decide: list[Referral] = field(default_factory=list)  # sent to the user's service
    to_approve: list[Referral] = field(default_factory=list)
    to_send: list[Referral] = field(default_factory=list)
    to_engage: list[Referral] = field(default_factory=list)  # accepted or consented
    # Accepted more than `STALLED_AFTER_DAYS` ago and never started: to start or close.
    stalled: list[Referral] = field(default_factory=list)
    overdue: list[Referral] = field(default_factory=list)

    @property
    def overdue_elsewhere(self) -> list[Referral]:
        """The overdue referrals not already listed to decide (the user's own to decide
        are marked overdue there, not listed twice)."""
        deciding = {r.pk for r in self.to_decide}
        return [r for r in self.overdue if r.pk not in deciding]

    @property
    def count(self) -> int:
        return (
            len(self.to_decide) + len(self.to_approve) + len(self.to_send)
            + len(self.to_engage) + len(self.stalled)
        )  # fmt: skip


def _with_sent_on(referrals: Any) -> Any:
    last_sent = (
        Transition.objects.filter(referral=OuterRef("pk"), to_state=S.SENT)
        .values("referral")
        .annotate(on=Max("on"))
        .values("on")
    )
    return referrals.annotate(sent_on=Subquery(last_sent))


def sort_inbox(user: Any, referrals: QuerySet[Referral], today: dt.date) -> Inbox:
    """What of `referrals` (those the user may see) waits for this user on `today`: the
    steps the user may take on each (`actions.steps_for`), and the engagements their team
    is to start."""
    own_services = services_acted_for(user)
    # Only what can land in a group is read: every sent referral (it may be overdue),
    # those still to approve or send, and the user's own services' to start. A city's
    # accepted referrals of other services are not this user's work (and reading them
    # was most of the page's time at 100,000 people).
    might_wait = Q(state__in=(S.PROPOSED, S.APPROVED, S.SENT)) | Q(
        state__in=states.TO_ENGAGE, service_id__in=own_services
    )
    waiting = list(_with_sent_on(referrals.filter(might_wait)).order_by("referred_on", "pk"))
    # Who approved matters only while a referral is proposed (`steps_for`).
    prefetch_related_objects([r for r in waiting if r.state == S.PROPOSED], "approvals")
    inbox = Inbox()
    for referral in waiting:
        steps = steps_for(user, referral)
        if referral.state == S.SENT:
            sent = referral.sent_on or referral.referred_on  # type: ignore[attr-defined]
            due = add_working_days(sent, referral.service.decide_within_days)
            referral.due_on = due  # type: ignore[attr-defined]
            referral.overdue = due < today  # type: ignore[attr-defined]
            if due < today:
                inbox.overdue.append(referral)
        if "accept" in steps:
            inbox.to_decide.append(referral)
        elif "approve" in steps:
            inbox.to_approve.append(referral)
        elif "send" in steps:
            inbox.to_send.append(referral)
        elif referral.state in states.TO_ENGAGE and referral.service_id in own_services:
            since = referral.decided_on or referral.referred_on
            if (today - since).days > STALLED_AFTER_DAYS:
                inbox.stalled.append(referral)
            else:
                inbox.to_engage.append(referral)
    return inbox
