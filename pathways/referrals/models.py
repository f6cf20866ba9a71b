"""Referrals to services and the transitions each one went through."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReferralState(models.TextChoices):
    PROPOSED = "proposed"
    APPROVED = "approved"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CONSENTED = "consented"
    CONSENT_REFUSED = "consent_refused"
    ENGAGED = "engaged"
    COMPLETED = "completed"
    OPTED_OUT = "opted_out"
    DISENGAGED = "disengaged"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# Not yet ended one way or another: the person is in the pathway with the service.
OPEN_STATES = (
    ReferralState.PROPOSED,
    ReferralState.APPROVED,
    ReferralState.SENT,
    ReferralState.ACCEPTED,
    ReferralState.CONSENTED,
    ReferralState.ENGAGED,
)


class Referral(models.Model):
    class Route(models.TextChoices):
        IDENTIFICATION = "identification", "found by identification"
        PARTNER = "partner", "referred by a partner agency"
        SELF = "self", "self-referral"
        CUSTODY = "custody", "from police custody"
        OTHER = "other"

    # The source system's identifier for migrated history; empty for referrals made here.
    referral_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    record = models.ForeignKey(
        "people.AgencyRecord", on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        "partners.Service", on_delete=models.PROTECT, related_name="referrals"
    )
    referred_on = models.DateField()
    decision = models.CharField(max_length=16, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    consent_on = models.DateField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, blank=True)
    state = models.CharField(max_length=16, choices=ReferralState.choices)
    # How the referral came in; empty for migrated history.
    route = models.CharField(max_length=16, choices=Route.choices, blank=True)
    closing_reason = models.CharField(max_length=16, blank=True)
    # The service's worker allocated to the person (who accepted the referral, unless
    # changed): alerts about the person go to them and to their team.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="allocated_referrals",
    )  # fmt: skip
    # Optimistic lock: every change bumps it; a stale writer is refused.
    version = models.PositiveIntegerField(default=1)
    content_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["service", "ended_on"]),
            models.Index(fields=["service", "referred_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.service_id} referral {self.referral_ref or self.pk}"


class Transition(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, choices=ReferralState.choices)
    on = models.DateField(help_text="The date the step happened.")
    recorded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["referral", "on", "id"]

    def __str__(self) -> str:
        return f"{self.from_state or 'start'} -> {self.to_state} on {self.on}"


class Approval(models.Model):
    """One side's approval of a referral that needs joint approval (police and social
    work): two different people of the two sectors."""

    class Sector(models.TextChoices):
        POLICE = "police", "police"
        SOCIAL_WORK = "social_work", "social work"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="approvals")
    sector = models.CharField(max_length=16, choices=Sector.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT)
    on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A side approves once; a person approves once (never for both sides).
            models.UniqueConstraint(fields=["referral", "sector"], name="one_approval_per_side"),
            models.UniqueConstraint(fields=["referral", "by"], name="one_approval_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.sector} approval of referral {self.referral_id}"


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
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="alerts"
    )
    why = models.CharField(max_length=300, help_text="Why this user is told.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"],
                condition=models.Q(event__isnull=False),
                name="one_alert_per_user_and_event",
            )
        ]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="alert_inbox")]

    def __str__(self) -> str:
        return f"{self.kind} alert for {self.user_id}"


class AlertScan(models.Model):
    """One pass over the events that arrived since the last: its mark is the highest
    event id it saw."""

    up_to_event = models.BigIntegerField()
    after_event = models.BigIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    alerts = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"alert scan of events {self.after_event}-{self.up_to_event}"
