"""Alerts to workers about people on their caseload, and the scans that raise them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.people.scoping import PersonDataManager


class Alert(models.Model):
    """Something a worker should know about a person on their caseload: a new offence, a
    custody episode, a non-fatal overdose, a concern recorded at a contact. One row per
    person told; shown in their alert inbox, and optionally e-mailed (without details)."""

    class Kind(models.TextChoices):
        OFFENCE = "offence", "a new offence"
        CUSTODY = "custody", "a custody episode"
        OVERDOSE = "overdose", "a non-fatal overdose"
        CONCERN = "concern", "a concern at a contact"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        db_constraint=False,
    )  # fmt: skip
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    why = models.CharField(max_length=300, help_text="Why this user is told.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=models.Q(event__isnull=False),
                name="one_alert_per_user_and_event",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="alert_inbox")]
        db_table = "referrals_alert"  # created by the referrals app (docs/decisions/0009)

    def __str__(self) -> str:
        return f"{self.kind} alert for {self.user_id}"


class AlertScan(models.Model):
    """One pass over the events that arrived since the last: its mark is the highest
    event id it saw."""

    up_to_event = models.BigIntegerField()
    after_event = models.BigIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    alerts = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "referrals_alertscan"  # created by the referrals app

    def __str__(self) -> str:
        return f"alert scan of events {self.after_event}-{self.up_to_event}"
