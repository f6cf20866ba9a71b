"""`pathways token create USERNAME`, `pathways token revoke TOKEN | --user USERNAME`."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.api.tokens import create_token, revoke_all, revoke_token


class Command(BaseCommand):
    help = "Create or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="print a new token for USERNAME")
        create.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke a token, or all of a user's")
        revoke.add_argument("token", nargs="?")
        revoke.add_argument("--user", dest="revoke_user")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = get_user_model().objects.filter(username=options["username"]).first()
            if user is None:
                raise CommandError(f"no user named {options['username']!r}")
            if not user.is_active:
                raise CommandError(f"user {options['username']!r} is not active")
            self.stdout.write(create_token(user))
            return
        if options["revoke_user"]:
            try:
                count = revoke_all(options["revoke_user"])
            except LookupError:
                raise CommandError(f"no user named {options['revoke_user']!r}") from None
            self.stderr.write(f"revoked {count} token(s) of {options['revoke_user']}")
            return
        if not options["token"]:
            raise CommandError("give a TOKEN to revoke, or --user USERNAME")
        if not revoke_token(options["token"]):
            raise CommandError("no live token matches")
        self.stderr.write("token revoked")
