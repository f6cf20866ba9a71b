"""The access log: every look at a person, allowed or refused."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AccessLog(models.Model):
    class Outcome(models.TextChoices):
        ALLOWED = "allowed"
        REFUSED = "refused"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True)
    # Not a foreign key: a refused look at a person who does not exist is logged too.
    person_id = models.BigIntegerField(null=True, db_index=True)
    action = models.CharField(max_length=64)  # e.g. view_person, api_person_events, search
    channel = models.CharField(max_length=16)  # web, api, cli
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.person_id} {self.outcome}"
        )
