"""`pathways init [--config DIR]`: migrate the database and load the partnership."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.setup.configuration import ConfigError, apply_config, load_config


class Command(BaseCommand):
    help = "Create or upgrade the database and load the partnership configuration."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--config",
            type=Path,
            default=None,
            help="configuration directory (default: config/glasgow/)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["config"] or settings.PATHWAYS_CONFIG_DIR
        try:
            config = load_config(Path(directory))
        except ConfigError as exc:
            raise CommandError(
                f"the configuration in {directory} has {len(exc.problems)} problem(s):\n{exc}"
            ) from exc
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        counts = apply_config(config)
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        self.stdout.write(f"Loaded {directory}: {summary}.")
