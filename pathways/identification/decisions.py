"""The partnership team's decision on a candidate: dismiss it with a reason, or turn it
into a referral. Each is taken once: two people deciding at once cannot both win."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F

from pathways.identification.matching import triggering_events
from pathways.identification.models import Candidate, Rule
from pathways.partners.reasons import UnknownReason, coded
from pathways.people.models import AgencyRecord
from pathways.referrals.actions import do_propose
from pathways.referrals.models import Referral


class DecisionRefused(Exception):
    """The candidate is no longer open, or changed since it was read."""


def _take(candidate: Candidate, **changes: object) -> None:
    """Write the decision if the candidate is still open and unchanged since read."""
    updated = Candidate.objects.filter(
        pk=candidate.pk, version=candidate.version, status=Candidate.Status.OPEN
    ).update(**changes, version=F("version") + 1)
    if not updated:
        raise DecisionRefused(
            "someone else decided on this candidate, or a new run changed it, while you "
            "were looking: reload the queue to see what happened"
        )
    for name, value in changes.items():
        setattr(candidate, name, value)
    candidate.version += 1


def dismiss(candidate: Candidate, *, by: Any, reason: str, note: str, on: dt.date) -> None:
    """Dismiss a candidate: not identified again for the service for the rule's
    `dismissed_days`. `reason` is a code of reasons.toml's `dismiss` list; `other` needs a
    note."""
    try:
        coded("dismiss", reason, note)
    except UnknownReason as error:
        raise DecisionRefused(str(error)) from None
    _take(
        candidate,
        status=Candidate.Status.DISMISSED,
        dismiss_reason=reason,
        note=note.strip()[:500],
        decided_by=by,
        decided_on=on,
    )


def refer(candidate: Candidate, *, by: Any, agency: str, on: dt.date, note: str = "") -> Referral:
    """Turn a candidate into a proposed referral to its service, held under `agency`'s
    record of the person (the referring agency's) or, where it has none, under the
    record of the agency whose events identified them."""
    record = _record_for(candidate, agency)
    if record is None:
        raise DecisionRefused(
            "no agency record of this person to hold the referral under; ask an agency "
            "that knows them to refer"
        )
    with transaction.atomic():
        referral = do_propose(
            candidate.person,
            candidate.service,
            record,
            on=on,
            by=by,
            reason=note or f"identified for {candidate.service.name} (score {candidate.score:g})",
            route=Referral.Route.IDENTIFICATION,
        )
        _take(
            candidate,
            status=Candidate.Status.REFERRED,
            referral=referral,
            note=note.strip()[:500],
            decided_by=by,
            decided_on=on,
        )
    return referral


def _record_for(candidate: Candidate, agency: str) -> AgencyRecord | None:
    records = AgencyRecord.objects.filter(person_id=candidate.person_id).order_by("pk")
    own = records.filter(agency_id=agency).first()
    if own is not None:
        return own
    rule = Rule.objects.select_related("service").get(service_id=candidate.service_id)
    latest = triggering_events(rule, candidate.person_id, candidate.as_of).first()
    return records.filter(agency_id=latest.agency_id).first() if latest else None
