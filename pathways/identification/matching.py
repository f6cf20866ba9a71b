"""The identification rules as SQL: who fits a service on a day, with a priority score.

A person fits a service on `as_of` when they fit its eligibility (age on the day, sex,
area), have enough counted events (kinds, crime groups, flags) in its window, the latest
recent enough, and no exclusion applies. Each rule is one grouped query over the events
in its window, so a run costs a few scans of the recent events, not a query per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)

from pathways.events.models import EVENT_FLAGS, Event, EventKind
from pathways.identification.models import Candidate, Rule
from pathways.partners.models import Service
from pathways.people.models import AgencyRecord
from pathways.referrals import states
from pathways.referrals.models import Referral, ReferralState, Transition

# Only these kinds carry a crime group; a rule's crime groups narrow them alone.
GROUPED_KINDS = (EventKind.OFFENCE, EventKind.CONVICTION)
S = ReferralState
_FLAG_NAMES = frozenset(EVENT_FLAGS)


@dataclass(frozen=True)
class Match:
    """A person fitting a service's rule on a day."""

    person_id: int
    service_id: str
    score: float
    events_counted: int
    last_event_on: dt.date


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier; 29 February becomes 28 February in a common year.

    Someone born on 29 February is therefore `years` old on 1 March of a common year
    (as the Age of Legal Capacity (Scotland) Act 1991 s.6(2) has it).
    """
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def window_days(rule: Rule) -> int:
    """The days counted back from the run date: the service's window, else the rule's
    recency."""
    return rule.service.window_days or rule.recent_days


def has_flag(flags: Iterable[str]) -> Q:
    """Events carrying any of the flags (stored `;`-separated)."""
    condition = Q(pk__in=[])
    for flag in flags:
        condition |= (
            Q(flags=flag)
            | Q(flags__startswith=f"{flag};")
            | Q(flags__endswith=f";{flag}")
            | Q(flags__contains=f";{flag};")
        )
    return condition


def counted_events(rule: Rule, as_of: dt.date) -> QuerySet[Event]:
    """The events the rule counts for anyone, in its window up to and including `as_of`."""
    service = rule.service
    events = Event.objects.filter(
        kind__in=rule.kinds,
        occurred_on__gt=as_of - dt.timedelta(days=window_days(rule)),
        occurred_on__lte=as_of,
    )
    if service.crime_groups:
        events = events.filter(Q(crime_group__in=service.crime_groups) | ~Q(kind__in=GROUPED_KINDS))
    if service.flags:
        events = events.filter(has_flag(service.flags))
    return events


def eligible(service: Service, as_of: dt.date) -> Q:
    """SQL on Event: the event's person fits the service's age, sex and area on `as_of`."""
    condition = Q()
    if service.min_age is not None:
        condition &= Q(person__date_of_birth__lte=years_before(as_of, service.min_age))
    if service.max_age is not None:
        condition &= Q(person__date_of_birth__gt=years_before(as_of, service.max_age + 1))
    if service.sexes:
        condition &= Q(person__sex__in=service.sexes)
    if service.areas:
        condition &= Q(
            Exists(
                AgencyRecord.objects.filter(person=OuterRef("person_id"), area__in=service.areas)
            )
        )
    return condition


def excluded(rule: Rule, as_of: dt.date) -> Q:
    """SQL on Event: the event's person is excluded from the rule's service on `as_of`."""
    service_id = rule.service_id
    referrals = Referral.objects.filter(person=OuterRef("person_id"), service_id=service_id)
    since = lambda days: as_of - dt.timedelta(days=days)  # noqa: E731
    condition = (
        Q(Exists(referrals.filter(state__in=states.OPEN)))
        | Q(Exists(referrals.filter(state=S.DECLINED, decided_on__gt=since(rule.declined_days))))
        # A refusal of consent counts from the day the person refused, not the acceptance.
        | Q(
            Exists(
                Transition.objects.filter(
                    referral__person=OuterRef("person_id"),
                    referral__service_id=service_id,
                    referral__state=S.CONSENT_REFUSED,
                    to_state=S.CONSENT_REFUSED,
                    on__gt=since(rule.declined_days),
                )
            )
        )
        | Q(Exists(referrals.filter(state=S.OPTED_OUT, ended_on__gt=since(rule.opted_out_days))))
        | Q(
            Exists(
                Candidate.objects.filter(
                    person=OuterRef("person_id"),
                    service_id=service_id,
                    status=Candidate.Status.DISMISSED,
                    decided_on__gt=since(rule.dismissed_days),
                )
            )
        )
    )
    if rule.custody_days:
        condition |= Q(
            Exists(
                Event.objects.filter(
                    person=OuterRef("person_id"),
                    kind=EventKind.CUSTODY,
                    occurred_on__gt=since(rule.custody_days),
                    occurred_on__lte=as_of,
                )
            )
        )
    return condition


def event_points(rule: Rule, as_of: dt.date) -> Any:
    """SQL: one counted event's priority points (its crime group's, else 1, plus its
    flags'), doubled within the rule's `fresh_days` of `as_of`."""
    groups = {k: v for k, v in rule.points.items() if k not in _FLAG_NAMES}
    flags = {k: v for k, v in rule.points.items() if k in _FLAG_NAMES}
    points: Any = Case(
        *(When(crime_group=group, then=Value(n)) for group, n in sorted(groups.items())),
        default=Value(1),
        output_field=IntegerField(),
    )
    for flag, n in sorted(flags.items()):
        points = points + Case(
            When(has_flag([flag]), then=Value(n)), default=Value(0), output_field=IntegerField()
        )
    fresh = Case(
        When(occurred_on__gt=as_of - dt.timedelta(days=rule.fresh_days), then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return points * fresh


def matches(rule: Rule, as_of: dt.date, people: Any = None) -> QuerySet[Any, Any]:
    """Per person fitting the rule on `as_of`: person_id, score, events_counted,
    last_event_on. `people` (ids or a query of ids) limits the persons looked at."""
    service = rule.service
    events = counted_events(rule, as_of).filter(eligible(service, as_of))
    if people is not None:
        events = events.filter(person_id__in=people)
    least = service.min_offences or 1
    return (
        events.values("person_id")
        .annotate(
            events_counted=Count("id"),
            last_event_on=Max("occurred_on"),
            score=Sum(event_points(rule, as_of), output_field=FloatField()),
        )
        .filter(
            events_counted__gte=least,
            last_event_on__gt=as_of - dt.timedelta(days=rule.recent_days),
        )
        .exclude(excluded(rule, as_of))
        .order_by()
    )


def find(as_of: dt.date, people: Any = None) -> dict[int, list[Match]]:
    """Everyone fitting some rule on `as_of` (or only `people`): per person, their
    matches in routing order (the first takes them)."""
    found: dict[int, list[Match]] = {}
    for rule in Rule.objects.select_related("service").order_by("rank"):
        for row in matches(rule, as_of, people).values(
            "person_id", "score", "events_counted", "last_event_on"
        ):
            found.setdefault(row["person_id"], []).append(
                Match(
                    person_id=row["person_id"],
                    service_id=rule.service_id,
                    score=float(row["score"]),
                    events_counted=row["events_counted"],
                    last_event_on=row["last_event_on"],
                )
            )
    return found


def triggering_events(rule: Rule, person_id: int, as_of: dt.date) -> QuerySet[Event]:
    """The events a rule counted for one person on `as_of`, newest first (the
    explanation; callers show only those the viewer may see)."""
    return (
        counted_events(rule, as_of)
        .filter(person_id=person_id)
        .annotate(points=event_points(rule, as_of))
        .order_by("-occurred_at", "-id")
    )
