"""`pathways export persons|duplicates [--agency CODE] [--out FILE]`: linkage's
interchange exports (INTERCHANGE.md "Exports"): persons.csv, and an agency's own records
that Pathways holds to be one person."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.linkage.internals.duplicates import (
    UnknownAgency,
    agency_named,
    write_duplicates_csv,
)
from pathways.linkage.internals.export import write_persons_csv


class Command(BaseCommand):
    help = (
        "Export persons.csv (which agency records belong to which person), or an agency's "
        "duplicates (its records that are one person: --agency CODE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["persons", "duplicates"], help="what to export")
        parser.add_argument(
            "--agency", metavar="CODE", help="the agency whose duplicates (for duplicates)"
        )
        parser.add_argument(
            "--out", type=Path, metavar="FILE", help="file to write (default: standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        write: Callable[[TextIO], int]
        code: str | None = options["agency"]
        if options["what"] == "persons":
            if code is not None:
                raise CommandError("--agency is for duplicates: persons.csv holds every agency")
            write, counted = write_persons_csv, "record(s)"
        else:
            if code is None:
                raise CommandError("duplicates needs --agency CODE: whose duplicates to export")
            try:
                agency = agency_named(code).code
            except UnknownAgency as error:
                raise CommandError(str(error)) from None
            write, counted = partial(write_duplicates_csv, agency=agency), "duplicate(s)"
        out: Path | None = options["out"]
        if out is None:
            # csv.writer writes whole lines, so the wrapper adds no line endings of its own.
            write(self.stdout)  # type: ignore[arg-type]
            return
        try:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = write(handle)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}") from None
        self.stderr.write(f"{count} {counted} written to {out}")
