"""The partnership: areas, agencies, teams, services, roles and who belongs where.

All of it is loaded from the configuration files (`config/<partnership>/*.toml`) by
`pathways init`; nothing here is hard-coded.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Area(models.Model):
    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)
    sector = models.CharField(
        max_length=32,
        help_text="police, social_work, health, council, third_sector or partnership",
    )

    class Meta:
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    class Kind(models.TextChoices):
        DIVERSION = "diversion"
        STATUTORY = "statutory"
        TREATMENT = "treatment"
        SUPPORT = "support"

    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="services")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    voluntary = models.BooleanField(default=True)
    requires_consent = models.BooleanField(default=True)
    joint_approval = models.BooleanField(
        default=False, help_text="Referral needs approval by both police and social work."
    )
    decide_within_days = models.PositiveSmallIntegerField(
        default=5, help_text="Working days the service has to accept or decline a referral."
    )
    # How long consent given to the service lasts (days); None: until withdrawn.
    consent_valid_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # Behaviours, as configuration. The kinds of event the service's team is told of for
    # anyone it may see, referred or not (crisis outreach: every non-fatal overdose).
    told_of = models.JSONField(default=list, blank=True)
    # The service's team visits people held in police custody (the custody route).
    custody_visits = models.BooleanField(default=False)
    # Eligibility, as data. Empty lists mean "any".
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sexes = models.JSONField(default=list, blank=True)
    areas = models.JSONField(default=list, blank=True)
    crime_groups = models.JSONField(default=list, blank=True)
    flags = models.JSONField(default=list, blank=True)
    min_offences = models.PositiveIntegerField(null=True, blank=True)
    window_days = models.PositiveIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Role(models.Model):
    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)
    capabilities = models.JSONField(default=list, blank=True)
    # The data categories (sharing.DataCategory codes) the role may see at all.
    categories = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        help_text="The service this team delivers, if any.",
    )
    partnership = models.BooleanField(
        default=False,
        help_text="The multi-agency partnership team (police and social work together).",
    )

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} as {self.role}"


class Reason(models.Model):
    """One coded reason of a list the pages offer (reasons.toml): why a referral was
    declined or withdrawn, why consent was withdrawn, why a candidate was dismissed.
    Each list has `other`, which needs words beside it."""

    list = models.CharField(max_length=32)
    code = models.CharField(max_length=24)
    label = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["list", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="one_code_per_list")]

    def __str__(self) -> str:
        return f"{self.list}: {self.label}"
