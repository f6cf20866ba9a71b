"""`pathways token create USERNAME`; `pathways token revoke TOKEN`;
`pathways token revoke --user USERNAME` (all of that user's tokens)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.api.tokens import create_token, revoke_all, revoke_token


def _user(username: str) -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user named {username!r}")
    return user


class Command(BaseCommand):
    help = "Create or revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser(
            "create", help="print a new token for USERNAME (and nothing else on stdout)"
        )
        create.add_argument("username")
        revoke = actions.add_parser("revoke", help="revoke TOKEN, or all of a user's with --user")
        revoke.add_argument("token", nargs="?")
        revoke.add_argument("--user", dest="revoke_user", metavar="USERNAME")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = _user(options["username"])
            if not user.is_active:
                raise CommandError(f"user {options['username']!r} is not active")
            # Only the token on standard output, so scripts can capture it.
            self.stdout.write(create_token(user))
            return
        token, username = options["token"], options["revoke_user"]
        if bool(token) == bool(username):
            raise CommandError("give either a TOKEN to revoke or --user USERNAME")
        if username:
            count = revoke_all(_user(username))
            self.stderr.write(f"revoked {count} token(s) of {username}")
            return
        if not revoke_token(token):
            raise CommandError("no live token matches (unknown, or already revoked)")
        self.stderr.write("token revoked")
