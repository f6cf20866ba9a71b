"""`pathways serve`: Pathways under gunicorn with the background worker beside it
(pathways/web/serving.py says what it does; docs/deployment.md how to run it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.web.serving import ServeOptions, serve


class Command(BaseCommand):
    help = (
        "Serve Pathways with gunicorn (pathways/web/gunicorn_conf.py) and run the background "
        "worker beside it; SIGTERM or Ctrl-C stops both, SIGHUP reloads both."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", help="address:port or unix:PATH (default PATHWAYS_BIND or 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--workers", type=int, help="gunicorn processes (default 2 per core plus 1, at most 9)"
        )
        parser.add_argument("--threads", type=int, help="threads per process (default 4)")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not run the background worker (run `pathways worker` yourself)",
        )
        collect = parser.add_mutually_exclusive_group()
        collect.add_argument(
            "--collectstatic",
            action="store_true",
            default=None,
            help="collect static files first (the default in production)",
        )
        collect.add_argument(
            "--no-collectstatic",
            dest="collectstatic",
            action="store_false",
            help="do not collect static files (they were collected at the upgrade)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for name in ("workers", "threads"):
            if options[name] is not None and options[name] < 1:
                raise CommandError(f"--{name} must be at least 1")
        status = serve(
            ServeOptions(
                bind=options["bind"],
                workers=options["workers"],
                threads=options["threads"],
                background_worker=not options["no_worker"],
                collectstatic=options["collectstatic"],
            ),
            self.stdout,
        )
        if status:
            raise SystemExit(status)
