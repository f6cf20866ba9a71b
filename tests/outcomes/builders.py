"""Small builders for the outcome tests: people with agency records, offences and other
events on given local dates, and referrals with the dates a report reads."""

from __future__ import annotations

import datetime as dt
from itertools import count
from zoneinfo import ZoneInfo

from pathways.events.models import Event
from pathways.people.models import AgencyRecord, Person
from pathways.people.names import name_key
from pathways.referrals.models import Referral

LONDON = ZoneInfo("Europe/London")
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
    given, family = f"Given{n}", f"Family{n}"
    born_on = d(born) if born else None
    found = Person.objects.create(
        given_name=given, family_name=family, date_of_birth=born_on, sex=sex
    )
    for agency in agencies:
        AgencyRecord.objects.create(
            agency_id=agency, person_ref=f"R{n}-{agency}", person=found,
            given_name=given, family_name=family, date_of_birth=born_on, sex=sex,
            area_id=area, given_key=name_key(given), family_key=name_key(family),
            content_hash="x",
        )  # fmt: skip
    return found


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
    record = AgencyRecord.objects.get(person=who, agency_id=agency)
    return Event.objects.create(
        agency_id=agency, event_ref=f"EV{next(_refs)}", record=record, person=who,
        kind=kind, occurred_at=when, occurred_on=when.date(), crime_group=crime_group,
        area_id="NE", content_hash="x",
    )  # fmt: skip


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
    record = AgencyRecord.objects.filter(person=who, agency_id=agency).earliest("pk")
    start = d(started) if started else None
    referred_on = d(referred) if referred else start
    assert referred_on is not None, "a referral needs a date"
    state = "engaged" if start else "accepted"
    if ended:
        state = "completed" if reason == "completed" else reason
        if reason not in ("completed", "opted_out", "disengaged"):
            state = "closed"
    return Referral.objects.create(
        person=who, record=record, service_id=service, referred_on=referred_on,
        decision=decision, decided_on=d(decided) if decided else referred_on,
        consent_on=d(consented) if consented else start,
        started_on=start, ended_on=d(ended) if ended else None,
        end_reason=reason if ended else "", state=state,
    )  # fmt: skip
