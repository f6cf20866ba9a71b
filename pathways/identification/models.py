"""Identification: the rules (configuration, `rules.toml`), each run of them, and the
candidates they found for the partnership team's queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.people.scoping import PersonDataManager


class Rule(models.Model):
    """How `pathways identify` finds the people a service is for (rules.toml).

    The age, sex, area, crime groups, flags and offence count live on the service
    (its eligibility, services.toml); a rule says what else counts and what excludes.
    """

    service = models.OneToOneField(
        "partners.Service", on_delete=models.CASCADE, primary_key=True, related_name="rule"
    )
    rank = models.PositiveSmallIntegerField(help_text="Routing precedence: lowest wins.")
    kinds = models.JSONField(default=list, help_text="Event kinds counted.")
    recent_days = models.PositiveIntegerField(help_text="The latest counted event within.")
    fresh_days = models.PositiveIntegerField(help_text="Events this recent score double.")
    declined_days = models.PositiveIntegerField()
    opted_out_days = models.PositiveIntegerField()
    dismissed_days = models.PositiveIntegerField()
    custody_days = models.PositiveIntegerField()
    points = models.JSONField(default=dict, help_text="Crime group or flag -> points.")
    queue_teams = models.JSONField(
        default=list, help_text="The teams who decide on its candidates (their queue)."
    )

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return f"identification rule for {self.service_id}"


class Run(models.Model):
    """One run of the rules: full (everyone) or incremental (people with new events)."""

    class Scope(models.TextChoices):
        FULL = "full"
        INCREMENTAL = "incremental"

    class Status(models.TextChoices):
        RUNNING = "running"
        FINISHED = "finished"
        FAILED = "failed"

    as_of = models.DateField()
    scope = models.CharField(max_length=16, choices=Scope.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Events with an id above the previous run's mark are new to this run; this run's
    # mark is the highest event id when it started.
    after_event = models.BigIntegerField(default=0)
    up_to_event = models.BigIntegerField(default=0)
    people_evaluated = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    lapsed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"identify {self.scope} as of {self.as_of} ({self.status})"


class Candidate(models.Model):
    """A person a rule found for a service, waiting for the partnership team's decision."""

    class Status(models.TextChoices):
        OPEN = "open"
        DISMISSED = "dismissed"
        REFERRED = "referred"
        LAPSED = "lapsed", "no longer fits"

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="candidacies"
    )
    service = models.ForeignKey("partners.Service", on_delete=models.PROTECT)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # What the last run that found them saw: the run date, score and counts.
    as_of = models.DateField()
    score = models.FloatField()
    events_counted = models.PositiveIntegerField()
    last_event_on = models.DateField()
    also_fits = models.JSONField(default=list, help_text="Services of lower precedence.")
    first_found_on = models.DateField()
    run = models.ForeignKey(Run, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    decided_on = models.DateField(null=True, blank=True)
    # A code of reasons.toml's `dismiss` list (configuration, not choices fixed in code).
    dismiss_reason = models.CharField(max_length=24, blank=True)
    note = models.CharField(max_length=500, blank=True)
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.SET_NULL, null=True, blank=True
    )
    # Optimistic lock, as on referrals: two people deciding at once cannot both win.
    version = models.PositiveIntegerField(default=1)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="open"),
                name="one_open_candidacy_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["status", "service", "-score"], name="candidate_queue"),
            models.Index(fields=["service", "person", "decided_on"], name="candidate_dismissed"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} for {self.service_id} ({self.status})"
