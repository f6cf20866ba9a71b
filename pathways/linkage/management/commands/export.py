"""`pathways export persons [--out FILE]`: the interchange export of linkage (persons.csv)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.linkage.internals.export import write_persons_csv


class Command(BaseCommand):
    help = "Export persons.csv: which agency records belong to which person."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["persons"], help="what to export")
        parser.add_argument(
            "--out", type=Path, metavar="FILE", help="file to write (default: standard output)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path | None = options["out"]
        if out is None:
            # csv.writer writes whole lines, so the wrapper adds no line endings of its own.
            write_persons_csv(self.stdout)  # type: ignore[arg-type]
            return
        try:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = write_persons_csv(handle)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}") from None
        self.stderr.write(f"{count} record(s) written to {out}")
