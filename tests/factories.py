"""The tests' partnership, built with factory-boy: users in their teams, people with their
agency records, events, referrals, identification candidates. One way to make each
thing, one password; the named worlds (`tests/world.py`) and every test folder build
with these.

The Glasgow configuration (agencies, services, teams, roles) is in every test database
already (tests/conftest.py); factories refer to it by code.

    user = UserFactory(username="police", team="ONE_GLASGOW", role="police_analyst")
    jamie = PersonFactory(given_name="Jamie", records=[("POLICE", "P1001")])
    EventFactory(person=jamie, agency="POLICE", occurred_at=at(2024, 1, 5))
    ReferralFactory(person=jamie, agency="POLICE", service_id="ADAPT", state="sent")
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from pathways.events.models import Event
from pathways.partners.memberships import forget_memberships
from pathways.partners.models import Membership
from pathways.people.models import AgencyRecord, Person
from pathways.people.names import name_key
from pathways.referrals.models import Referral

LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple"  # every test user's


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A Europe/London wall-clock time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


class UserFactory(DjangoModelFactory):
    """A user; with `team` and `role`, a member of that team in that role."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda u: u.username.capitalize())
    password = factory.django.Password(PASSWORD)

    @classmethod
    def _create(
        cls, model_class: Any, *args: Any, team: str | None = None, role: str | None = None,
        **kwargs: Any,
    ) -> Any:  # fmt: skip
        if (team is None) != (role is None):
            raise ValueError("UserFactory: give both a team and a role, or neither")
        user = super()._create(model_class, *args, **kwargs)
        if team is not None:
            Membership.objects.get_or_create(user=user, team_id=team, defaults={"role_id": role})
            forget_memberships(user)
        return user


class PersonFactory(DjangoModelFactory):
    """A person; `records=[(agency, person_ref), ...]` gives them one agency record each,
    holding the same identity (several records: linked `exact`; one: `single`)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth: Any = dt.date(2006, 5, 1)
    sex = "M"

    @factory.post_generation
    def records(person: Person, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        pairs = list(extracted or ())
        for agency, ref in pairs:
            AgencyRecordFactory(
                person=person,
                agency_id=agency,
                person_ref=ref,
                link_method="exact" if len(pairs) > 1 else "single",
                **kwargs,
            )


class AgencyRecordFactory(DjangoModelFactory):
    """An agency's record of a person, holding the person's identity (names keyed as
    linkage and search read them)."""

    class Meta:
        model = AgencyRecord

    person = factory.SubFactory(PersonFactory)
    agency_id = "POLICE"
    person_ref = factory.Sequence(lambda n: f"R{n}")
    given_name = factory.SelfAttribute("person.given_name")
    family_name = factory.SelfAttribute("person.family_name")
    date_of_birth = factory.SelfAttribute("person.date_of_birth")
    sex = factory.SelfAttribute("person.sex")
    postcode = "G31 2AB"
    area_id = "NE"
    given_key = factory.LazyAttribute(lambda r: name_key(r.given_name))
    family_key = factory.LazyAttribute(lambda r: name_key(r.family_name))
    link_method = "single"
    content_hash = "x"


def record_of(person: Person, agency: str) -> AgencyRecord:
    """The person's (first) record with `agency`; one is made if they have none."""
    found = AgencyRecord.objects.filter(person=person, agency_id=agency).order_by("pk").first()
    return found or AgencyRecordFactory(person=person, agency_id=agency)


class EventFactory(DjangoModelFactory):
    """An event on the person's record with `agency` (default police), at a
    Europe/London time; `occurred_on` is its local date."""

    class Meta:
        model = Event
        exclude = ("agency",)

    person = factory.SubFactory(PersonFactory)
    agency = "POLICE"
    record = factory.LazyAttribute(lambda e: record_of(e.person, e.agency))
    agency_id = factory.SelfAttribute("agency")
    event_ref = factory.Sequence(lambda n: f"E{n}")
    kind = "offence"
    occurred_at = factory.LazyFunction(lambda: at(2024, 1, 5))
    occurred_on = factory.LazyAttribute(lambda e: e.occurred_at.astimezone(LONDON).date())
    crime_group = ""
    category = ""
    area_id = "NE"
    flags = ""
    content_hash = "x"


class ReferralFactory(DjangoModelFactory):
    """A referral of the person to a service, held under their record with `agency`
    (default police). Its dates are what the state implies, all on `referred_on` unless
    given: accepted from `accepted` on, consent from `consented` on (voluntary services),
    started when `engaged` or later."""

    class Meta:
        model = Referral
        exclude = ("agency",)

    person = factory.SubFactory(PersonFactory)
    agency = "POLICE"
    record = factory.LazyAttribute(lambda r: record_of(r.person, r.agency))
    service_id = "ADAPT"
    referred_on = dt.date(2024, 2, 1)
    state = "sent"


def referral_on(
    person: Person, agency: str, service: str, on: dt.date, state: str = "engaged"
) -> Referral:
    """A referral accepted on `on`; consented (voluntary services) and started the same
    day when its state says so."""
    consented = state in ("consented", "engaged") and service != "STARS"
    return ReferralFactory(
        person=person,
        agency=agency,
        service_id=service,
        referred_on=on,
        decision="accepted",
        decided_on=on,
        consent_on=on if consented else None,
        started_on=on if state == "engaged" else None,
        state=state,
    )
