"""The custody route: each new police custody episode opens a visit for the custody peer
mentors (the teams delivering the custody service), who record whether they saw the
person, the conversation, and the services they signposted them to.

The mentors see the person (identity and custody only) for seven days after the
episode, under the agreement with condition `recent_custody`; their list comes through
the door like every other (`access.custody`). The alert scan's background task opens the
visits (`feeds.after_import`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F
from django.utils import timezone

from pathways.cases.limits import CUSTODY_CONVERSATION, within
from pathways.cases.models import CustodyVisit
from pathways.events.models import Event
from pathways.partners.models import Service
from pathways.people.ages import age_on
from pathways.referrals.transitions import DateOutOfOrder, TransitionRefused, as_day


def open_visits(after_event: int, up_to_event: int) -> int:
    """A visit for every custody episode with an id in (after_event, up_to_event]."""
    episodes = Event.objects.filter(
        id__gt=after_event, id__lte=up_to_event, kind="custody"
    ).values_list("id", "person_id")
    visits = [CustodyVisit(event_id=event, person_id=person) for event, person in episodes]
    CustodyVisit.objects.bulk_create(visits, batch_size=1000, ignore_conflicts=True)
    return len(visits)


def signposts_for(person: Any, on: dt.date) -> list[Service]:
    """The services a person seen in custody may be signposted to: those they could use
    (not a statutory service, which only a court or a social worker opens; not the
    custody route itself; the service's sexes and ages, where it has them)."""
    age = age_on(getattr(person, "date_of_birth", None), on)
    found = []
    for service in (
        Service.objects.exclude(kind=Service.Kind.STATUTORY)
        .exclude(custody_visits=True)
        .order_by("name")
    ):
        if service.sexes and getattr(person, "sex", "") not in service.sexes:
            continue
        if age is not None and service.min_age is not None and age < service.min_age:
            continue
        if age is not None and service.max_age is not None and age > service.max_age:
            continue
        found.append(service)
    return found


def held_on(visit: CustodyVisit) -> dt.date | None:
    """The day the person was held: the custody event's date (None if it is gone)."""
    return Event.objects.filter(pk=visit.event_id).values_list("occurred_on", flat=True).first()


def do_record_visit(
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
    offered = {s.code for s in signposts_for(visit.person, seen_on)}
    if set(services) - offered:
        raise TransitionRefused(
            f"not a service this person can be signposted to: "
            f"{', '.join(sorted(set(services) - offered))}"
        )
    if services and outcome != CustodyVisit.Outcome.SEEN:
        raise TransitionRefused("only a person who was seen can be signposted")
    said = within(conversation, CUSTODY_CONVERSATION, "the conversation")
    held = held_on(visit)
    if held is not None and seen_on < held:
        raise DateOutOfOrder(
            f"the visit cannot be dated before the person was held ({as_day(held)})"
        )
    updated = CustodyVisit.objects.filter(
        pk=visit.pk, version=visit.version, outcome=CustodyVisit.Outcome.WAITING
    ).update(
        outcome=outcome, seen_on=seen_on, conversation=said,
        signposted_to=services, mentor=user, recorded_at=timezone.now(),
        version=F("version") + 1,
    )  # fmt: skip
    if not updated:
        raise TransitionRefused("another mentor has recorded this visit: reload the list")
