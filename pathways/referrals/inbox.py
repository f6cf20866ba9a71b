"""A user's referral inbox: the referrals waiting for them, grouped by what they wait
for, and the overdue list. It sorts the referrals it is given: the door
(`access.referrals.inbox_for`) gives it those the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, QuerySet, Subquery

from pathways.partners.capabilities import (
    approving_sector,
    referring_agencies,
    services_acted_for,
)
from pathways.referrals import states
from pathways.referrals.awaiting import add_working_days
from pathways.referrals.models import Referral, ReferralState, Transition

S = ReferralState


@dataclass
class Inbox:
    """Referrals by what they wait for; a sent referral carries `due_on`, its deadline."""

    to_decide: list[Referral] = field(default_factory=list)  # sent to the user's service
    to_approve: list[Referral] = field(default_factory=list)
    to_send: list[Referral] = field(default_factory=list)
    to_engage: list[Referral] = field(default_factory=list)  # accepted or consented
    overdue: list[Referral] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.to_decide) + len(self.to_approve) + len(self.to_send) + len(self.to_engage)


def _with_sent_on(referrals: Any) -> Any:
    last_sent = (
        Transition.objects.filter(referral=OuterRef("pk"), to_state=S.SENT)
        .values("referral")
        .annotate(on=Max("on"))
        .values("on")
    )
    return referrals.annotate(sent_on=Subquery(last_sent))


def sort_inbox(user: Any, referrals: QuerySet[Referral], today: dt.date) -> Inbox:
    """What of `referrals` (those the user may see) waits for this user on `today`."""
    own_services = services_acted_for(user)
    sector = approving_sector(user)
    referrers_for = referring_agencies(user)
    waiting = (
        _with_sent_on(referrals.filter(state__in=states.WAITING))
        .prefetch_related("approvals")
        .order_by("referred_on", "pk")
    )
    inbox = Inbox()
    for referral in waiting:
        if referral.state == S.SENT:
            sent = referral.sent_on or referral.referred_on  # type: ignore[attr-defined]
            due = add_working_days(sent, referral.service.decide_within_days)
            referral.due_on = due  # type: ignore[attr-defined]
            if due < today:
                inbox.overdue.append(referral)
            if referral.service_id in own_services:
                inbox.to_decide.append(referral)
        elif referral.state == S.PROPOSED and referral.service.joint_approval:
            sides = {a.sector for a in referral.approvals.all()}
            approvers = {a.by_id for a in referral.approvals.all()}
            if sector and sector[0] not in sides and user.pk not in approvers:
                inbox.to_approve.append(referral)
        elif referral.record.agency_id in referrers_for and referral.state in (
            S.PROPOSED,
            S.APPROVED,
        ):
            inbox.to_send.append(referral)
        elif referral.state in (S.ACCEPTED, S.CONSENTED) and referral.service_id in own_services:
            inbox.to_engage.append(referral)
    return inbox
