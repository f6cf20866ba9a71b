"""Files the pages offer for download: the rejected rows of an import run as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from pathways.events.imports.quarantine import LEADING, quarantine_columns, quarantine_rows
from pathways.events.models import ImportRun


class _Line:
    """A file-like object whose `write` hands back the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def rejected_rows_csv(run: ImportRun) -> Iterator[str]:
    """The run's rejected rows as CSV lines, as `pathways import --quarantine` writes them."""
    writer = csv.writer(_Line())
    columns = quarantine_columns([run])
    yield writer.writerow([*LEADING, *columns])
    for row in quarantine_rows(run, columns):
        yield writer.writerow(row)
