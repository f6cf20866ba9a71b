"""A small partnership world for the API tests, built with the ORM, and a caller.

People:
- Kieran Adair: a police record (P100), referred to ADAPT and to SIDESTEP; 2 police events.
- Owen Baird: a police record (P200), never referred; 1 police event.
- Callum Craig: a police record (P300) and a justice social work record (C300) linked to
  him; 1 police event and 1 social work event.
Users (one membership each), each with an API token:
- police: partnership team (ONE_GLASGOW, police_analyst) — sees everyone;
- cjsw: justice social work (CJSW_NE, cjsw_worker) — sees people with an HSCP_CJSW record;
- adapt: the ADAPT team (INCLUDEM_ADAPT, partner_worker) — sees people referred to ADAPT;
- dpo: data protection officer (CJ_GLASGOW, dpo) — sees no one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from pathways.api.tokens import create_token
from pathways.events.models import Event
from pathways.people.models import AgencyRecord, Person
from pathways.people.names import name_key
from pathways.referrals.models import Referral
from pathways.setup.configuration import apply_config, load_config

LONDON = ZoneInfo("Europe/London")
_event_refs = count(1)


def make_person(
    given: str, family: str, born: dt.date | None, *records: tuple[str, str], sex: str = "M"
) -> Person:
    """A person with one agency record per (agency, person_ref)."""
    person = Person.objects.create(
        given_name=given, family_name=family, date_of_birth=born, sex=sex
    )
    for agency, ref in records:
        AgencyRecord.objects.create(
            agency_id=agency,
            person_ref=ref,
            person=person,
            given_name=given,
            family_name=family,
            date_of_birth=born,
            sex=sex,
            postcode="G31 2AB",
            area_id="NE",
            given_key=name_key(given),
            family_key=name_key(family),
            link_method="exact" if len(records) > 1 else "single",
            content_hash="x",
        )
    return person


def add_event(
    person: Person,
    agency: str,
    when: dt.datetime,
    kind: str = "offence",
    crime_group: str = "",
    ref: str | None = None,
) -> Event:
    """An event on the person's record with `agency`."""
    return Event.objects.create(
        agency_id=agency,
        event_ref=ref or f"E{next(_event_refs)}",
        record=AgencyRecord.objects.get(person=person, agency_id=agency),
        person=person,
        kind=kind,
        occurred_at=when,
        occurred_on=when.astimezone(LONDON).date(),
        crime_group=crime_group or ("violence" if kind == "offence" else ""),
        area_id="NE",
        content_hash="x",
    )


def refer(person: Person, agency: str, service: str, on: dt.date) -> Referral:
    """A referral of the person, through their record with `agency`, that was sent."""
    return Referral.objects.create(
        person=person,
        record=AgencyRecord.objects.get(person=person, agency_id=agency),
        service_id=service,
        referred_on=on,
        state="sent",
    )


def at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    """A Europe/London wall-clock time."""
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


@dataclass
class World:
    people: dict[str, Person]
    users: dict[str, AbstractBaseUser]
    tokens: dict[str, str]
    referrals: dict[str, Referral] = field(default_factory=dict)

    def id_of(self, who: str) -> int:
        """The id of a named person; `missing` is an id no person has."""
        if who == "missing":
            return max(p.pk for p in self.people.values()) + 1000
        return self.people[who].pk


@pytest.fixture
def partnership(db: None) -> None:
    """The Glasgow configuration (idempotent: tests/conftest.py may have loaded it)."""
    apply_config(load_config(settings.PATHWAYS_CONFIG_DIR))


@pytest.fixture
def world(partnership: None, make_user: Callable[..., Any]) -> World:
    """The people and users described at the top of this module."""
    kieran = make_person("Kieran", "Adair", dt.date(2006, 5, 1), ("POLICE", "P100"))
    owen = make_person("Owen", "Baird", dt.date(2005, 9, 9), ("POLICE", "P200"))
    callum = make_person(
        "Callum", "Craig", dt.date(1994, 2, 3), ("POLICE", "P300"), ("HSCP_CJSW", "C300")
    )
    add_event(kieran, "POLICE", at(2024, 1, 5), ref="K1")
    add_event(kieran, "POLICE", at(2024, 3, 9), kind="custody", ref="K2")
    add_event(owen, "POLICE", at(2024, 2, 2), kind="asb", ref="O1")
    add_event(callum, "POLICE", at(2023, 7, 1), crime_group="dishonesty", ref="C-POLICE")
    add_event(callum, "HSCP_CJSW", at(2023, 8, 1), kind="concern", ref="C-CJSW")
    referrals = {
        "adapt": refer(kieran, "POLICE", "ADAPT", dt.date(2024, 2, 1)),
        "sidestep": refer(kieran, "POLICE", "SIDESTEP", dt.date(2024, 4, 1)),
    }
    users = {
        "police": make_user("police", "ONE_GLASGOW", "police_analyst"),
        "cjsw": make_user("cjsw", "CJSW_NE", "cjsw_worker"),
        "adapt": make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"),
        "dpo": make_user("dpo", "CJ_GLASGOW", "dpo"),
    }
    return World(
        people={"kieran": kieran, "owen": owen, "callum": callum},
        users=users,
        tokens={name: create_token(user) for name, user in users.items()},
        referrals=referrals,
    )


@pytest.fixture
def call(client: Client, world: World) -> Callable[..., Any]:
    """call(who, path, method="get") -> the response to `who` calling the API with a token."""

    def send(who: str, path: str, method: str = "get") -> Any:
        return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {world.tokens[who]}")

    return send
