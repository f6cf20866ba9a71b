"""A person's shown identity, derived from their agency records."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pathways.linkage.internals.bulk_sql import update_from_rows
from pathways.people.models import AgencyRecord, Person


def refresh_identity(person_ids: Iterable[int]) -> None:
    """Recompute each person's shown identity from their records.

    Each field takes the value most records hold (empty values ignored); on a tie the
    value already shown stays (a split or a new record does not swap a name for another
    record's spelling, a typo perhaps, held as often), else the most recently updated
    record's; no value means unknown (sex `U`).
    """
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        # Plain values, not model instances: a batch of matching refreshes hundreds.
        records: dict[int, list[tuple[Any, ...]]] = {}
        for person, *values in (
            AgencyRecord.objects.filter(person_id__in=chunk)
            .order_by("-updated_at", "-id")
            .values_list("person_id", "given_name", "family_name", "date_of_birth", "sex")
        ):
            records.setdefault(person, []).append(tuple(values))
        changes: list[tuple[Any, ...]] = []
        for pk, *current in Person.objects.filter(pk__in=chunk).values_list(
            "pk", "given_name", "family_name", "date_of_birth", "sex"
        ):
            recs = records.get(pk, [])
            shown = (
                _most_held((r[0] for r in recs), current[0]) or "",
                _most_held((r[1] for r in recs), current[1]) or "",
                _most_held((r[2] for r in recs), current[2]),
                _most_held((r[3] for r in recs if r[3] != "U"), current[3]) or "U",
            )
            if shown != tuple(current):
                changes.append((pk, *shown))
        # One statement for the chunk: Django's bulk_update builds a CASE per column
        # and row, and a statement per person costs a round trip each.
        update_from_rows(
            Person._meta.db_table,
            "id",
            ["given_name", "family_name", "date_of_birth", "sex"],
            changes,
            ("bigint", "text", "text", "date", "text"),
        )


def _most_held(values: Iterable[object], shown: object = None) -> object | None:
    """The most common non-empty value; on a tie, `shown` (the value shown now) if it is
    among the tied, else the first seen (most recent record)."""
    counts: Counter[object] = Counter()
    first_seen: dict[object, int] = {}
    for position, value in enumerate(values):
        if value in (None, ""):
            continue
        counts[value] += 1
        first_seen.setdefault(value, position)
    if not counts:
        return None
    return max(counts, key=lambda v: (counts[v], v == shown, -first_seen[v]))
