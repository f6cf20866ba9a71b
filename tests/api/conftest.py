"""The API tests' partnership, built with tests.factories, and a caller.

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
from typing import Any

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from pathways.api.tokens import create_token
from pathways.people.models import Person
from pathways.referrals.models import Referral
from tests.factories import EventFactory, PersonFactory, ReferralFactory, UserFactory, at


def make_person(
    given: str, family: str, born: dt.date | None, *records: tuple[str, str], sex: str = "M"
) -> Person:
    """A person with one agency record per (agency, person_ref)."""
    return PersonFactory(
        given_name=given, family_name=family, date_of_birth=born, sex=sex, records=list(records)
    )


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
def partnership(config_loaded: None) -> None:
    """The Glasgow configuration (tests/conftest.py's `config_loaded`)."""


@pytest.fixture
def world(partnership: None) -> World:
    """The people and users described at the top of this module."""
    kieran = make_person("Kieran", "Adair", dt.date(2006, 5, 1), ("POLICE", "P100"))
    owen = make_person("Owen", "Baird", dt.date(2005, 9, 9), ("POLICE", "P200"))
    callum = make_person(
        "Callum", "Craig", dt.date(1994, 2, 3), ("POLICE", "P300"), ("HSCP_CJSW", "C300")
    )
    for who, agency, when, kind, group, ref in (
        (kieran, "POLICE", at(2024, 1, 5), "offence", "violence", "K1"),
        (kieran, "POLICE", at(2024, 3, 9), "custody", "", "K2"),
        (owen, "POLICE", at(2024, 2, 2), "asb", "", "O1"),
        (callum, "POLICE", at(2023, 7, 1), "offence", "dishonesty", "C-POLICE"),
        (callum, "HSCP_CJSW", at(2023, 8, 1), "concern", "", "C-CJSW"),
    ):
        EventFactory(person=who, agency=agency, occurred_at=when, kind=kind,
                     crime_group=group, event_ref=ref)  # fmt: skip
    referrals = {
        service.lower(): ReferralFactory(
            person=kieran, service_id=service, referred_on=on, state="sent"
        )
        for service, on in (("ADAPT", dt.date(2024, 2, 1)), ("SIDESTEP", dt.date(2024, 4, 1)))
    }
    users = {
        name: UserFactory(username=name, team=team, role=role)
        for name, team, role in (
            ("police", "ONE_GLASGOW", "police_analyst"),
            ("cjsw", "CJSW_NE", "cjsw_worker"),
            ("adapt", "INCLUDEM_ADAPT", "partner_worker"),
            ("dpo", "CJ_GLASGOW", "dpo"),
        )
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
