"""The door to one person: their page, their record for the API, their chronology, and
the person a step acts on. Each checks the sharing policy, answers a person the user
may not see exactly as one who does not exist (404), and audits the look with the
categories it showed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.http import Http404

from pathways.access.looks import NOT_FOUND, look, refusal
from pathways.events.models import Event
from pathways.partners.memberships import User
from pathways.people.models import AgencyRecord, Person
from pathways.people.scoping import door_open
from pathways.referrals.models import Referral
from pathways.sharing.policy import (
    category_of_kind,
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


def _visible(user: User, person_id: int, *, action: str) -> Person:
    person = person_if_visible(user, person_id)
    if person is None:
        refusal(user, action=action, person_id=person_id)
        raise Http404(NOT_FOUND)
    return person


def _event_categories(user: User, counts: dict[str, int]) -> set[str]:
    return {category_of_kind(user, kind) for kind, n in counts.items() if n} - {""}


def person_page(user: User, person_id: int, *, action: str = "view_person") -> PersonShown:
    """Everything the person page shows of a person: records, referrals, the chronology
    (counted by kind). Audited with the categories actually shown."""
    with door_open():
        person = _visible(user, person_id, action=action)
        records = list(visible_records(user, person))
        referrals = list(visible_referrals(user, person))
        events = visible_events(user, person)
        counts = dict(events.order_by().values_list("kind").annotate(n=Count("id")))
        shown = _event_categories(user, counts)
        shown |= {"identity"} if records else set()
        shown |= {"referral"} if referrals else set()
        look(user, person, action=action, categories=shown)
    return PersonShown(person, records, referrals, events, counts)


def person_record(user: User, person_id: int) -> PersonShown:
    """A person with the agency records and referrals the user may see (the API's
    person), without the chronology. Audited as `view_person`."""
    with door_open():
        person = _visible(user, person_id, action="view_person")
        records = list(visible_records(user, person))
        referrals = list(visible_referrals(user, person))
        shown = ({"identity"} if records else set()) | ({"referral"} if referrals else set())
        look(user, person, action="view_person", categories=shown)
    return PersonShown(person, records, referrals, Event.objects.none(), {})


def chronology(user: User, person_id: int, *, action: str) -> tuple[Person, QuerySet[Event]]:
    """The person and the events the user may see of them, newest first (a lazy query,
    for the caller to page or stream). Audited as `action` (view_events, export_events)
    with the categories of the kinds it holds."""
    with door_open():
        person = _visible(user, person_id, action=action)
        events = visible_events(user, person)
        counts = dict(events.order_by().values_list("kind").annotate(n=Count("id")))
        look(user, person, action=action, categories=_event_categories(user, counts))
    return person, events


@contextmanager
def person_to_act_on(user: User, person_id: int, *, action: str) -> Iterator[Person]:
    """The person a step acts on (refer them, say), if the user may see them, else 404;
    audited as `action` (their identity shown). The block runs with the door open."""
    with door_open():
        person = _visible(user, person_id, action=action)
        look(user, person, action=action, categories={"identity"})
        yield person


def still_visible(user: User, person_id: int) -> bool:
    """Whether the user may still see the person (after a step that may have closed the
    door on them, such as a withdrawal of consent). Not a look: nothing is shown."""
    with door_open():
        return person_if_visible(user, person_id) is not None
