"""Justice social work's records (CASEWORK.md "Records"): orders with their
requirements and the court's variations of them. Person data: queried in a request only
through the door (people.scoping)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.people.scoping import PersonDataManager


class Court(models.TextChoices):
    HIGH = "high", "High Court"
    SHERIFF_SOLEMN = "sheriff_solemn", "sheriff court (solemn)"
    SHERIFF_SUMMARY = "sheriff_summary", "sheriff court (summary)"
    JUSTICE_OF_PEACE = "justice_of_peace", "justice of the peace court"


class Order(models.Model):
    """A court order justice social work supervises; for a CPO, its requirements."""

    class Type(models.TextChoices):
        CPO = "cpo", "community payback order"
        SDS = "sds", "structured deferred sentence"
        DTTO = "dtto", "drug treatment and testing order"
        DIVERSION = "diversion", "diversion from prosecution"
        BAIL_SUPERVISION = "bail_supervision", "bail supervision"
        LICENCE = "licence", "licence"

    class State(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended", "suspended (in custody)"
        COMPLETED = "completed"
        REVOKED_BREACH = "revoked_breach", "revoked on breach"
        REVOKED_OTHER = "revoked_other", "revoked for another reason"
        TRANSFERRED = "transferred"
        DIED = "died"

    # The source system's identifier for migrated orders; empty for orders made here.
    order_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("people.AgencyRecord", on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=20, choices=Type.choices)
    court = models.CharField(max_length=20, choices=Court.choices)
    imposed_on = models.DateField()
    expected_end = models.DateField(null=True, blank=True)
    upw_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    other_activity_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    supervision_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # The requirement codes (casework.orders.REQUIREMENTS), unpaid work and supervision
    # among them when the hours or months are set.
    requirements = models.JSONField(default=list, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    # Optimistic lock: every change bumps it; a stale writer is refused.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    def __str__(self) -> str:
        return f"{self.type} of {self.imposed_on} ({self.state})"


class Variation(models.Model):
    """A court's variation of an order (hours, period, requirements, an extension): the
    field, its old and new values, the date, the reason and who recorded it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="variations")
    on = models.DateField()
    field = models.CharField(max_length=40)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old} -> {self.new} on {self.on}"
