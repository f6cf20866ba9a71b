"""`pathways demo [--people N]`: everything `make demo` needs before serving.

Runs `init`, loads a synthetic partnership when the database holds no one yet, and
creates one demo user per role, then prints how to log in.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from pathways.setup.demo_casework import seed_casework
from pathways.setup.demo_pathway import holds_people, seed_pathway
from pathways.setup.demo_users import DEMO_PASSWORD, create_demo_users, read_demo_users


class Command(BaseCommand):
    help = "Prepare the demo: configuration, a synthetic partnership and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("init", stdout=self.stdout, stderr=self.stderr)
        if not holds_people():
            call_command(
                "synth",
                people=options["people"],
                seed=options["seed"],
                # Up to today, so the identification rules (recency counted from
                # today) find people and the demo's pathway has candidates to take.
                as_of=timezone.localdate(),
                stdout=self.stdout,
                stderr=self.stderr,
            )
        else:
            self.stdout.write("The database already holds people: synthetic data not reloaded.")
        users = read_demo_users(settings.PATHWAYS_CONFIG_DIR)
        create_demo_users(users)
        seeded = seed_pathway()
        if seeded:
            self.stdout.write(
                "Demo pathway: " + ", ".join(f"{n} {stage}" for stage, n in seeded.items()) + "."
            )
        casework = seed_casework()
        if casework:
            self.stdout.write(
                "Demo casework: " + ", ".join(f"{n} {what}" for what, n in casework.items()) + "."
            )
        table = Table(title="Demo users (one per role)")
        table.add_column("username")
        table.add_column("role")
        table.add_column("team")
        for user in users:
            table.add_row(user.username, user.role, user.team)
        buffer = io.StringIO()
        console = Console(file=buffer, width=100, force_terminal=self.stdout.isatty())
        console.print(table)
        console.print(f"Password for every demo user: [bold]{DEMO_PASSWORD}[/bold]")
        console.print(f"Pathways will be at [bold]{options['url']}[/bold]")
        self.stdout.write(buffer.getvalue(), ending="")
