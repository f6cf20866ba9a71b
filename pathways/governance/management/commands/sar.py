"""`pathways sar PERSON_ID --out DIR`: everything held about a person, with the access log
about them, as JSON and PDF (a subject access request). Audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.governance.subject_access import PersonNotFound, write_subject_access


class Command(BaseCommand):
    help = "Answer a subject access request: JSON and PDF of everything held about a person."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person_id", type=int, help="the person's Pathways id")
        parser.add_argument("--out", type=Path, required=True, metavar="DIR")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            files = write_subject_access(options["person_id"], options["out"])
        except PersonNotFound as error:
            raise CommandError(str(error)) from None
        except OSError as error:
            raise CommandError(f"cannot write to {options['out']}: {error.strerror}") from None
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in files.counts.items())
        self.stdout.write(f"Written {files.json_path} and {files.pdf_path}: {counts}.")
