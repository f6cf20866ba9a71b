"""The custody route: each new police custody episode opens a visit for the custody peer
mentors (the teams delivering the custody service), who record whether they saw the
person, the conversation, and the services they signposted them to.

The mentors see the person (identity and custody only) for seven days after the
episode, under the agreement with condition `recent_custody`; their list comes through
the sharing policy like every other.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from pathways.cases.models import CustodyVisit
from pathways.events.models import Event
from pathways.partners.memberships import memberships_with
from pathways.partners.models import Service
from pathways.referrals.transitions import TransitionRefused
from pathways.sharing.grants import RECENT_CUSTODY_DAYS, grants_of
from pathways.sharing.policy import visible_people

CUSTODY_SERVICE = "POP_CUSTODY"


def open_visits(after_event: int, up_to_event: int) -> int:
    """A visit for every custody episode with an id in (after_event, up_to_event]."""
    episodes = Event.objects.filter(
        id__gt=after_event, id__lte=up_to_event, kind="custody"
    ).values_list("id", "person_id")
    visits = [CustodyVisit(event_id=event, person_id=person) for event, person in episodes]
    CustodyVisit.objects.bulk_create(visits, batch_size=1000, ignore_conflicts=True)
    return len(visits)


def is_mentor(user: Any) -> bool:
    """The user records contacts in a team delivering the custody service."""
    return any(
        m.team.service_id == CUSTODY_SERVICE for m in memberships_with(user, "record_contact")
    )


def visible_visits(user: Any) -> QuerySet[CustodyVisit]:
    """The visits a custody mentor may see: custody episodes of the last seven days, from
    agencies whose custody data the user's grants open, of people the policy shows."""
    if not is_mentor(user):
        return CustodyVisit.objects.none()
    sources = sorted({g.source for g in grants_of(user) if "custody" in g.categories})
    since = timezone.localdate() - dt.timedelta(days=RECENT_CUSTODY_DAYS - 1)
    return (
        CustodyVisit.objects.filter(event__agency_id__in=sources, event__occurred_on__gte=since)
        .filter(Exists(visible_people(user).filter(pk=OuterRef("person_id"))))
        .select_related("person", "event")
        .order_by("-event__occurred_at", "-id")
    )


def record_visit(
    user: Any,
    visit: CustodyVisit,
    *,
    outcome: str,
    seen_on: dt.date,
    conversation: str = "",
    signposted_to: list[str] | None = None,
) -> None:
    """Record what happened; once, by one mentor (a changed visit is refused)."""
    if outcome not in (CustodyVisit.Outcome.SEEN, CustodyVisit.Outcome.DECLINED,
                       CustodyVisit.Outcome.NOT_SEEN):  # fmt: skip
        raise TransitionRefused(f"{outcome!r} is not what happened at a visit")
    services = sorted(set(signposted_to or []))
    unknown = set(services) - set(
        Service.objects.filter(code__in=services).values_list("code", flat=True)
    )
    if unknown:
        raise TransitionRefused(f"unknown services: {', '.join(sorted(unknown))}")
    if services and outcome != CustodyVisit.Outcome.SEEN:
        raise TransitionRefused("only a person who was seen can be signposted")
    updated = CustodyVisit.objects.filter(
        pk=visit.pk, version=visit.version, outcome=CustodyVisit.Outcome.WAITING
    ).update(
        outcome=outcome, seen_on=seen_on, conversation=conversation.strip(),
        signposted_to=services, mentor=user, recorded_at=timezone.now(),
        version=F("version") + 1,
    )  # fmt: skip
    if not updated:
        raise TransitionRefused("another mentor has recorded this visit: reload the list")
