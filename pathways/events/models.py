"""The event spine: what happened to or was done by a person, as agencies report it."""

from __future__ import annotations

from django.db import models

from pathways.people.scoping import PersonDataManager


class EventKind(models.TextChoices):
    OFFENCE = "offence"
    CUSTODY = "custody"
    OVERDOSE = "overdose"
    ASB = "asb", "antisocial behaviour"
    CONVICTION = "conviction"
    CONCERN = "concern"


class CrimeGroup(models.TextChoices):
    VIOLENCE = "violence", "non-sexual crimes of violence"
    SEXUAL = "sexual", "sexual crimes"
    DISHONESTY = "dishonesty", "crimes of dishonesty"
    DAMAGE = "damage", "damage and reckless behaviour"
    SOCIETY = "society", "crimes against society"
    ANTISOCIAL = "antisocial", "antisocial offences"
    MISCELLANEOUS = "miscellaneous", "miscellaneous offences"
    ROAD_TRAFFIC = "road_traffic", "road traffic offences"


class Disposal(models.TextChoices):
    CUSTODY = "custody"
    CPO = "cpo", "community payback order"
    FINE = "fine"
    ADMONITION = "admonition"
    DEFERRED = "deferred", "deferred sentence"
    OTHER = "other"


EVENT_FLAGS = ("substance", "alcohol", "domestic", "cce", "weapon", "hate", "exploitation")


class Event(models.Model):
    # The spine is the largest table and imports write it a million rows at a time.
    # PostgreSQL checks foreign keys row by row at commit, which cost most of an
    # import's time; the importer guarantees agency, area and person (it validates the
    # codes and joins each row to its agency record), so only `record` — the row's
    # true owner — keeps a database constraint (docs/decisions/0003-event-constraints.md).
    # No single-column indexes where a composite one below already leads with the column
    # (agency: the unique key; person: the chronology index), nor on area: each index
    # is paid for on every imported row.
    agency = models.ForeignKey(
        "partners.Agency", on_delete=models.PROTECT, db_constraint=False, db_index=False
    )
    event_ref = models.CharField(max_length=64)
    record = models.ForeignKey(
        "people.AgencyRecord", on_delete=models.PROTECT, related_name="events"
    )
    # Denormalised from record.person so a chronology is one indexed range scan;
    # re-pointed whenever linkage moves the record.
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="events",
        db_constraint=False,
        db_index=False,
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    # Europe/London date of occurred_at: the date every outcome window uses.
    occurred_on = models.DateField()
    crime_group = models.CharField(max_length=16, choices=CrimeGroup.choices, blank=True)
    category = models.CharField(max_length=200, blank=True)
    area = models.ForeignKey(
        "partners.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
    )
    flags = models.CharField(max_length=200, blank=True)
    disposal = models.CharField(max_length=16, choices=Disposal.choices, blank=True)
    offence_date = models.DateField(null=True, blank=True)
    content_hash = models.CharField(max_length=32)
    # The row exactly as the agency last sent it (imports/events.py source_hash): a
    # re-sent row with the same fingerprint is unchanged without being checked again.
    source_hash = models.CharField(max_length=16, blank=True, default="")

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "event_ref"], name="one_event_per_ref")
        ]
        indexes = [
            models.Index(fields=["person", "-occurred_at"], name="event_person_time"),
            models.Index(fields=["kind", "occurred_on"], name="event_kind_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.agency_id}/{self.event_ref}"

    @property
    def flag_list(self) -> list[str]:
        return [f for f in self.flags.split(";") if f]
