"""`pathways restore DIR`: put a backup made by `pathways backup` back into the configured
database (an empty one) and MEDIA_ROOT, then count every table against the backup's
manifest and verify the access audit (docs/backups.md). Exit status 0 when everything
came back as it was backed up, 1 with the reason when it was refused or did not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from rich.console import Console
from rich.table import Table

from pathways.governance.backups import BackupError, RestoreReport, main_tables, restore_backup

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Restore a backup made by `pathways backup` into an empty database (docs/backups.md)."

    # The web part's checks (URLs, security settings) must not stand between an
    # operator and a backup or a restore.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, metavar="DIR", help="the backup's folder")
        parser.add_argument(
            "--replace-existing",
            action="store_true",
            help="the configured database already holds data: replace it with the backup's "
            "(everything in it now is lost), and overwrite uploaded files of the same names",
        )
        parser.add_argument(
            "--accept-different-audit-key",
            action="store_true",
            help="restore although the configured audit key is not the one the backup's "
            "access audit was chained with (the restored audit then cannot be verified)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, width=100)  # type: ignore[arg-type]
        try:
            with progress_bar(Console(stderr=True)) as tell:
                report = restore_backup(
                    options["folder"],
                    replace_existing=options["replace_existing"],
                    accept_different_audit_key=options["accept_different_audit_key"],
                    progress=tell,
                )
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"the database (DATABASE_URL): {error}") from error
        except OSError as error:  # a disk full, a folder not writable: said, not a traceback
            raise CommandError(str(error)) from error
        self._show(console, report)
        if not report.ok:
            raise CommandError(
                "the restored database is not the one backed up (see above): do not use it"
            )

    def _show(self, console: Console, report: RestoreReport) -> None:
        manifest = report.backup.manifest
        table = Table(title=f"Restored the backup made {manifest['made_at']}")
        table.add_column("table")
        table.add_column("in the backup", justify="right")
        table.add_column("restored", justify="right")
        table.add_column("")
        differing = report.differing_counts
        for label, name in main_tables():
            expected, now = manifest["counts"].get(name), report.counts.get(name)
            table.add_row(
                label,
                "-" if expected is None else f"{expected:,}",
                "missing" if now is None else f"{now:,}",
                "DIFFERS" if name in differing else "same",
            )
        console.print(table)
        shown = {name for _label, name in main_tables()}
        others = [t for t in manifest["counts"] if t not in shown]
        if not any(t in differing for t in others):
            console.print(f"The other {len(others)} tables: the same counts as in the backup.")
        for name in others:
            if name in differing:
                expected, now = differing[name]
                console.print(f"DIFFERS: {name}: {expected:,} in the backup, {now} restored")
        console.print(f"{report.uploads_restored:,} uploaded file(s) restored, each checked.")
        if report.uploads_left:
            console.print(
                f"{len(report.uploads_left):,} file(s) already in MEDIA_ROOT that the "
                "backup does not hold were left in place."
            )
        if not report.audit_tail_matches:
            console.print("The access audit's last row is not the backup's last row.")
        if report.audit.ok:
            console.print(f"The access audit is intact: {report.audit.checked:,} event(s) checked.")
        elif report.key_differs:
            console.print(
                f"The access audit cannot be verified with the audit key configured "
                f"here (a different key was accepted): {report.audit.problem}."
            )
        else:
            console.print(f"The access audit does not verify: {report.audit.problem}.")
        if report.migrations_to_apply:
            console.print(
                f"The backup is of an earlier version: run `pathways migrate` "
                f"({len(report.migrations_to_apply)} migration(s) to apply)."
            )
