"""Files the pages offer for download: the rejected rows of an import run as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import PurePath

from pathways.events.imports.events import EventsSpec
from pathways.events.imports.people import PeopleSpec
from pathways.events.imports.referrals import ReferralsSpec
from pathways.events.models import ImportRun, RejectedRow
from pathways.events.spreadsheet import neutralise

FORMAT_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": PeopleSpec.columns,
    "events": EventsSpec.columns,
    "referrals": ReferralsSpec.columns,
}


class _Line:
    """A file-like object whose `write` hands back the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def rejected_rows_csv(run: ImportRun) -> Iterator[str]:
    """The run's rejected rows as CSV lines in the `pathways import --quarantine` format:
    file, line, column, reason, then the row's own columns (INTERCHANGE.md).

    Text a spreadsheet would run as a formula is neutralised.
    """
    rows = run.rejected_rows.order_by("line", "id")
    columns = FORMAT_COLUMNS.get(run.kind)
    if columns is None:
        first = rows.first()
        columns = tuple(first.row) if first is not None and isinstance(first.row, dict) else ()
    return _lines(PurePath(run.file_name).name, rows.iterator(chunk_size=2000), columns)


def _lines(
    file_name: str, rejected_rows: Iterator[RejectedRow], columns: tuple[str, ...]
) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(["file", "line", "column", "reason", *columns])
    for rejected in rejected_rows:
        row = rejected.row if isinstance(rejected.row, dict) else {}
        yield writer.writerow(
            [neutralise(v) for v in (file_name, rejected.line, rejected.column, rejected.reason)]
            + [neutralise(row.get(column, "")) for column in columns]
        )
