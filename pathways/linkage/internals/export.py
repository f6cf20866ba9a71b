"""`persons.csv` (INTERCHANGE.md "Exports"): which agency records belong to which person.

An interchange export, read by programs: values are written exactly as stored, never
neutralised for spreadsheets.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, TextIO

from pathways.people.models import AgencyRecord

COLUMNS = ("person_id", "agency", "person_ref", "link_confidence", "link_method")
# Rows fetched from the database at a time: memory stays flat whatever the table size.
CHUNK_SIZE = 10_000


def format_confidence(value: float) -> str:
    """A confidence as the shortest text that reads back to the same number; 1.0 is `1`."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def iter_persons_rows() -> Iterator[dict[str, Any]]:
    """Every agency record as a dict of COLUMNS, ordered by person_id, agency, person_ref.

    Streamed from the database in chunks; the table is never loaded whole.
    """
    rows = AgencyRecord.objects.order_by("person_id", "agency_id", "person_ref").values_list(
        "person_id", "agency_id", "person_ref", "link_confidence", "link_method"
    )
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        yield dict(zip(COLUMNS, row, strict=True))


def write_persons_csv(handle: TextIO) -> int:
    """Write persons.csv (header and rows) to `handle`; the number of rows written."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in iter_persons_rows():
        writer.writerow(
            [
                row["person_id"],
                row["agency"],
                row["person_ref"],
                format_confidence(row["link_confidence"]),
                row["link_method"],
            ]
        )
        count += 1
    return count
