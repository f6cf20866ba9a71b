"""A worker's caseload: the people their team is working with now, not only what waits
for a step. It sorts the referrals it is given: the door (`access.caseload`) gives it
those the user may see.

A case is a referral to a service the user's team delivers that the team has accepted
and not ended (accepted, consented, engaged), or ended within the last
`RECENTLY_ENDED_DAYS` (kept, read-only, to reread and correct). Each carries its last
contact and a sentence saying why it is listed; the longest without contact come first,
because those are the people a worker is about to lose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from pathways.cases.models import Contact
from pathways.partners.capabilities import services_acted_for
from pathways.referrals import states
from pathways.referrals.actions import RENEW_WITHIN_DAYS
from pathways.referrals.dates import as_day
from pathways.referrals.models import Consent, Referral, ReferralState

S = ReferralState
# Accepted and not yet ended: the team is working with the person.
WORKING = (S.ACCEPTED, S.CONSENTED, S.ENGAGED)
# How long an ended case stays on the caseload, read-only (days).
RECENTLY_ENDED_DAYS = 90
# An engaged case with no contact for this long is flagged (days).
NO_CONTACT_DAYS = 28
# An accepted case still waiting for consent or a first contact after this long is
# flagged: a referral that stalled (days).
STALLED_DAYS = 42


@dataclass(frozen=True)
class Case:
    """One case: the referral (with person, service, worker), the date of its last
    contact (None: none yet), whether the user is its allocated worker, why it is listed,
    and whether that needs attention."""

    referral: Referral
    last_contact: dt.date | None
    mine: bool
    why: str
    attention: bool


@dataclass
class Caseload:
    """The user's own cases, the rest of their team's, and those ended recently."""

    mine: list[Case] = field(default_factory=list)
    team: list[Case] = field(default_factory=list)
    ended: list[Case] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return len(self.mine) + len(self.team)

    def people(self) -> set[int]:
        return {c.referral.person_id for c in (*self.mine, *self.team, *self.ended)}


def _days(since: dt.date, today: dt.date) -> str:
    days = (today - since).days
    return "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"


def why_listed(referral: Referral, last: dt.date | None, today: dt.date) -> tuple[str, bool]:
    """Why a case is on the caseload, in a sentence, and whether it needs attention now
    (no contact for `NO_CONTACT_DAYS`, accepted and stalled for `STALLED_DAYS`, or consent
    lapsing within `RENEW_WITHIN_DAYS` or lapsed)."""
    state = referral.state
    lapses = getattr(referral, "consent_expires", None)
    if state in states.CONSENTED and lapses is not None:
        if lapses < today:
            return f"Consent lapsed on {as_day(lapses)}: ask again before more work", True
        if (lapses - today).days <= RENEW_WITHIN_DAYS:
            return f"Consent lapses on {as_day(lapses)}: ask the person again", True
    if state in states.ENDINGS:
        ended = _days(referral.ended_on or today, today)
        return f"{referral.get_state_display().capitalize()} {ended}; read-only", False
    if state == S.ENGAGED:
        if last is None:
            return "Engaged, no contact recorded", True
        return f"Engaged; last contact {_days(last, today)}", (today - last).days >= NO_CONTACT_DAYS
    since = referral.decided_on or referral.referred_on
    if state == S.CONSENTED:
        text = f"Consented {_days(referral.consent_on or since, today)}; first contact to record"
        return text, (today - (referral.consent_on or since)).days >= STALLED_DAYS
    needs = "consent or a first contact" if referral.service.requires_consent else "a first contact"
    return f"Accepted {_days(since, today)}; waiting for {needs}", (
        today - since
    ).days >= STALLED_DAYS


def sort_caseload(user: Any, referrals: QuerySet[Referral], today: dt.date) -> Caseload:
    """The cases among `referrals` (those the user may see) for the services the user's
    teams deliver, with their last contact: one query."""
    services = services_acted_for(user)
    if not services:
        return Caseload()
    since = today - dt.timedelta(days=RECENTLY_ENDED_DAYS)
    last = (
        Contact.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(on=Max("on"))
        .values("on")
    )
    consent = (
        Consent.objects.filter(
            referral=OuterRef("pk"), answer=Consent.Answer.GIVEN, withdrawn_on__isnull=True
        )
        .order_by("-on", "-pk")
        .values("expires_on")[:1]
    )
    rows = (
        referrals.filter(service_id__in=sorted(services))
        .filter(Q(state__in=WORKING) | Q(state__in=states.WORKED, ended_on__gte=since))
        .annotate(last_contact=Subquery(last), consent_expires=Subquery(consent))
        .select_related("person", "service", "worker")
        .order_by("referred_on", "pk")
    )
    caseload = Caseload()
    for referral in rows:
        contact = referral.last_contact  # type: ignore[attr-defined]
        why, attention = why_listed(referral, contact, today)
        case = Case(referral, contact, referral.worker_id == user.pk, why, attention)
        if referral.state in states.ENDINGS:
            caseload.ended.append(case)
        elif case.mine:
            caseload.mine.append(case)
        else:
            caseload.team.append(case)
    # Open cases: those needing attention first, then the longest without contact.
    for group in (caseload.mine, caseload.team):
        group.sort(key=lambda c: (not c.attention, c.last_contact or dt.date.min))
    caseload.ended.sort(key=lambda c: c.referral.ended_on or dt.date.min, reverse=True)
    return caseload
