"""`pathways extract research --for USERNAME --out DIR [--key-file FILE]`: the
pseudonymised research extract (sharing/research.py), for a user whose role may have it.
Audited."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.governance.research import write_research_extract
from pathways.partners.capabilities import RESEARCH_EXTRACT, has_capability


class Command(BaseCommand):
    help = "Write a pseudonymised research extract (people, events, referrals) for a researcher."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["research"])
        parser.add_argument("--out", type=Path, required=True, metavar="DIR")
        parser.add_argument(
            "--for",
            dest="username",
            required=True,
            metavar="USERNAME",
            help="the researcher it is for (their role must allow research extracts)",
        )
        parser.add_argument(
            "--key-file",
            type=Path,
            metavar="FILE",
            help="the extract key: the same key gives the same person ids; "
            "without it a fresh key makes ids no other extract shares",
        )
        parser.add_argument("--as-of", type=dt.date.fromisoformat, metavar="DATE")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if not has_capability(user, RESEARCH_EXTRACT):
            raise CommandError(
                f"{user.get_username()}'s role does not allow research extracts "
                "(research_extract capability)"
            )
        key = None
        if options["key_file"]:
            try:
                key = options["key_file"].read_bytes().strip()
            except OSError as error:
                raise CommandError(f"cannot read {options['key_file']}: {error.strerror}") from None
            if len(key) < 16:
                raise CommandError("the extract key must be at least 16 bytes")
        summary = write_research_extract(
            options["out"], requested_for=user, key=key, as_of=options["as_of"]
        )
        self.stdout.write(
            f"Written to {options['out']}: {summary.people} people, {summary.events} events, "
            f"{summary.referrals} referrals (key fingerprint {summary.fingerprint})."
        )
