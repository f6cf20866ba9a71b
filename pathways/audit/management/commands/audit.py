"""`pathways audit verify`: recompute the access audit's hash chain and name the first row
that was altered or removed. Exit status 0 when intact, 1 when not."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pathways.audit.chain import verify_chain
from pathways.audit.models import AccessEvent


class Command(BaseCommand):
    help = "Check that the access audit has not been altered (pathways audit verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["verify"], help="verify: recompute the hash chain")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        total = AccessEvent.objects.count()
        with Progress(
            TextColumn("checking the access audit"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("verify", total=total)
            report = verify_chain(lambda done: progress.update(task, completed=done))
        if report.ok:
            self.stdout.write(f"The access audit is intact: {report.checked} event(s) checked.")
            return
        self.stderr.write(
            f"The access audit has been tampered with: {report.problem}. "
            f"{report.checked} event(s) before it are intact."
        )
        sys.exit(1)
