"""`pathways identify [--as-of DATE] [--full]`: run the identification rules (rules.toml)
and bring the candidate queue up to date."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pathways.identification.runs import identify


class Command(BaseCommand):
    help = "Find the people each service is for and update the candidate queue."
    # A batch job: the system checks (which load every view and the API schema) are
    # `pathways check`'s work, not a second of every run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            metavar="DATE",
            help="the run date (default: today): ages, windows and exclusions count from it",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="look at everyone, not only people with events new since the last run",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        err = Console(stderr=True)
        started = time.perf_counter()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=not err.is_terminal,
        ) as progress:
            task = progress.add_task("identify: running the rules", total=None)

            def report(stage: str, done: int, total: int) -> None:
                progress.update(task, description=f"identify: {stage}", completed=done, total=total)

            run = identify(
                options["as_of"] or timezone.localdate(), full=options["full"], progress=report
            )
        looked_at = "everyone" if run.scope == "full" else f"{run.people_evaluated} people"
        self.stdout.write(
            f"identify ({run.scope}, as of {run.as_of}): looked at {looked_at}; "
            f"{run.found} fit a rule; {run.created} new candidate(s), {run.updated} updated, "
            f"{run.lapsed} lapsed; {time.perf_counter() - started:.1f} s"
        )
