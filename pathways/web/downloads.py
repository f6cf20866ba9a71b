"""Files the pages offer for download: the rejected rows of an import run, and a person's
chronology, as CSV safe to open in a spreadsheet; rows the door gives as they are
(an agency's duplicates, the same as `pathways export duplicates`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence

from django.db.models import QuerySet

from pathways.events.models import Event
from pathways.feeds.models import ImportRun
from pathways.feeds.quarantine import LEADING, quarantine_columns, quarantine_rows
from pathways.spreadsheet import neutralise


class _Line:
    """A file-like object whose `write` hands back the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[str]:
    """A header and `rows` as CSV lines, values as given (an interchange file, as the
    command line writes it)."""
    writer = csv.writer(_Line(), lineterminator="\n")
    yield writer.writerow(columns)
    for row in rows:
        yield writer.writerow(row)


def rejected_rows_csv(run: ImportRun) -> Iterator[str]:
    """The run's rejected rows as CSV lines, as `pathways import --quarantine` writes them."""
    writer = csv.writer(_Line())
    columns = quarantine_columns([run])
    yield writer.writerow([*LEADING, *columns])
    for row in quarantine_rows(run, columns):
        yield writer.writerow(row)


CHRONOLOGY_COLUMNS = (
    "agency", "event_ref", "kind", "occurred_at", "crime_group", "category", "area", "flags",
    "disposal", "offence_date",
)  # fmt: skip


def chronology_csv(events: QuerySet[Event]) -> Iterator[str]:
    """The events (already filtered by the sharing policy) as CSV lines, newest first;
    text that a spreadsheet would run as a formula is neutralised."""
    writer = csv.writer(_Line())
    yield writer.writerow(CHRONOLOGY_COLUMNS)
    for event in events.iterator(chunk_size=2_000):
        yield writer.writerow(
            [
                neutralise(value)
                for value in (
                    event.agency_id,
                    event.event_ref,
                    event.kind,
                    event.occurred_at.isoformat(),
                    event.crime_group,
                    event.category,
                    event.area_id or "",
                    event.flags,
                    event.disposal,
                    event.offence_date.isoformat() if event.offence_date else "",
                )
            ]
        )
