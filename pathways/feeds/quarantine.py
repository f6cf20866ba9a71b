"""Rejected rows as a quarantine CSV (INTERCHANGE.md): file, line, column, reason, then
the row's own columns. Used by `pathways import --quarantine` and the import-run page.

Text a spreadsheet would run as a formula is neutralised: a person opens this file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import PurePath

from pathways.feeds.formats import EVENT_COLUMNS, PEOPLE_COLUMNS, REFERRAL_COLUMNS
from pathways.feeds.models import ImportRun
from pathways.spreadsheet import neutralise

FORMAT_COLUMNS = {"people": PEOPLE_COLUMNS, "events": EVENT_COLUMNS, "referrals": REFERRAL_COLUMNS}
LEADING = ("file", "line", "column", "reason")


def quarantine_columns(runs: Iterable[ImportRun]) -> list[str]:
    """The row columns for the formats of `runs`, each once, in format order."""
    columns: list[str] = []
    for run in runs:
        for column in FORMAT_COLUMNS.get(run.kind, ()):
            if column not in columns:
                columns.append(column)
    return columns


def quarantine_rows(run: ImportRun, columns: list[str]) -> Iterator[list[object]]:
    """One CSV row (without header) per rejected row of `run`, in line order."""
    name = PurePath(run.file_name).name
    for rejected in run.rejected_rows.order_by("line", "id").iterator(chunk_size=2000):
        row = rejected.row if isinstance(rejected.row, dict) else {}
        yield [neutralise(v) for v in (name, rejected.line, rejected.column, rejected.reason)] + [
            neutralise(row.get(column, "")) for column in columns
        ]
