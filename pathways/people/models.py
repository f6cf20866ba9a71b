"""People and the agency records that are linked to them.

Each agency knows a person by its own reference (`AgencyRecord`); identity linkage
decides which records are one `Person`. The person's shown identity is derived from
the records (`linkage.services.refresh_identity`).
"""

from __future__ import annotations

from django.db import models

from pathways.people.scoping import PersonDataManager


class Person(models.Model):
    # Derived from the linked records by `linkage.services.refresh_identity`;
    # kept here so search and lists need no aggregation.
    given_name = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, default="U")
    created_at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

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

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

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
