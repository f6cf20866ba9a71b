"""The outcome tests' shorthands over tests.factories: people with agency records,
offences and other events on given local dates (ISO text), and referrals with the dates
a report reads."""

from __future__ import annotations

import datetime as dt
from itertools import count

from pathways.events.models import Event
from pathways.people.models import Person
from pathways.referrals.models import Referral
from tests.factories import LONDON, EventFactory, PersonFactory, ReferralFactory

_refs = count(1)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def person(
    born: str | None = "2006-05-01",
    sex: str = "M",
    area: str = "NE",
    agencies: tuple[str, ...] = ("POLICE",),
) -> Person:
    """A person with one record per agency (all holding the same identity)."""
    n = next(_refs)
    return PersonFactory(
        date_of_birth=d(born) if born else None,
        sex=sex,
        records=[(agency, f"R{n}-{agency}") for agency in agencies],
        records__area_id=area,
    )


def event(
    who: Person,
    on: str,
    kind: str = "offence",
    crime_group: str = "",
    *,
    time: str = "12:00",
    agency: str = "POLICE",
) -> Event:
    """An event at `time` (Europe/London wall clock) on the date `on`."""
    hour, minute = (int(part) for part in time.split(":"))
    when = dt.datetime.combine(d(on), dt.time(hour, minute), tzinfo=LONDON)
    return EventFactory(
        person=who, agency=agency, occurred_at=when, kind=kind, crime_group=crime_group
    )


def engagement(
    who: Person,
    started: str | None,
    ended: str | None = None,
    *,
    reason: str = "completed",
    service: str = "ADAPT",
    referred: str | None = None,
    decision: str = "accepted",
    decided: str | None = None,
    consented: str | None = None,
    agency: str = "POLICE",
) -> Referral:
    """A referral to `service`; engaged on `started`, ended on `ended` for `reason`.

    Referred, decided and consented default to the start date."""
    start = d(started) if started else None
    referred_on = d(referred) if referred else start
    assert referred_on is not None, "a referral needs a date"
    state = "engaged" if start else "accepted"
    if ended:
        state = "completed" if reason == "completed" else reason
        if reason not in ("completed", "opted_out", "disengaged"):
            state = "closed"
    return ReferralFactory(
        person=who, agency=agency, service_id=service, referred_on=referred_on,
        decision=decision, decided_on=d(decided) if decided else referred_on,
        consent_on=d(consented) if consented else start,
        started_on=start, ended_on=d(ended) if ended else None,
        end_reason=reason if ended else "", state=state,
    )  # fmt: skip
