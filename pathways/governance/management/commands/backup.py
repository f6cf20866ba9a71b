"""`pathways backup --out DIR`: the database and the uploaded files into a new folder,
with a manifest of counts and checksums (docs/backups.md). Exit status 0 when written,
1 with the reason when not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from rich.console import Console
from rich.table import Table

from pathways.governance.backups import BackupError, main_tables, make_backup

from ._progress import progress_bar


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a new folder (docs/backups.md)."

    # The web part's checks (URLs, security settings) must not stand between an
    # operator and a backup or a restore.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, required=True, metavar="DIR",
            help="a new (or empty) folder to write the backup into",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout, width=100)  # type: ignore[arg-type]
        try:
            with progress_bar(Console(stderr=True)) as tell:
                backup = make_backup(options["out"], progress=tell)
        except BackupError as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(f"the database (DATABASE_URL): {error}") from error
        except OSError as error:  # a disk full, a folder not writable: said, not a traceback
            raise CommandError(str(error)) from error
        manifest = backup.manifest
        table = Table(title=f"Backed up to {backup.folder}")
        table.add_column("table")
        table.add_column("rows", justify="right")
        for label, name in main_tables():
            table.add_row(label, f"{manifest['counts'].get(name, 0):,}")
        console.print(table)
        console.print(
            f"{manifest['database']['vendor']} database, {manifest['uploads']:,} uploaded "
            f"file(s), {backup.total_bytes:,} bytes in all; audit key fingerprint "
            f"{manifest['audit_key_fingerprint']}. Keep it off this host, encrypted."
        )
