"""`pathways export persons [--out FILE]`: the interchange export of linkage."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pathways.people.export import write_persons_csv


class Command(BaseCommand):
    help = "Export persons.csv: which agency records belong to which person."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["persons"])
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["out"]:
            with options["out"].open("w", encoding="utf-8", newline="") as handle:
                count = write_persons_csv(handle)
            self.stderr.write(f"{count} record(s) written to {options['out']}")
        else:
            write_persons_csv(sys.stdout)
