"""`pathways synth --people N [--seed S] [--out DIR]`: a synthetic partnership.

With `--out`, writes people.csv, events.csv, referrals.csv, truth.csv and the six
casework files there;
without, loads them straight in through the same importers an agency's files use.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.synth.parameters import DEFAULT_AS_OF
from pathways.synth.population import generate
from pathways.synth.writer import CASEWORK_FILES, write_csvs


class Command(BaseCommand):
    help = "Generate a deterministic synthetic partnership, as CSV files or loaded in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, required=True, help="number of people")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, help="write CSV files here instead of loading")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=DEFAULT_AS_OF,
            metavar="DATE",
            help=f"nothing happens after this day (default {DEFAULT_AS_OF}: the same data "
            "every time)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["people"] < 1:
            raise CommandError("--people must be at least 1")
        started = time.perf_counter()
        data = generate(options["people"], seed=options["seed"], as_of=options["as_of"])
        if options["out"]:
            options["out"].mkdir(parents=True, exist_ok=True)
            files = write_csvs(data, options["out"])
            for name, path in files.items():
                self.stdout.write(f"{name}: {path}")
            self.stdout.write(f"written in {time.perf_counter() - started:.1f} s")
            return
        with tempfile.TemporaryDirectory(prefix="pathways-synth-") as tmp:
            files = write_csvs(data, Path(tmp))
            self.stderr.write(
                f"generated {options['people']:,} people in {time.perf_counter() - started:.1f} s; "
                "loading them…"
            )
            for kind in ("people", "events", "referrals", *CASEWORK_FILES):
                self.stderr.write(f"importing {kind}")
                call_command("import", kind, str(files[kind]), stdout=self.stdout)
