"""`persons.csv` (INTERCHANGE.md): which agency records belong to which person."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO

from pathways.people.models import AgencyRecord

COLUMNS = ("person_id", "agency", "person_ref", "link_confidence", "link_method")


def iter_persons_rows() -> Iterator[tuple[object, ...]]:
    """Every agency record as (person_id, agency, person_ref, confidence, method), streamed."""
    rows = AgencyRecord.objects.order_by("person_id", "agency_id", "person_ref").values_list(
        "person_id", "agency_id", "person_ref", "link_confidence", "link_method"
    )
    yield from rows.iterator(chunk_size=10_000)


def write_persons_csv(handle: TextIO) -> int:
    """Write persons.csv to `handle`, values exactly as stored; the number of rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for person_id, agency, ref, confidence, method in iter_persons_rows():
        writer.writerow([person_id, agency, ref, f"{confidence:g}", method])
        count += 1
    return count
