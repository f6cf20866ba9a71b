"""What linkage keeps: each record's blocking keys and the values' frequencies (for
matching records as they land), the pairs a person must decide, the merges and splits
people made, and each run of `pathways link`."""

from __future__ import annotations

from django.db import models

from pathways.people.models import AgencyRecord
from pathways.people.scoping import PersonDataManager


class LinkKey(models.Model):
    """A record's value of one of the linkage model's blocking rules, hashed to 60 bits
    (`people.blocking`): a new record is compared with the records sharing a key."""

    key = models.BigIntegerField()
    # No constraint in the database: keys are derived from their record and written
    # with it (ten or so per record; the check at commit cost a tenth of a batch's
    # matching). Django still deletes a record's keys with it, and `link --full`
    # writes them all afresh.
    record = models.ForeignKey(
        AgencyRecord, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        db_table = "people_linkkey"  # created by the people app (docs/decisions/0009)
        # Key first and record in the index: finding candidates reads the index alone.
        indexes = [models.Index(fields=["key", "record"], name="linkkey_lookup")]

    def __str__(self) -> str:
        return f"{self.key} -> {self.record_id}"


class LinkFrequency(models.Model):
    """How many records hold a value of a compared field (the model's term frequencies:
    two records that share a rare surname are stronger evidence than two Smiths).
    The row with an empty value counts the records holding any value of the field."""

    field = models.CharField(max_length=16)
    value = models.CharField(max_length=500)
    records = models.IntegerField(default=0)

    class Meta:
        db_table = "people_linkfrequency"  # created by the people app
        constraints = [
            models.UniqueConstraint(fields=["field", "value"], name="one_frequency_per_value")
        ]

    def __str__(self) -> str:
        return f"{self.field}={self.value!r}: {self.records}"


class LinkReview(models.Model):
    """A pair of records the model was unsure of, and what a person decided about it.

    Decisions are kept by record pair and re-applied on every re-link: an accepted pair
    is linked whatever the model says, a rejected one never linked."""

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for a decision"
        ACCEPTED = "accepted", "same person: linked"
        REJECTED = "rejected", "different people: kept apart"

    # The lower record id first: one row per pair.
    record_a = models.ForeignKey(AgencyRecord, on_delete=models.CASCADE, related_name="+")
    record_b = models.ForeignKey(AgencyRecord, on_delete=models.CASCADE, related_name="+")
    # None for a pair decided without the model (a person split them apart).
    probability = models.FloatField(null=True)
    match_weight = models.FloatField(null=True)
    # Why a person must look: in the review band, or linking it would break a rule.
    why = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        db_table = "people_linkreview"  # created by the people app
        constraints = [
            models.UniqueConstraint(fields=["record_a", "record_b"], name="one_review_per_pair")
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="linkreview_queue")]

    def __str__(self) -> str:
        return f"{self.record_a_id}~{self.record_b_id} ({self.status})"


class LinkChange(models.Model):
    """A merge of two people or a split of records off a person, by someone, with what
    moved where, so that it can be undone exactly."""

    class Kind(models.TextChoices):
        MERGE = "merge"
        SPLIT = "split"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The person that kept its id, and the one absorbed (merge) or made (split). Not
    # foreign keys: an absorbed person no longer exists.
    person_id = models.BigIntegerField(db_index=True)
    other_person_id = models.BigIntegerField(db_index=True)
    # {"records": [[record id, from person, to person], ...],
    #  "rows": [["app_label.Model", pk, from person, to person], ...]}
    moves = models.JSONField()
    review = models.ForeignKey(
        LinkReview, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    by = models.ForeignKey("auth.User", on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        "auth.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        db_table = "people_linkchange"  # created by the people app

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id}/{self.other_person_id}"


class LinkRun(models.Model):
    """One run of `pathways link`: what it did, or where it has got to."""

    class Kind(models.TextChoices):
        MATCH = "match", "matching records never matched"
        FULL = "full", "full re-link"

    class Status(models.TextChoices):
        RUNNING = "running"
        FINISHED = "finished"
        FAILED = "failed"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.RUNNING)
    operator = models.CharField(max_length=150, blank=True)
    stage = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the run found; for a full run, see `people.relinking.RelinkOutcome`.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        db_table = "people_linkrun"  # created by the people app
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"link run {self.pk} ({self.kind}, {self.status})"


class DuplicateSent(models.Model):
    """That an agency was told that two of its own records are one person: `record` is a
    duplicate of `duplicate_of`, its person's first record of that agency
    (`linkage.services.agency_duplicates`). Kept by record pair: a pair no longer one
    person drops off the list, and its mark with it; marking again changes nothing."""

    record = models.ForeignKey(AgencyRecord, on_delete=models.CASCADE, related_name="+")
    duplicate_of = models.ForeignKey(AgencyRecord, on_delete=models.CASCADE, related_name="+")
    sent_by = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    # The agency's references: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["record", "duplicate_of"], name="one_mark_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} duplicate of {self.duplicate_of_id}, sent {self.sent_at:%Y-%m-%d}"
