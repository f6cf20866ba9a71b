"""The partnership the page, API and pathway tests share, built with `tests.factories`.

`build_world()` makes it; the `world` fixtures of tests/web and tests/api return it.

People:
- Jamie Referred: a police record (P1001) and a referral to ADAPT; 3 police events.
- Morgan Hidden: a police record (P1002), no referral; 2 police events.
- Robin Social: a justice social work record (S2001) only; 1 social work event.
Users (one membership each): police (ONE_GLASGOW, police_analyst), adapt (INCLUDEM_ADAPT,
partner_worker), socialworker (CJSW_NE, cjsw_worker), dataquality (CJ_GLASGOW,
data_quality), dpo (CJ_GLASGOW, dpo), nobody (no team). Every password is
`factories.PASSWORD`.

The shorthands below (`make_user`, `make_person`, `add_event`, `refer`) are the
factories with the arguments these tests give most.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from pathways.events.models import Event
from pathways.identification.models import Candidate
from pathways.identification.runs import identify
from pathways.partners.models import Service
from pathways.people.models import Person
from pathways.referrals.actions import do_propose
from pathways.referrals.models import Referral
from tests.factories import (
    LONDON,
    PASSWORD,
    EventFactory,
    PersonFactory,
    UserFactory,
    at,
    record_of,
    referral_on,
)

__all__ = [
    "LONDON",
    "PASSWORD",
    "World",
    "add_event",
    "at",
    "build_world",
    "identified_today",
    "make_person",
    "make_user",
    "proposed_to_adapt",
    "refer",
]


def make_user(username: str, team: str | None = None, role: str | None = None) -> AbstractBaseUser:
    """A user, a member of `team` in `role` when both are given."""
    return UserFactory(username=username, team=team, role=role)


def make_person(
    given: str,
    family: str,
    born: dt.date | None,
    sex: str = "M",
    records: tuple[tuple[str, str], ...] = (),
) -> Person:
    """A person with one agency record per (agency, reference) pair."""
    return PersonFactory(
        given_name=given, family_name=family, date_of_birth=born, sex=sex, records=list(records)
    )


def add_event(
    person: Person,
    agency: str,
    when: dt.datetime,
    kind: str = "offence",
    crime_group: str = "",
    category: str = "",
    flags: str = "",
) -> Event:
    """An event on the person's record with `agency`."""
    record_of(person, agency)  # the record must be there already: never made here
    return EventFactory(
        person=person, agency=agency, occurred_at=when, kind=kind, crime_group=crime_group,
        category=category, flags=flags,
    )  # fmt: skip


def refer(
    person: Person, agency: str, service: str, on: dt.date, state: str = "engaged"
) -> Referral:
    """A referral accepted on `on`; consented and started the same day when `state` says so."""
    return referral_on(person, agency, service, on, state)


@dataclass
class World:
    referred: Person
    hidden: Person
    social: Person
    police: AbstractBaseUser
    adapt: AbstractBaseUser
    socialworker: AbstractBaseUser
    dataquality: AbstractBaseUser
    dpo: AbstractBaseUser
    nobody: AbstractBaseUser


def build_world() -> World:
    """The people and users described at the top of this module."""
    referred = make_person(
        "Jamie", "Referred", dt.date(2004, 3, 12), records=(("POLICE", "P1001"),)
    )
    add_event(referred, "POLICE", at(2024, 1, 5), crime_group="violence", category="Assault")
    add_event(referred, "POLICE", at(2024, 6, 1, 23, 30), kind="custody")
    add_event(
        referred,
        "POLICE",
        at(2023, 11, 20),
        crime_group="dishonesty",
        category="Shoplifting",
        flags="substance;weapon",
    )
    refer(referred, "POLICE", "ADAPT", dt.date(2024, 2, 1))
    hidden = make_person("Morgan", "Hidden", dt.date(2005, 7, 30), records=(("POLICE", "P1002"),))
    add_event(hidden, "POLICE", at(2024, 3, 3), crime_group="violence", category="Robbery")
    add_event(hidden, "POLICE", at(2024, 4, 4), kind="asb")
    social = make_person(
        "Robin", "Social", dt.date(1990, 1, 2), sex="F", records=(("HSCP_CJSW", "S2001"),)
    )
    add_event(social, "HSCP_CJSW", at(2024, 2, 2), kind="concern")
    return World(
        referred=referred,
        hidden=hidden,
        social=social,
        police=make_user("police", "ONE_GLASGOW", "police_analyst"),
        adapt=make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"),
        socialworker=make_user("socialworker", "CJSW_NE", "cjsw_worker"),
        dataquality=make_user("dataquality", "CJ_GLASGOW", "data_quality"),
        dpo=make_user("dpo", "CJ_GLASGOW", "dpo"),
        nobody=make_user("nobody"),
    )


def identified_today() -> dict[str, Candidate]:
    """Two candidates found by today's identification run, by service:
    - ADAPT: Casey Violent, 17, a violent offence 3 days ago with a weapon; score
      (violence 3 + weapon 2) x 2 (fresh) = 10;
    - POP: Pat Acquisitive, 30, three dishonesty offences flagged substance, 5, 40 and 50
      days ago; score (2 + 1) x 2 + 3 + 3 = 12."""
    today = timezone.localdate()

    def days_ago(n: int) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=n), dt.time(12), tzinfo=LONDON)

    casey = make_person(
        "Casey", "Violent", today.replace(year=today.year - 17) - dt.timedelta(days=1),
        records=(("POLICE", "P501"),),
    )  # fmt: skip
    add_event(casey, "POLICE", days_ago(3), crime_group="violence", flags="weapon")
    pat = make_person("Pat", "Acquisitive", dt.date(1996, 1, 1), records=(("POLICE", "P502"),))
    for n in (5, 40, 50):
        add_event(pat, "POLICE", days_ago(n), crime_group="dishonesty", flags="substance")
    identify(today)
    return {c.service_id: c for c in Candidate.objects.select_related("person")}


def proposed_to_adapt(reason: str = "identified") -> Referral:
    """Jordan Path, 17, proposed today for ADAPT under the police record P900."""
    person = make_person("Jordan", "Path", dt.date(2009, 4, 1), records=(("POLICE", "P900"),))
    return do_propose(
        person, Service.objects.get(code="ADAPT"), person.records.get(),
        on=timezone.localdate(), by=None, reason=reason,
    )  # fmt: skip
