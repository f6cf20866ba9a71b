"""The questions a data protection officer asks of the access audit: who looked at this
person; whom did this user look at; and which access looks unusual."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from pathways.audit.models import AccessEvent
from pathways.referrals.models import Referral

# Actions that open a person's record (a search shows names only).
OPENING = ("view_person", "view_events", "export_events", "record_consent", "withdraw_consent")


def looks_at_person(person_id: int) -> QuerySet[AccessEvent]:
    """Every access event about the person, newest first: views, refusals, and searches
    or exports that listed them."""
    return (
        AccessEvent.objects.filter(Q(person_id=person_id) | Q(people__person_id=person_id))
        .distinct()
        .order_by("-seq")
    )


def looks_by_user(username: str) -> QuerySet[AccessEvent]:
    """Every access event by the user, newest first."""
    return AccessEvent.objects.filter(username=username).order_by("-seq")


@dataclass(frozen=True)
class UnusualAccess:
    username: str
    people_opened: int
    without_link: int
    refusals: int
    reasons: tuple[str, ...]


def _linked() -> Exists:
    """SQL on AccessEvent: the person looked at has a referral that links them to the
    user: to a service the user's team delivers, or from the user's own agency."""
    return Exists(
        Referral.objects.filter(person_id=OuterRef("person_id")).filter(
            Q(service__teams__memberships__user_id=OuterRef("user_id"))
            | Q(record__agency__teams__memberships__user_id=OuterRef("user_id"))
        )
    )


def unusual_access(now: dt.datetime | None = None) -> list[UnusualAccess]:
    """Users who, in the last PATHWAYS_UNUSUAL_DAYS days, opened at least
    PATHWAYS_UNUSUAL_PEOPLE people with no referral linking them, or were refused at least
    PATHWAYS_UNUSUAL_REFUSALS times; most people without a link first."""
    days = settings.PATHWAYS_UNUSUAL_DAYS
    since = (now or timezone.now()) - dt.timedelta(days=days)
    opened = (
        AccessEvent.objects.filter(
            at__gte=since, decision="allowed", action__in=OPENING, person_id__isnull=False
        )
        .annotate(linked=_linked())
        .values("username")
        .annotate(
            opened=Count("person_id", distinct=True),
            unlinked=Count("person_id", distinct=True, filter=Q(linked=False)),
        )
    )
    refused = dict(
        AccessEvent.objects.filter(at__gte=since, decision="refused")
        .values("username")
        .annotate(n=Count("id"))
        .values_list("username", "n")
    )
    counts = {row["username"]: (row["opened"], row["unlinked"]) for row in opened}
    found = []
    for username in set(counts) | set(refused):
        people, unlinked = counts.get(username, (0, 0))
        refusals = refused.get(username, 0)
        reasons = []
        if unlinked >= settings.PATHWAYS_UNUSUAL_PEOPLE:
            reasons.append(f"opened {unlinked} people with no referral linking them in {days} days")
        if refusals >= settings.PATHWAYS_UNUSUAL_REFUSALS:
            reasons.append(f"refused {refusals} times in {days} days")
        if reasons:
            found.append(UnusualAccess(username, people, unlinked, refusals, tuple(reasons)))
    return sorted(found, key=lambda u: (-u.without_link, -u.refusals, u.username))
