"""Referrals to services, the transitions each one went through, the approvals of those
that need joint approval, and the person's consent."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.people.scoping import PersonDataManager


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

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

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

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

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

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        constraints = [
            # A side approves once; a person approves once (never for both sides).
            models.UniqueConstraint(fields=["referral", "sector"], name="one_approval_per_side"),
            models.UniqueConstraint(fields=["referral", "by"], name="one_approval_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.sector} approval of referral {self.referral_id}"


class Consent(models.Model):
    """A person's answer when asked to engage with a service, and its withdrawal.

    Rows are never deleted: a withdrawal is written onto the row, and consent given
    again later is a new row, so the history stays readable.
    """

    class Answer(models.TextChoices):
        GIVEN = "given"
        REFUSED = "refused"

    class Method(models.TextChoices):
        SIGNED_FORM = "signed_form", "signed form"
        VERBAL = "verbal", "verbal, with a witness"
        # Consent an earlier system recorded (referrals.csv consent_on), known by date only.
        MIGRATED = "migrated", "recorded in the earlier system"

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents")
    service = models.ForeignKey("partners.Service", on_delete=models.PROTECT)
    referral = models.ForeignKey(
        Referral,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    answer = models.CharField(max_length=8, choices=Answer.choices)
    on = models.DateField(help_text="The date the person answered.")
    # The last day consent given lasts (the service's consent_valid_days); None: until
    # withdrawn. Asked again on the same referral, a new row carries the new date.
    expires_on = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=16, choices=Method.choices)
    witness = models.CharField(max_length=200, blank=True)
    scan = models.FileField(upload_to="consent-forms/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        db_table = "sharing_consent"  # created by the sharing app (docs/decisions/0009)
        ordering = ["person", "service", "-on", "-id"]
        indexes = [models.Index(fields=["person", "service"])]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_on else self.answer
        return f"consent to {self.service_id}: {state} ({self.on})"

    @property
    def current(self) -> bool:
        """Given and not withdrawn."""
        return self.answer == self.Answer.GIVEN and self.withdrawn_on is None
