"""Case work on an engagement: the plan's focus areas, the contacts with their
attendance, and the end-of-engagement summary. Held by the service's provider (the
`engagement` data category)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from pathways.people.scoping import PersonDataManager


class FocusArea(models.TextChoices):
    LIFE_CHOICES = "life_choices", "life choices"
    ADDICTION = "addiction"
    EDUCATION = "education"
    EMPLOYABILITY = "employability"
    FAMILY_SUPPORT = "family_support", "family support"
    MENTAL_HEALTH = "mental_health", "mental health"


class EngagementPlan(models.Model):
    """The focus areas agreed when the engagement started, and how each went at the end."""

    class Rating(models.TextChoices):
        ACHIEVED = "achieved"
        PARTLY = "partly", "partly achieved"
        NOT_ACHIEVED = "not_achieved", "not achieved"

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="plan"
    )
    focus_areas = models.JSONField(default=list)
    # Focus area -> Rating, filled in when the engagement ends.
    ratings = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    def __str__(self) -> str:
        return f"plan of referral {self.referral_id}"


class Contact(models.Model):
    """One contact with a person and whether it happened: a partner's contact on an
    engagement, a supervision appointment, or a session of unpaid work or other activity
    on an order. One model with one set of attendance outcomes (CASEWORK.md "Records"),
    so attendance means the same on every page and in every figure."""

    class Kind(models.TextChoices):
        ENGAGEMENT = "engagement", "engagement contact"
        SUPERVISION = "supervision", "supervision appointment"
        UPW = "upw", "unpaid work session"
        OTHER_ACTIVITY = "other_activity", "other activity session"

    class Attendance(models.TextChoices):
        ATTENDED = "attended"
        LATE = "late"
        SENT_HOME = "sent_home", "sent home"
        ACCEPTABLE_ABSENCE = "acceptable_absence", "did not happen (the person's acceptable reason)"
        UNACCEPTABLE_ABSENCE = "unacceptable_absence", "did not attend"
        SERVICE_CANCELLED = "service_cancelled", "did not happen (the service's reason)"

    class Mode(models.TextChoices):
        OFFICE = "office"
        HOME_VISIT = "home_visit", "home visit"
        PHONE = "phone"
        VIDEO = "video"
        GROUP = "group"

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ENGAGEMENT)
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    # An engagement contact belongs to a referral; the others to an order.
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, null=True, blank=True,
        related_name="contacts",
    )  # fmt: skip
    order = models.ForeignKey(
        "casework.Order", on_delete=models.CASCADE, null=True, blank=True,
        related_name="contacts",
    )  # fmt: skip
    # The source system's identifier of a migrated session.
    session_ref = models.CharField(max_length=64, unique=True, null=True, blank=True)
    on = models.DateField()
    # Empty until it has happened (an appointment booked ahead, a squad's next session).
    attendance = models.CharField(max_length=24, choices=Attendance.choices, blank=True)
    mode = models.CharField(max_length=12, choices=Mode.choices, blank=True)
    project = models.ForeignKey(
        "casework.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Unpaid work and other activity: hours offered, and hours credited (attended or
    # sent home only, never above the hours offered).
    hours_offered = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    hours_credited = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True, help_text="Why late or why not.")
    evidence = models.CharField(
        max_length=300, blank=True, help_text="What shows an absence was acceptable."
    )
    notes = models.TextField(blank=True, help_text="Engagement and progress.")
    concerns = models.TextField(blank=True)
    notify_referrer = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # The fingerprint of the row a migration feed last wrote (feeds: unchanged rows).
    content_hash = models.CharField(max_length=32, blank=True)
    # Optimistic lock: two workers recording one session, the second is told.
    version = models.PositiveIntegerField(default=1)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["order", "on"], name="contact_order_on"),
            # Dated ranges of contacts (the figures' attendance) read from the index alone.
            models.Index(fields=["on", "attendance", "order_id"], name="contact_on_attendance"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(referral__isnull=False) | models.Q(order__isnull=False),
                name="contact_of_referral_or_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.on} ({self.attendance or 'no outcome yet'})"


# The outcomes that count as present, for attendance and the first contact.
PRESENT = (Contact.Attendance.ATTENDED, Contact.Attendance.LATE, Contact.Attendance.SENT_HOME)
# The outcomes of a partner's engagement contact (sent home is for unpaid work).
ENGAGEMENT_OUTCOMES = tuple(a for a in Contact.Attendance.values if a != "sent_home")
# The outcomes that count in attendance at all (present, or absent without good reason).
COUNTED = (*PRESENT, Contact.Attendance.UNACCEPTABLE_ABSENCE)


class CustodyVisit(models.Model):
    """The custody route: a police custody episode gives the custody peer mentors a
    person to see. They record the conversation and the services they signposted the
    person to ("referrals from custody" in the national performance framework)."""

    class Outcome(models.TextChoices):
        WAITING = "waiting", "waiting to be seen"
        SEEN = "seen", "seen"
        DECLINED = "declined", "did not want to talk"
        NOT_SEEN = "not_seen", "released or moved before being seen"

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.WAITING)
    seen_on = models.DateField(null=True, blank=True)
    conversation = models.TextField(blank=True)
    signposted_to = models.JSONField(default=list, blank=True, help_text="Service codes.")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        indexes = [models.Index(fields=["outcome", "-created_at"], name="custody_visit_queue")]

    def __str__(self) -> str:
        return f"custody visit for {self.person_id} ({self.outcome})"


class Amendment(models.Model):
    """A correction of a case record: which record and field, the old and new values,
    why, who and when. Append-only: a correction of a correction is another row. The
    record's own row holds the value now; these rows are its history (the referral
    page, the custody visit and the subject access request show them). Each goes with
    its record when retention removes it."""

    class Kind(models.TextChoices):
        CONTACT = "contact"
        ENGAGEMENT = "engagement", "engagement dates"
        CONSENT = "consent"
        CUSTODY_VISIT = "custody_visit", "custody visit"

    # What was corrected. The person is the referral's or the visit's: a merge or a split
    # of people moves the corrections with the records they correct.
    kind = models.CharField(max_length=16, choices=Kind.choices)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, null=True, blank=True,
        related_name="amendments",
    )  # fmt: skip
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="amendments"
    )
    custody_visit = models.ForeignKey(
        CustodyVisit, on_delete=models.CASCADE, null=True, blank=True, related_name="amendments"
    )
    field = models.CharField(max_length=40)  # the field's label, as the page names it
    old = models.TextField(blank=True)
    new = models.TextField(blank=True)
    why = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    # Person data: queried in a request only through the door (people.scoping).
    objects = PersonDataManager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.field}: {self.old!r} -> {self.new!r}"
