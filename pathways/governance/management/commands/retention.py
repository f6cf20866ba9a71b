"""`pathways retention --dry-run|--apply [--as-of DATE]`: what has passed its retention
period (retention.toml), and with --apply remove or anonymise it, audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.table import Table

from pathways.governance.retention import run_retention


class Command(BaseCommand):
    help = "Remove or anonymise person data kept longer than retention.toml allows."

    def add_arguments(self, parser: CommandParser) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--dry-run", action="store_true", help="count, change nothing")
        mode.add_argument("--apply", action="store_true", help="remove and anonymise")
        parser.add_argument("--as-of", type=dt.date.fromisoformat, metavar="DATE")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, width=100)  # type: ignore[arg-type]
        with console.status("applying retention periods" if options["apply"] else "counting"):
            steps = run_retention(apply=options["apply"], as_of=options["as_of"])
        verb = "Done" if options["apply"] else "Would be done (dry run: nothing changed)"
        table = Table(title=verb)
        table.add_column("data")
        table.add_column("kept for", justify="right")
        table.add_column("what")
        table.add_column("rows", justify="right")
        for step in steps:
            table.add_row(step.code, f"{step.days} days", step.what, str(step.count))
        console.print(table)
