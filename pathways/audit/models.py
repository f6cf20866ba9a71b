"""The access audit: one row per look at person data (a view, an API read, a search, an
export, a refusal), append-only and chained with a keyed hash (`audit.log`, `audit.chain`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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

    Written only by `audit.log.record_access`, which chains each row to the one
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
        db_table = "sharing_accessevent"  # created by the sharing app (docs/decisions/0009)
        ordering = ["-seq"]
        indexes = [models.Index(fields=["user", "at"]), models.Index(fields=["at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.decision}"


class AccessEventPerson(AppendOnlyModel):
    """A person among the several one access event looked at (search results, exports)."""

    event = models.ForeignKey(AccessEvent, on_delete=models.PROTECT, related_name="people")
    person_id = models.BigIntegerField(db_index=True)

    class Meta:
        db_table = "sharing_accesseventperson"  # created by the sharing app
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person_id"], name="one_row_per_person_looked_at"
            )
        ]

    def __str__(self) -> str:
        return f"person {self.person_id} in access event {self.event_id}"
