"""Justice social work's records (CASEWORK.md "Records"): court reports, orders with
their requirements and the court's variations, unpaid work projects, suspensions,
warnings and breach reports, case management plans and their objectives, reviews,
assessments and MAPPA. Sessions and supervision appointments are contacts
(`cases.Contact`, one model of a contact with an attendance outcome). Person data:
queried in a request only through the door (people.scoping)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.people.scoping import PersonDataManager


class Court(models.TextChoices):
    HIGH = "high", "High Court"
    SHERIFF_SOLEMN = "sheriff_solemn", "sheriff court (solemn)"
    SHERIFF_SUMMARY = "sheriff_summary", "sheriff court (summary)"
    JUSTICE_OF_PEACE = "justice_of_peace", "justice of the peace court"


class Order(models.Model):
    """A court order justice social work supervises; for a CPO, its requirements."""

    class Type(models.TextChoices):
        CPO = "cpo", "community payback order"
        SDS = "sds", "structured deferred sentence"
        DTTO = "dtto", "drug treatment and testing order"
        DIVERSION = "diversion", "diversion from prosecution"
        BAIL_SUPERVISION = "bail_supervision", "bail supervision"
        LICENCE = "licence", "licence"

    class State(models.TextChoices):
        ACTIVE = "active"
        SUSPENDED = "suspended", "suspended (in custody)"
        COMPLETED = "completed"
        REVOKED_BREACH = "revoked_breach", "revoked on breach"
        REVOKED_OTHER = "revoked_other", "revoked for another reason"
        TRANSFERRED = "transferred"
        DIED = "died"

    # The source system's identifier for migrated orders; empty for orders made here.
    order_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("people.AgencyRecord", on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=20, choices=Type.choices)
    court = models.CharField(max_length=20, choices=Court.choices)
    imposed_on = models.DateField()
    expected_end = models.DateField(null=True, blank=True)
    upw_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    other_activity_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    supervision_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # The requirement codes (casework.orders.REQUIREMENTS), unpaid work and supervision
    # among them when the hours or months are set.
    requirements = models.JSONField(default=list, blank=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # The justice social work team that holds the order (the team manager's view).
    team = models.ForeignKey(
        "partners.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The unpaid work project the person is placed on (its squad's register lists them).
    project = models.ForeignKey(
        "casework.Project", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Months a court added to the unpaid work time limit (CASEWORK.md "Clocks").
    upw_extension_months = models.PositiveSmallIntegerField(default=0)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    ended_on = models.DateField(null=True, blank=True)
    # Optimistic lock: every change bumps it; a stale writer is refused.
    version = models.PositiveIntegerField(default=1)
    # The fingerprint of the row a migration feed last wrote (feeds: unchanged rows).
    content_hash = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        indexes = [
            models.Index(fields=["imposed_on"], name="order_imposed"),
            models.Index(fields=["ended_on"], name="order_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.type} of {self.imposed_on} ({self.state})"


class Variation(models.Model):
    """A court's variation of an order (hours, period, requirements, an extension): the
    field, its old and new values, the date, the reason and who recorded it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="variations")
    on = models.DateField()
    field = models.CharField(max_length=40)
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    reason = models.CharField(max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.field}: {self.old} -> {self.new} on {self.on}"


class Level(models.TextChoices):
    """An assessed risk/need level (CASEWORK.md "Assessment")."""

    VERY_LOW = "very_low", "very low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high", "very high"


