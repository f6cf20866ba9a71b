"""Identity linkage: which agency records are one person.

Provisional rule (probabilistic linkage replaces it behind the same functions):
records of *different* agencies are one person when their normalised given name,
family name and date of birth are all equal (case, spacing and accents ignored).
Records without a date of birth or a given name stand alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from pathways.people.models import AgencyRecord, Person

MatchKey = tuple[str, str, dt.date]


def match_key(given_key: str, family_key: str, date_of_birth: dt.date | None) -> MatchKey | None:
    """The exact-match key of a record, or None when it is too thin to link on."""
    if not given_key or not family_key or date_of_birth is None:
        return None
    return (given_key, family_key, date_of_birth)


def find_people(keys: Iterable[MatchKey]) -> dict[MatchKey, dict[str, int]]:
    """Existing records matching each key: key -> {agency code: person id}."""
    wanted = set(keys)
    found: dict[MatchKey, dict[str, int]] = {}
    families = sorted({k[1] for k in wanted})
    for start in range(0, len(families), 500):
        rows = AgencyRecord.objects.filter(
            family_key__in=families[start : start + 500], date_of_birth__isnull=False
        ).values_list("given_key", "family_key", "date_of_birth", "agency_id", "person_id")
        for given, family, dob, agency, person in rows:
            key = (given, family, dob)
            if key in wanted:
                agencies = found.setdefault(key, {})
                agencies[agency] = min(person, agencies.get(agency, person))
    return found


def refresh_identity(person_ids: Iterable[int]) -> None:
    """Recompute each person's shown identity from their records.

    Each field takes the value most records hold (empty values ignored), ties broken by
    the most recently updated record; no value means unknown (sex `U`).
    """
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        records: dict[int, list[AgencyRecord]] = {}
        for record in AgencyRecord.objects.filter(person_id__in=chunk).order_by(
            "-updated_at", "-id"
        ):
            records.setdefault(record.person_id, []).append(record)
        changes: list[tuple[Any, ...]] = []
        for person in Person.objects.filter(pk__in=chunk):
            recs = records.get(person.pk, [])
            shown = (
                _most_held(r.given_name for r in recs) or "",
                _most_held(r.family_name for r in recs) or "",
                _most_held(r.date_of_birth for r in recs),
                _most_held(r.sex for r in recs if r.sex != "U") or "U",
            )
            if shown != (person.given_name, person.family_name, person.date_of_birth, person.sex):
                changes.append((*shown, person.pk))
        if changes:
            # executemany of a plain UPDATE: Django's bulk_update builds a CASE per
            # column and row, far slower at this size.
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE people_person SET given_name = %s, family_name = %s, "
                    "date_of_birth = %s, sex = %s WHERE id = %s",
                    changes,
                )


def _most_held(values: Iterable[object]) -> object | None:
    """The most common non-empty value; on a tie, the first seen (most recent record)."""
    counts: Counter[object] = Counter()
    first_seen: dict[object, int] = {}
    for position, value in enumerate(values):
        if value in (None, ""):
            continue
        counts[value] += 1
        first_seen.setdefault(value, position)
    if not counts:
        return None
    return max(counts, key=lambda v: (counts[v], -first_seen[v]))


@transaction.atomic
def relink(record: AgencyRecord) -> int:
    """Re-apply the linkage rule to one record after its identity changed.

    Moves the record (and its events and referrals) to the matching person, or to a
    person of its own when it no longer matches the others. Returns the person id.
    """
    from pathways.events.models import Event
    from pathways.referrals.models import Referral

    old_person = record.person_id
    key = match_key(record.given_key, record.family_key, record.date_of_birth)
    target: int | None = None
    if key is not None:
        matches = find_people([key]).get(key, {})
        others = [p for agency, p in matches.items() if agency != record.agency_id]
        target = min(others) if others else None
    if target is None:
        siblings = AgencyRecord.objects.filter(person_id=old_person).exclude(pk=record.pk)
        still_matches = key is not None and any(
            match_key(s.given_key, s.family_key, s.date_of_birth) == key
            for s in siblings
            if s.agency_id != record.agency_id
        )
        if siblings.exists() and not still_matches:
            target = Person.objects.create().pk
        else:
            target = old_person
    if target != old_person:
        AgencyRecord.objects.filter(pk=record.pk).update(
            person_id=target, link_method=_method(key, target)
        )
        Event.objects.filter(record_id=record.pk).update(person_id=target)
        Referral.objects.filter(record_id=record.pk).update(person_id=target)
        record.person_id = target
        if not AgencyRecord.objects.filter(person_id=old_person).exists():
            Person.objects.filter(pk=old_person).delete()
        else:
            # A record left alone there is no longer linked to anything.
            _set_methods(old_person)
            refresh_identity([old_person])
    _set_methods(target)
    refresh_identity([target])
    return target


def _method(key: MatchKey | None, _person_id: int) -> str:
    return AgencyRecord.LinkMethod.EXACT if key else AgencyRecord.LinkMethod.SINGLE


def _set_methods(person_id: int) -> None:
    """A record alone is `single`; records sharing a person by the exact rule are `exact`."""
    records = AgencyRecord.objects.filter(person_id=person_id)
    method = (
        AgencyRecord.LinkMethod.EXACT if records.count() > 1 else AgencyRecord.LinkMethod.SINGLE
    )
    records.exclude(link_method=AgencyRecord.LinkMethod.REVIEWED).update(
        link_method=method, link_confidence=1.0
    )


def person_ids_for_records(record_ids: Iterable[int]) -> set[int]:
    return set(
        AgencyRecord.objects.filter(pk__in=list(record_ids))
        .values_list("person_id", flat=True)
        .distinct()
    )
