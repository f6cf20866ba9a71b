"""The one door to person data.

Every query for people, their records, events and referrals that a user may see is
built here and filtered in SQL. Views, the API and exports fetch through these
functions; nothing else reads person data for a user.

Provisional rules (issue 3 replaces the rules, not the door):
- members of an agency see that agency's records and events, and the people they belong to;
- the partnership team (police and social work in the team marked `partnership`) see all;
- a practitioner of a team that delivers a service sees the people referred to it;
- roles without the `view` capability (administrator, data protection officer,
  researcher, data quality) see no person at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from pathways.events.models import Event
from pathways.partners.models import Membership
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Referral
from pathways.sharing.models import AccessLog

User = AbstractBaseUser | AnonymousUser

NOT_FOUND = "No person with that id, or you may not see them."


@dataclass(frozen=True)
class Reach:
    """What a user's memberships open: whole partnership, agencies, services."""

    everything: bool
    agencies: frozenset[str]
    services: frozenset[str]

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.agencies or self.services)


def reach_of(user: User) -> Reach:
    """The agencies and services a user's viewing memberships give access to.

    Remembered on the user object, which lives for one request: a change of
    membership takes effect on the next request.
    """
    cached = getattr(user, "_pathways_reach", None)
    if isinstance(cached, Reach):
        return cached
    reach = _reach_from_memberships(user)
    if getattr(user, "pk", None) is not None:
        user._pathways_reach = reach  # type: ignore[union-attr]
    return reach


def _reach_from_memberships(user: User) -> Reach:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Reach(False, frozenset(), frozenset())
    everything = False
    agencies: set[str] = set()
    services: set[str] = set()
    user_id: int = getattr(user, "pk", 0)
    memberships = Membership.objects.filter(user_id=user_id).select_related("team", "role")
    for membership in memberships:
        if "view" not in membership.role.capabilities:
            continue
        team = membership.team
        if team.partnership:
            everything = True
        if team.service_id:
            services.add(team.service_id)
        else:
            agencies.add(team.agency_id)
    return Reach(everything, frozenset(agencies), frozenset(services))


def _people_condition(reach: Reach) -> Q:
    if reach.everything:
        return Q()
    condition = Q(pk__in=[])
    if reach.agencies:
        condition |= Q(
            Exists(AgencyRecord.objects.filter(person=OuterRef("pk"), agency_id__in=reach.agencies))
        )
    if reach.services:
        condition |= Q(
            Exists(Referral.objects.filter(person=OuterRef("pk"), service_id__in=reach.services))
        )
    return condition


def visible_people(user: User) -> QuerySet[Person]:
    """The people this user may see at all."""
    reach = reach_of(user)
    if reach.nothing:
        return Person.objects.none()
    return Person.objects.filter(_people_condition(reach))


def visible_records(user: User, person: Person) -> QuerySet[AgencyRecord]:
    """The person's agency records this user may see."""
    reach = reach_of(user)
    records = AgencyRecord.objects.filter(person=person).select_related("agency", "area")
    if reach.everything:
        return records
    if not reach.agencies:
        # A service practitioner sees who the person is through the referral's record.
        return records.filter(referrals__service_id__in=reach.services).distinct()
    return records.filter(
        Q(agency_id__in=reach.agencies) | Q(referrals__service_id__in=reach.services)
    ).distinct()


def visible_events(user: User, person: Person) -> QuerySet[Event]:
    """The person's events this user may see, newest first."""
    reach = reach_of(user)
    events = Event.objects.filter(person=person)
    if not reach.everything:
        events = events.filter(agency_id__in=reach.agencies)
    return events.select_related("agency", "area").order_by("-occurred_at", "-id")


def visible_referrals(user: User, person: Person) -> QuerySet[Referral]:
    """The person's referrals this user may see."""
    reach = reach_of(user)
    referrals = Referral.objects.filter(person=person)
    if not reach.everything:
        referrals = referrals.filter(
            Q(service_id__in=reach.services)
            | Q(service__provider_id__in=reach.agencies)
            | Q(record__agency_id__in=reach.agencies)
        )
    return referrals.select_related("service", "record").order_by("-referred_on", "-id")


def get_person_for(user: User, person_id: int, *, action: str, channel: str) -> Person:
    """The person if this user may see them, else 404; either way the look is logged.

    Refusal looks exactly like absence, so a user cannot learn that someone exists.
    """
    person = visible_people(user).filter(pk=person_id).first()
    log_access(
        user,
        person_id,
        action=action,
        channel=channel,
        outcome=AccessLog.Outcome.ALLOWED if person else AccessLog.Outcome.REFUSED,
    )
    if person is None:
        raise Http404(NOT_FOUND)
    return person


def log_access(
    user: User,
    person_id: int | None,
    *,
    action: str,
    channel: str,
    outcome: str,
    detail: str = "",
) -> AccessLog:
    """Write one row of the access log."""
    return AccessLog.objects.create(
        user_id=user.pk if getattr(user, "is_authenticated", False) else None,
        person_id=person_id,
        action=action,
        channel=channel,
        outcome=outcome,
        detail=detail[:500],
    )
