"""`pathways import people|events|referrals FILE... [--quarantine OUT.csv]`."""

from __future__ import annotations

import getpass
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from pathways.feeds.csvfile import FileRefused
from pathways.feeds.models import ImportRun
from pathways.feeds.runner import KINDS, import_file, write_quarantine
from pathways.feeds.tasks import alert_on_new_events
from pathways.identification.runs import identify
from pathways.linkage.internals.matching import matching_deferred

SUMMARY = ("read", "created", "updated", "unchanged", "rejected")


class Command(BaseCommand):
    help = "Import agency extracts in the interchange formats (INTERCHANGE.md)."
    # A batch job: the system checks (which load every view and the API schema) are
    # `pathways check`'s work, not a second of every run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--quarantine", type=Path, help="write rejected rows, with line and reason, here"
        )
        parser.add_argument(
            "--defer-linking",
            action="store_true",
            help="people: store the records unmatched, for `pathways link --full` to link "
            "after (a first load of a whole partnership)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind: str = options["kind"]
        err = Console(stderr=True)
        runs: list[ImportRun] = []
        refused: list[str] = []
        deferred = matching_deferred() if options["defer_linking"] else nullcontext()
        with (
            deferred,
            Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=err,
                transient=not err.is_terminal,
            ) as progress,
        ):
            for path in options["files"]:
                task = progress.add_task(f"{kind} {path.name}: checking", total=1)

                def report(
                    done: int, total: int, phase: str, task: Any = task, name: str = path.name
                ) -> None:
                    progress.update(
                        task,
                        completed=done,
                        total=max(total, 1),
                        description=f"{kind} {name}: {phase}",
                    )

                try:
                    runs.append(import_file(kind, path, operator=_operator(), progress=report))
                except FileRefused as exc:
                    refused.append(str(exc))
                    err.print(f"[red]refused:[/red] {exc}")
        totals = {name: 0 for name in SUMMARY}
        for run in runs:
            totals["read"] += run.rows_read
            totals["created"] += run.created
            totals["updated"] += run.updated
            totals["unchanged"] += run.unchanged
            totals["rejected"] += run.rejected
        for name in SUMMARY:
            self.stdout.write(f"{name}: {totals[name]}")
        if kind == "events" and totals["created"]:
            # Alerts are the background worker's: the import does not wait for them.
            alert_on_new_events.enqueue()
        if kind in ("events", "referrals") and (totals["created"] or totals["updated"]):
            # New events: only their people change. Referral history changes who is
            # excluded, for people with no new event: everyone is looked at again.
            self._identify(err, full=kind == "referrals")
        if options["quarantine"]:
            written = write_quarantine(runs, options["quarantine"])
            err.print(f"{written} rejected row(s) written to {options['quarantine']}")
        if totals["rejected"]:
            for run in runs:
                for rejected in run.rejected_rows.order_by("line")[:5]:
                    err.print(
                        f"  {Path(run.file_name).name} line {rejected.line}: {rejected.reason}"
                    )
            if totals["rejected"] > 5:
                err.print(f"  … {totals['rejected']} rejected in all (see --quarantine)")
        if refused:
            raise CommandError(f"{len(refused)} file(s) refused whole", returncode=2)
        if totals["rejected"]:
            sys.exit(1)

    def _identify(self, err: Console, *, full: bool) -> None:
        """Identification, the import's last step (identification/runs.py)."""
        if not settings.PATHWAYS_IDENTIFY_AFTER_IMPORT:
            return
        with err.status("identify: running the rules"):
            run = identify(timezone.localdate(), full=full)
        # Standard error: standard output is the import's `name: count` summary.
        err.print(
            f"identify ({run.scope}): {run.created} new candidate(s), {run.updated} updated, "
            f"{run.lapsed} lapsed"
        )


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
