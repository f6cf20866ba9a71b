"""People and the agency records that are linked to them.

Each agency knows a person by its own reference (`AgencyRecord`); identity linkage
decides which records are one `Person`. The person's shown identity is derived from
the records (see `people.identity`).
"""

from __future__ import annotations

from django.db import models


class Person(models.Model):
    # Derived from the linked records by `people.identity.refresh_person_identity`;
    # kept here so search and lists need no aggregation.
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, default="U")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip() or f"Person {self.pk}"

    @property
    def display_name(self) -> str:
        return str(self)


class AgencyRecord(models.Model):
    class LinkMethod(models.TextChoices):
        SINGLE = "single"
        EXACT = "exact"
        PROBABILISTIC = "probabilistic"
        REVIEWED = "reviewed"

    agency = models.ForeignKey("partners.Agency", on_delete=models.PROTECT)
    person_ref = models.CharField(max_length=64)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="records")
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    postcode = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey("partners.Area", on_delete=models.PROTECT, null=True, blank=True)
    address = models.CharField(max_length=500, blank=True)
    # Normalised names (lower case, accents and spacing removed) for linkage and search.
    # On PostgreSQL they compare by code point (COLLATE "C", migration 0004): search
    # reads a prefix as an index range, which only that order makes exact.
    given_key = models.CharField(max_length=200, blank=True)
    family_key = models.CharField(max_length=200, blank=True)
    link_method = models.CharField(
        max_length=16, choices=LinkMethod.choices, default=LinkMethod.SINGLE
    )
    link_confidence = models.FloatField(default=1.0)
    # Hash of the row as imported: an unchanged re-import is detected without comparing
    # every column.
    content_hash = models.CharField(max_length=32)
    # When linkage last matched the record against the others (`pathways link` matches
    # the records never matched).
    linked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "person_ref"], name="one_record_per_ref")
        ]
        indexes = [
            # Search reads names in these orders (people.search); linkage blocks on the
            # family name. Person last: the policy's check needs nothing from the table.
            models.Index(
                fields=["family_key", "given_key", "date_of_birth", "person"],
                name="agencyrecord_family_order",
            ),
            models.Index(
                fields=["given_key", "family_key", "date_of_birth", "person"],
                name="agencyrecord_given_order",
            ),
            models.Index(fields=["person_ref"]),
            models.Index(fields=["date_of_birth"], name="agencyrecord_born"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.person_ref}"


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

    class Meta:
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
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"link run {self.pk} ({self.kind}, {self.status})"
