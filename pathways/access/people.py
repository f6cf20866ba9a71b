"""The door to one person: their page, their record for the API, their chronology, and
the person a step acts on. Each checks the sharing policy, answers a person the user
may not see exactly as one who does not exist (404), and audits the look with the
categories it showed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.http import Http404

from pathways.access.looks import NOT_FOUND, look, refusal
from pathways.casework.models import Order
from pathways.events.models import Event
from pathways.feeds.earlier_versions import Change, event_changes
from pathways.partners.memberships import User
from pathways.people.models import AgencyRecord, Person
from pathways.people.scoping import door_open
from pathways.referrals.models import Referral
from pathways.sharing.policy import (
    category_of_kind,
    category_rows_q,
    person_if_visible,
    visible_events,
    visible_records,
    visible_referrals,
)


@dataclass(frozen=True)
class PersonShown:
    """A person as a page or the API shows them: the agency records and referrals the
    user may see, and their chronology (newest first; a lazy query, for the caller to
    page) with its count by event kind."""

    person: Person
    records: list[AgencyRecord]
    referrals: list[Referral]
    events: QuerySet[Event]
    counts: dict[str, int]
    # Justice social work's orders the user may see: in full for justice social work,
    # that they exist (type, court, dates, state) under an agreement that shares `orders`.
    orders: list[Order] = field(default_factory=list)


def _visible(user: User, person_id: int, *, action: str) -> Person:
    person = person_if_visible(user, person_id)
    if person is None:
        refusal(user, action=action, person_id=person_id)
        raise Http404(NOT_FOUND)
    return person


def identity_sources(
    user: User, person: Person, records: list[AgencyRecord] | None = None
) -> set[str]:
    """The agencies whose identity data a look at the person showed: those of the records
    it showed; or, where it showed none, the agencies holding a record of the person (the
    name and date of birth on every look are made from all their records)."""
    if records is None:
        records = list(visible_records(user, person))
    return {r.agency_id for r in records} or set(
        AgencyRecord.objects.filter(person=person).values_list("agency_id", flat=True)
    )


def _counted(events: QuerySet[Event]) -> dict[tuple[str, str], int]:
    """How many of `events` there are of each (kind, agency): one query."""
    return dict(
        ((kind, agency), n)
        for kind, agency, n in events.order_by()
        .values_list("kind", "agency_id")
        .annotate(n=Count("id"))
        .values_list("kind", "agency_id", "n")
    )


def _by_kind(counted: dict[tuple[str, str], int]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for (kind, _), n in counted.items():
        counts[kind] = counts.get(kind, 0) + n
    return counts


def _events_shown(user: User, counted: dict[tuple[str, str], int]) -> dict[str, set[str]]:
    """Each category of the events counted, with the agencies whose events they were."""
    shown: dict[str, set[str]] = {}
    for (kind, agency), n in counted.items():
        category = category_of_kind(user, kind)
        if n and category:
            shown.setdefault(category, set()).add(agency)
    return shown


def _shown(user: User, person_id: int, *, action: str, with_events: bool) -> PersonShown:
    """A person's records and referrals the user may see (and, `with_events`, their
    chronology counted by kind), audited as `action` with the categories shown."""
    with door_open():
        person = _visible(user, person_id, action=action)
        records = list(visible_records(user, person))
        referrals = list(visible_referrals(user, person))
        events = visible_events(user, person) if with_events else Event.objects.none()
        counted = _counted(events) if with_events else {}
        opened = category_rows_q(user, "orders", agency="record__agency_id", person="person_id")
        orders = (
            list(Order.objects.filter(opened, person=person).select_related("record")
                 .order_by("-imposed_on", "-id"))
            if opened is not None and with_events
            else []
        )  # fmt: skip
        shown = {
            **_events_shown(user, counted),
            "identity": identity_sources(user, person, records),
            "referral": {r.record.agency_id for r in referrals},
            "orders": {o.record.agency_id for o in orders},
        }
        look(user, person, action=action, shown=shown)
    return PersonShown(person, records, referrals, events, _by_kind(counted), orders)


def person_page(user: User, person_id: int, *, action: str = "view_person") -> PersonShown:
    """Everything the person page shows of a person: records, referrals, the chronology
    (counted by kind). Audited with the categories actually shown."""
    return _shown(user, person_id, action=action, with_events=True)


def person_record(user: User, person_id: int) -> PersonShown:
    """A person with the agency records and referrals the user may see (the API's
    person), without the chronology. Audited as `view_person`."""
    return _shown(user, person_id, action="view_person", with_events=False)


def chronology(user: User, person_id: int, *, action: str) -> tuple[Person, QuerySet[Event]]:
    """The person and the events the user may see of them, newest first (a lazy query,
    for the caller to page or stream). Audited as `action` (view_events, export_events)
    with the categories of the kinds it holds."""
    with door_open():
        person = _visible(user, person_id, action=action)
        events = visible_events(user, person)
        look(user, person, action=action, shown=_events_shown(user, _counted(events)))
    return person, events


@contextmanager
def person_to_act_on(user: User, person_id: int, *, action: str) -> Iterator[Person]:
    """The person a step acts on (refer them, say), if the user may see them, else 404;
    audited as `action` (their identity shown). The block runs with the door open."""
    with door_open():
        person = _visible(user, person_id, action=action)
        look(user, person, action=action, shown={"identity": identity_sources(user, person)})
        yield person


def still_visible(user: User, person_id: int) -> bool:
    """Whether the user may still see the person (after a step that may have closed the
    door on them, such as a withdrawal of consent). Not a look: nothing is shown."""
    with door_open():
        return person_if_visible(user, person_id) is not None


def events_changed(user: User, events: list[Event]) -> dict[int, list[Change]]:
    """The changes agencies made to these events (shown already, through `person_page` or
    `chronology`, whose looks audited them), oldest first: the chronology says them."""
    with door_open():
        return event_changes(events)
