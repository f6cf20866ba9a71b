"""`pathways import people|events|referrals FILE... [--quarantine OUT.csv] [--defer-linking]`.

Thin: `feeds.runner.import_files` imports the files and does what follows an import
(`feeds.after_import`); this command shows progress and prints the counts."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from pathways.feeds.runner import (
    KINDS,
    QuarantineUnwritable,
    import_files,
    open_quarantine,
    write_quarantine,
)

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
        quarantine = None
        if options["quarantine"]:
            # Before importing: a quarantine that cannot be written stops the run whole.
            try:
                quarantine = open_quarantine(options["quarantine"])
            except QuarantineUnwritable as error:
                raise CommandError(str(error), returncode=2) from None
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=err,
            transient=not err.is_terminal,
        ) as progress:

            def progress_for(path: Path) -> Any:
                task = progress.add_task(f"{kind} {path.name}: checking", total=1)

                def report(done: int, total: int, phase: str) -> None:
                    progress.update(
                        task,
                        completed=done,
                        total=max(total, 1),
                        description=f"{kind} {path.name}: {phase}",
                    )

                return report

            outcome = import_files(
                kind,
                options["files"],
                operator=_operator(),
                progress_for=progress_for,
                announce=lambda step: progress.add_task(step, total=None),
                defer_linking=options["defer_linking"],
            )
        for reason in outcome.refused:
            err.print(f"[red]refused:[/red] {reason}")
        totals = {
            "read": outcome.total("rows_read"),
            **{name: outcome.total(name) for name in SUMMARY[1:]},
        }
        for name in SUMMARY:
            self.stdout.write(f"{name}: {totals[name]}")
        run = outcome.after.identified
        if run is not None:
            # Standard error: standard output is the import's `name: count` summary.
            err.print(
                f"identify ({run.scope}): {run.created} new candidate(s), {run.updated} "
                f"updated, {run.lapsed} lapsed"
            )
        if quarantine is not None:
            try:
                written = write_quarantine(outcome.runs, quarantine)
            except OSError as error:
                # The import is done and its rejected rows are kept with its runs.
                raise CommandError(
                    f"the files were imported, but writing the quarantine file "
                    f"{options['quarantine']} failed ({error.strerror or error}); the rejected "
                    "rows are kept with the import runs",
                    returncode=2,
                ) from None
            err.print(f"{written} rejected row(s) written to {options['quarantine']}")
        if totals["rejected"]:
            for done in outcome.runs:
                for rejected in done.rejected_rows.order_by("line")[:5]:
                    err.print(
                        f"  {Path(done.file_name).name} line {rejected.line}: {rejected.reason}"
                    )
            if totals["rejected"] > 5:
                err.print(f"  … {totals['rejected']} rejected in all (see --quarantine)")
        if outcome.refused:
            raise CommandError(f"{len(outcome.refused)} file(s) refused whole", returncode=2)
        if totals["rejected"]:
            sys.exit(1)


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
