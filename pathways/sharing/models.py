"""Information governance as data: the categories of person data, the information-sharing
agreements between agencies, people's consent to services, and the access audit."""

from __future__ import annotations

from django.conf import settings
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
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    answer = models.CharField(max_length=8, choices=Answer.choices)
    on = models.DateField(help_text="The date the person answered.")
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

    class Meta:
        ordering = ["person", "service", "-on", "-id"]
        indexes = [models.Index(fields=["person", "service"])]

    def __str__(self) -> str:
        state = "withdrawn" if self.withdrawn_on else self.answer
        return f"consent to {self.service_id}: {state} ({self.on})"

    @property
    def current(self) -> bool:
        """Given and not withdrawn."""
        return self.answer == self.Answer.GIVEN and self.withdrawn_on is None


class AppendOnlyQuerySet(models.QuerySet):
    """The audit is never changed after it is written: bulk updates and deletes refuse."""

    def update(self, **kwargs: object) -> int:
        raise AuditImmutable("the access audit is append-only: rows cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditImmutable("the access audit is append-only: rows cannot be deleted")


class AuditImmutable(Exception):
    """An attempt to change or remove a row of the access audit."""


class AppendOnlyModel(models.Model):
    """A row that is written once: saving it again, or deleting it, is refused."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditImmutable("the access audit is append-only: rows cannot be updated")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditImmutable("the access audit is append-only: rows cannot be deleted")


class AccessEvent(AppendOnlyModel):
    """One access to person data: a view, an API read, a search, an export, or a refusal.

    Written only by `sharing.audit.record_access`, which chains each row to the one
    before with a keyed hash (HMAC-SHA256): `pathways audit verify` recomputes the chain.
    Append-only: the application refuses updates and deletes, and on PostgreSQL a
    trigger refuses them too.
    """

    class Decision(models.TextChoices):
        ALLOWED = "allowed"
        REFUSED = "refused"

    # Consecutive from 1 in the order written: a gap is a removed row.
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True)
    roles = models.CharField(max_length=500, blank=True)  # role codes, comma-separated
    # The one person looked at; looks at several (a search, an export) list them in
    # AccessEventPerson. Not a foreign key: a refused look at no one is logged too.
    person_id = models.BigIntegerField(null=True, db_index=True)
    people_count = models.PositiveIntegerField(default=0)
    action = models.CharField(max_length=64)  # view_person, view_events, search, export_…
    channel = models.CharField(max_length=16)  # web, api, cli
    categories = models.CharField(max_length=500, blank=True)  # comma-separated
    purpose = models.CharField(max_length=500, blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    basis = models.TextField(blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.decision}"


class AccessEventPerson(AppendOnlyModel):
    """A person among the several one access event looked at (search results, exports)."""

    event = models.ForeignKey(AccessEvent, on_delete=models.PROTECT, related_name="people")
    person_id = models.BigIntegerField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person_id"], name="one_row_per_person_looked_at"
            )
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} in access event {self.event_id}"
