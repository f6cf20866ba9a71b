"""`pathways link [--full]`: match the records never matched, or re-link everyone.

Imports match records as they land; `pathways link` matches any left over (records
imported before linkage was switched on, or by an import that was stopped). `--full`
re-trains the model on every record and re-links them all, keeping every decision a
person made in the review queue.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from pathways.audit.log import operator_name
from pathways.linkage.internals.matching import link_new_records, pending_record_ids
from pathways.linkage.internals.relinking import relink_everyone
from pathways.linkage.internals.runs import recorded_run
from pathways.linkage.models import LinkRun


class Command(BaseCommand):
    help = "Link agency records into people: those never matched, or (--full) everyone."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="re-train the model and re-link every record (reviewed decisions are kept)",
        )
        parser.add_argument(
            "--no-training",
            action="store_true",
            help="with --full: re-link with the model in force, without re-training it",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        err = Console(stderr=True)
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=not err.is_terminal,
        ) as progress:
            if options["full"]:
                task = progress.add_task("link: reading the records", total=None)
                with recorded_run(LinkRun.Kind.FULL, operator_name()) as record:

                    def report(stage: str, done: int, total: int) -> None:
                        progress.update(
                            task, description=f"link: {stage}", completed=done, total=total or None
                        )
                        record(stage, done, total)

                    outcome = relink_everyone(
                        train_model=not options["no_training"], progress=report
                    )
                    record.summary = outcome  # type: ignore[attr-defined]
                trained = (
                    "model re-trained"
                    if outcome.trained
                    else "too few records to train on: the model in force was used"
                    if not options["no_training"]
                    else "the model in force was used"
                )
                self.stdout.write(
                    f"link --full: {outcome.records:,} records; {trained}; "
                    f"{outcome.pairs:,} pairs scored; people {outcome.people_before:,} -> "
                    f"{outcome.people_after:,}; {outcome.records_moved:,} records moved; "
                    f"{outcome.to_review:,} pairs for review; {outcome.seconds:.1f} s"
                )
                if outcome.decisions:
                    self.stdout.write(
                        f"the model alone agrees with {outcome.decisions_agreed:,} of the "
                        f"{outcome.decisions:,} decisions people made (they are kept either way)"
                    )
                return
            pending = pending_record_ids()
            task = progress.add_task("link: matching new records", total=len(pending))
            with recorded_run(LinkRun.Kind.MATCH, operator_name()) as record:
                done = 0

                def advance(n: int) -> None:
                    nonlocal done
                    done += n
                    progress.advance(task, n)
                    record("matching new records", done, len(pending))

                matched = link_new_records(pending, progress=advance)
                record.summary = matched  # type: ignore[attr-defined]
        self.stdout.write(
            f"link: {matched.records:,} records matched; {matched.linked:,} joined to a "
            f"person; {matched.to_review:,} pairs for review; {matched.pairs_scored:,} pairs scored"
        )
