"""A small partnership world for the page tests, built with the ORM.

The Glasgow configuration must be loaded first (the `partnership` fixture).

People:
- Jamie Referred: a police record (P1001) and a referral to ADAPT; 3 police events.
- Morgan Hidden: a police record (P1002), no referral; 2 police events.
- Robin Social: a justice social work record (S2001) only; 1 social work event.
Users (one membership each): police (ONE_GLASGOW, police_analyst), adapt (INCLUDEM_ADAPT,
partner_worker), socialworker (CJSW_NE, cjsw_worker), dataquality (CJ_GLASGOW,
data_quality), dpo (CJ_GLASGOW, dpo), nobody (no team).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import count
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from pathways.events.models import Event
from pathways.identification.models import Candidate
from pathways.identification.runs import identify
from pathways.partners.models import Membership, Service
from pathways.people.models import AgencyRecord, Person
from pathways.people.names import name_key
from pathways.referrals.actions import do_propose as propose
from pathways.referrals.models import Referral

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple"
_refs = count(1)


def make_user(username: str, team: str | None = None, role: str | None = None) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.capitalize()
    )
    if team and role:
        Membership.objects.create(user=user, team_id=team, role_id=role)
    return user


def make_person(
    given: str,
    family: str,
    born: dt.date | None,
    sex: str = "M",
    records: tuple[tuple[str, str], ...] = (),
) -> Person:
    """A person with one agency record per (agency, reference) pair."""
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
    category: str = "",
    flags: str = "",
) -> Event:
    record = AgencyRecord.objects.get(person=person, agency_id=agency)
    return Event.objects.create(
        agency_id=agency,
        event_ref=f"E{next(_refs)}",
        record=record,
        person=person,
        kind=kind,
        occurred_at=when,
        occurred_on=when.astimezone(LONDON).date(),
        crime_group=crime_group,
        category=category,
        area_id="NE",
        flags=flags,
        content_hash="x",
    )


def refer(
    person: Person, agency: str, service: str, on: dt.date, state: str = "engaged"
) -> Referral:
    """A referral accepted on `on`; consented and started the same day when `state` says so."""
    record = AgencyRecord.objects.filter(person=person, agency_id=agency).earliest("pk")
    consented = state in ("consented", "engaged") and service != "STARS"
    return Referral.objects.create(
        person=person,
        record=record,
        service_id=service,
        referred_on=on,
        decision="accepted",
        decided_on=on,
        consent_on=on if consented else None,
        started_on=on if state == "engaged" else None,
        state=state,
    )


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A Europe/London wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


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
    return propose(
        person, Service.objects.get(code="ADAPT"), person.records.get(),
        on=timezone.localdate(), by=None, reason=reason,
    )  # fmt: skip
