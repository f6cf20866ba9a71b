"""What the pages keep of their own: failed sign-ins, for throttling."""

from __future__ import annotations

from django.db import models


class FailedSignIn(models.Model):
    """One failed attempt to sign in (web/signin.py counts them to slow guessing)."""

    username = models.CharField(max_length=150, db_index=True)
    client_address = models.CharField(max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.client_address or '?'} at {self.at:%Y-%m-%d %H:%M}"
