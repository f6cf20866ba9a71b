"""Term frequencies of the compared fields, kept current as records arrive and change.

The model weighs agreement on a common value (Smith, a hostel's postcode) less than on a
rare one; Splink works the frequencies out from the whole table on a full run. Matching
records as they land needs them without reading every record, so they are counted in
`LinkFrequency` as records are linked and moved. The frequency of a value is the
records holding it over the records holding any value of the field, as Splink has it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from pathways.linkage.internals.bulk_sql import add_to_counts, rows_matching_each
from pathways.linkage.models import LinkFrequency

# The prepared columns whose exact agreement the model adjusts for frequency.
FIELDS = ("given", "family", "postcode", "address")
# The row counting every record that holds some value of a field.
ANY_VALUE = ""
# Below this many records holding a field, shares are noise (in a partnership of two
# records every name is held by half of them): the model's trained average stands.
MIN_RECORDS = 1_000


def count_changes(
    added: Iterable[Mapping[str, str | None]], removed: Iterable[Mapping[str, str | None]] = ()
) -> dict[tuple[str, str], int]:
    """The changes to make to the counts when the prepared rows `added` come in and
    `removed` go out: (field, value) -> change, including each field's total."""
    changes: Counter[tuple[str, str]] = Counter()
    for rows, sign in ((added, 1), (removed, -1)):
        for row in rows:
            for field in FIELDS:
                value = row.get(field)
                if value:
                    changes[(field, value)] += sign
                    changes[(field, ANY_VALUE)] += sign
    return {key: n for key, n in changes.items() if n}


def apply_changes(changes: Mapping[tuple[str, str], int]) -> None:
    """Add `changes` (from `count_changes`) to the stored counts."""
    add_to_counts(
        LinkFrequency._meta.db_table,
        ("field", "value"),
        "records",
        [(field, value, n) for (field, value), n in changes.items()],
        ("text", "text", "integer"),
    )


def frequencies(
    values: Mapping[str, Iterable[str]], pending: Mapping[tuple[str, str], int] | None = None
) -> dict[str, dict[str, float]]:
    """The frequency (0 to 1) of each value asked for, by field: {field: {value: share}},
    counting `pending` changes (from `count_changes`) not written yet as if they were.
    A value no record holds, or any value of a field fewer than MIN_RECORDS records
    hold, has none: the model then makes no adjustment."""
    wanted = {field: sorted(set(v for v in values.get(field, ()) if v)) for field in FIELDS}
    asked = [(field, value) for field, vs in wanted.items() if vs for value in [ANY_VALUE, *vs]]
    counts: dict[tuple[str, str], int] = {
        (field, value): records
        for field, value, records in rows_matching_each(
            LinkFrequency._meta.db_table,
            ("field", "value", "records"),
            ("field", "value"),
            asked,
            ("text", "text"),
        )
    }
    for key, change in (pending or {}).items():
        counts[key] = counts.get(key, 0) + change
    found: dict[str, dict[str, float]] = {field: {} for field in FIELDS}
    for field, field_values in wanted.items():
        total = counts.get((field, ANY_VALUE), 0)
        for value in field_values:
            held = counts.get((field, value), 0)
            if total >= MIN_RECORDS and held > 0:
                found[field][value] = held / total
    return found