class CourtReport(models.Model):
    """A criminal justice social work report requested by a court: it must reach the
    court by the end of the working day before the hearing (`due_on`)."""

    class Status(models.TextChoices):
        REQUESTED = "requested"
        ALLOCATED = "allocated"
        SUBMITTED = "submitted"
        CANCELLED = "cancelled"

    class Sentence(models.TextChoices):
        CPO = "cpo", "community payback order"
        CUSTODY = "custody"
        FINE = "fine"
        DEFERRED = "deferred", "deferred sentence"
        SDS = "sds", "structured deferred sentence"
        DTTO = "dtto", "drug treatment and testing order"
        ADMONITION = "admonition"
        OTHER = "other"

    report_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("people.AgencyRecord", on_delete=models.PROTECT, related_name="+")
    court = models.CharField(max_length=20, choices=Court.choices)
    requested_on = models.DateField()
    due_on = models.DateField(help_text="The hearing date.")
    team = models.ForeignKey(
        "partners.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    submitted_on = models.DateField(null=True, blank=True)
    risk_level = models.CharField(max_length=12, choices=Level.choices, blank=True)
    proposal = models.TextField(blank=True)
    sentence = models.CharField(max_length=12, choices=Sentence.choices, blank=True)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    # The fingerprint of the row a migration feed last wrote (feeds: unchanged rows).
    content_hash = models.CharField(max_length=32, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonDataManager()

    class Meta:
        indexes = [models.Index(fields=["due_on"], name="court_report_due")]

    def __str__(self) -> str:
        return f"report for {self.court} due {self.due_on} ({self.status})"


class Project(models.Model):
    """Where unpaid work is done: a squad project, a personal placement, or other
    activity (which counts towards the hours, within its cap). Configuration, not
    person data."""

    class Kind(models.TextChoices):
        SQUAD = "squad", "squad project"
        PLACEMENT = "placement", "personal placement"
        OTHER_ACTIVITY = "other_activity", "other activity"

    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    team = models.ForeignKey(
        "partners.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Suspension(models.Model):
    """A time the order was suspended (the person in custody): its clocks stop."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="suspensions")
    from_on = models.DateField()
    to_on = models.DateField(null=True, blank=True)  # open while suspended
    reason = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PersonDataManager()

    class Meta:
        ordering = ["from_on", "id"]

    def __str__(self) -> str:
        return f"suspended {self.from_on} to {self.to_on or 'now'}"


class Warning(models.Model):
    """A formal warning for an absence or another failure to comply."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="warnings")
    on = models.DateField()
    reason = models.CharField(max_length=500)
    # The absence it is for, if it is for one.
    contact = models.ForeignKey(
        "cases.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PersonDataManager()

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"warning on {self.on}"


class BreachReport(models.Model):
    """A breach report to the court, and what the court decided."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "awaiting the court"
        CONTINUED = "continued", "order continued"
        VARIED = "varied", "order varied"
        REVOKED = "revoked", "order revoked"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="breaches")
    on = models.DateField()
    reason = models.TextField()
    # Why a report goes without a warning first (asked only then).
    without_warning_reason = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PersonDataManager()

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"breach report on {self.on} ({self.outcome})"


class Plan(models.Model):
    """A case management plan, agreed with the person (due within 20 working days of a
    supervision order)."""

    plan_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="plans")
    agreed_on = models.DateField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    # The fingerprint of the row a migration feed last wrote (feeds: unchanged rows).
    content_hash = models.CharField(max_length=32, blank=True)

    objects = PersonDataManager()

    class Meta:
        ordering = ["agreed_on", "id"]

    def __str__(self) -> str:
        return f"plan agreed {self.agreed_on}"


class Objective(models.Model):
    """One SMART objective of a plan: the need, what will be done, by whom, by when."""

    class Status(models.TextChoices):
        OPEN = "open"
        ACHIEVED = "achieved"
        PARTLY = "partly", "partly achieved"
        NOT_ACHIEVED = "not_achieved", "not achieved"
        DROPPED = "dropped"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    need_area = models.CharField(max_length=40)
    what = models.CharField(max_length=500)
    who = models.CharField(max_length=200)
    by_when = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    dropped_reason = models.CharField(max_length=300, blank=True)

    objects = PersonDataManager()

    class Meta:
        ordering = ["by_when", "id"]

    def __str__(self) -> str:
        return f"{self.need_area}: {self.what} by {self.by_when} ({self.status})"


class Review(models.Model):
    """A review of the order and its plan: due on the schedule (3 months, 6 months, then
    every 6 months) or set by the court; held on a date with who attended."""

    review_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reviews")
    due_on = models.DateField()
    court_set = models.BooleanField(default=False)
    held_on = models.DateField(null=True, blank=True)
    attended = models.CharField(max_length=500, blank=True)
    # Objective id (as text) -> {"status": ..., "note": ...}.
    progress = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1)

    # The fingerprint of the row a migration feed last wrote (feeds: unchanged rows).
    content_hash = models.CharField(max_length=32, blank=True)

    objects = PersonDataManager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["due_on"], name="review_due")]

    def __str__(self) -> str:
        return f"review due {self.due_on}" + (f", held {self.held_on}" if self.held_on else "")


class Assessment(models.Model):
    """An assessment with an instrument (casework.instruments): its overall level and
    the scores the partnership may keep (item code -> score)."""

    class Stage(models.TextChoices):
        PRE_SENTENCE = "pre_sentence", "pre-sentence"
        POST_SENTENCE = "post_sentence", "post-sentence"
        REVIEW = "review"

    assessment_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("people.AgencyRecord", on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(max_length=32)
    stage = models.CharField(max_length=16, choices=Stage.choices)
    assessed_on = models.DateField()
    level = models.CharField(max_length=12, choices=Level.choices, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    report = models.ForeignKey(
        CourtReport, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    # The fingerprint of the row a migration feed last wrote (feeds: unchanged rows).
    content_hash = models.CharField(max_length=32, blank=True)

    objects = PersonDataManager()

    class Meta:
        ordering = ["assessed_on", "id"]

    def __str__(self) -> str:
        return f"{self.instrument} {self.stage} on {self.assessed_on}"


class Mappa(models.Model):
    """Multi-agency public protection arrangements: category and level with dates.
    Shown only to roles whose agreements name the `mappa` category."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    record = models.ForeignKey("people.AgencyRecord", on_delete=models.PROTECT, related_name="+")
    category = models.PositiveSmallIntegerField(choices=[(1, "1"), (2, "2"), (3, "3")])
    level = models.PositiveSmallIntegerField(choices=[(1, "1"), (2, "2"), (3, "3")])
    from_on = models.DateField()
    to_on = models.DateField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PersonDataManager()

    def __str__(self) -> str:
        return f"MAPPA category {self.category} level {self.level} from {self.from_on}"


class Instrument(models.Model):
    """An assessment instrument (configuration, casework.toml): an open one with its
    items and scale, or a licensed tool recorded only as its level and the scores the
    partnership is licensed to keep, never its questions."""

    code = models.CharField(max_length=32, primary_key=True)
    name = models.CharField(max_length=200)
    licensed = models.BooleanField(default=False)
    # [[item code, label], ...] of an open instrument, each scored on the scale.
    items = models.JSONField(default=list, blank=True)
    scale_min = models.PositiveSmallIntegerField(default=1)
    scale_max = models.PositiveSmallIntegerField(default=10)
    # A licensed tool: whether it gives an overall level, and the scores kept.
    has_level = models.BooleanField(default=False)
    scores = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.name


class CompliancePolicy(models.Model):
    """When Pathways puts a case on the worker's list (casework.toml [casework.compliance]):
    a warning is due after `absences` unacceptable absences within `within_months`
    months; a breach report after `warnings` warnings. It never decides the breach."""

    code = models.CharField(max_length=16, primary_key=True, default="default")
    absences = models.PositiveSmallIntegerField(default=2)
    within_months = models.PositiveSmallIntegerField(default=12)
    warnings = models.PositiveSmallIntegerField(default=2)

    def __str__(self) -> str:
        return f"warning after {self.absences} absences in {self.within_months} months"
