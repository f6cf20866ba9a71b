"""A person's shown identity, derived from their agency records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection

from pathways.people.models import AgencyRecord, Person


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
