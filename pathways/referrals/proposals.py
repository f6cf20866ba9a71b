"""Making a referral: the first step of the pathway, `proposed`, recorded like every other."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.partners.memberships import memberships_with
from pathways.partners.models import Service
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import OPEN_STATES, Referral, ReferralState, Transition
from pathways.referrals.transitions import TransitionRefused


def propose(
    person: Person,
    service: Service,
    record: AgencyRecord,
    *,
    on: dt.date,
    by: Any,
    reason: str,
    route: str = "",
) -> Referral:
    """A new referral of `person` to `service`, held under the referring agency's
    `record` of them, in state `proposed` with its first transition; `route` is a
    Referral.Route (how it came in).

    Refused while the person has an open referral to the same service.
    """
    if record.person_id != person.pk:
        raise ValueError("the record must be the person's")
    with transaction.atomic():
        # The person's row is locked: two people proposing at once are taken in turn,
        # and the second finds the first's referral.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if Referral.objects.filter(person=person, service=service, state__in=OPEN_STATES).exists():
            raise TransitionRefused(
                f"{person} already has an open referral to {service.name}: work on that one"
            )
        referral = Referral.objects.create(
            person=person,
            record=record,
            service=service,
            referred_on=on,
            state=ReferralState.PROPOSED,
            route=route,
        )
        Transition.objects.create(
            referral=referral,
            from_state="",
            to_state=ReferralState.PROPOSED,
            on=on,
            by=by if getattr(by, "pk", None) else None,
            reason=reason[:500],
        )
    return referral


def referring_record(user: Any, person: Person) -> AgencyRecord | None:
    """The record a referral by this user is held under: their agency's record of the
    person (the first of their teams whose role may refer that has one)."""
    agencies = [
        m.team.agency_id for m in sorted(memberships_with(user, "refer"), key=lambda m: m.team_id)
    ]
    for agency in agencies:
        record = AgencyRecord.objects.filter(person=person, agency_id=agency).order_by("pk").first()
        if record is not None:
            return record
    return None
