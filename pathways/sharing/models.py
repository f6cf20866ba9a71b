"""Information governance as data: the categories of person data, the information-sharing
agreements between agencies, and how long each kind of data is kept."""

from __future__ import annotations

from django.db import models


class DataCategory(models.Model):
    """A category of person data; agreements and roles grant categories, not fields."""

    class Special(models.TextChoices):
        NONE = "", "ordinary personal data"
        ART9 = "art9", "special category data (UK GDPR Art 9)"
        ART10 = "art10", "criminal offence data (UK GDPR Art 10)"

    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)
    description = models.CharField(max_length=500, blank=True)
    special = models.CharField(max_length=8, choices=Special.choices, blank=True)
    event_kinds = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name_plural = "data categories"

    def __str__(self) -> str:
        return self.name


class Condition(models.TextChoices):
    ALWAYS = "always", "always"
    ACTIVE_REFERRAL = "active_referral", "while the person has an active referral"
    CONSENTED_REFERRAL = "consented_referral", "while the person has consented to engage"
    STATUTORY_CASE = "statutory_case", "while the person is on a statutory caseload"
    OPEN_ENGAGEMENT = "open_engagement", "while the person is engaged with the service"
    AWAITING_APPROVAL = (
        "awaiting_approval",
        "while a referral of the person awaits joint approval by police and social work",
    )
    RECENT_CUSTODY = (
        "recent_custody",
        "for seven days after the person was held in police custody",
    )
    IDENTIFIED_CANDIDATE = (
        "identified_candidate",
        "while the person is an open identification candidate for the service",
    )
    WORKED_WITH = (
        "worked_with",
        "after the service's work with the person ended (completed, disengaged or closed)",
    )


class Agreement(models.Model):
    """An information-sharing agreement: `from_agency` shares `categories` with one
    recipient (an agency, a service's teams, or a team) while `condition` holds."""

    code = models.CharField(max_length=64, primary_key=True)
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200)
    from_agency = models.ForeignKey(
        "partners.Agency", on_delete=models.PROTECT, related_name="agreements_out"
    )
    to_agency = models.ForeignKey(
        "partners.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements_in",
    )
    to_service = models.ForeignKey(
        "partners.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements_in",
    )
    to_team = models.ForeignKey(
        "partners.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreements_in",
    )
    categories = models.JSONField(default=list)
    purpose = models.CharField(max_length=500)
    legal_basis = models.CharField(max_length=500)
    special_condition = models.CharField(max_length=500, blank=True)
    law_enforcement = models.CharField(max_length=500, blank=True)
    condition = models.CharField(max_length=32, choices=Condition.choices)
    # Service codes the condition looks at; empty: the recipient's services; ["*"]: any.
    about_services = models.JSONField(default=list, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    review_on = models.DateField()

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="agreement_has_one_recipient",
                condition=(
                    models.Q(to_agency__isnull=False, to_service__isnull=True, to_team__isnull=True)
                    | models.Q(
                        to_agency__isnull=True, to_service__isnull=False, to_team__isnull=True
                    )
                    | models.Q(
                        to_agency__isnull=True, to_service__isnull=True, to_team__isnull=False
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class RetentionPeriod(models.Model):
    """How long one kind of data is kept (`retention.toml`); `sharing.retention` applies it."""

    code = models.CharField(max_length=32, primary_key=True)  # a category, or an import table
    days = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.code}: {self.days} days"
