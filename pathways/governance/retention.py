"""Retention: remove or anonymise what has been kept longer than `retention.toml` allows.

Each step is one set-based statement (no row-by-row loop), so a run over a city's data
takes seconds; a dry run counts the same rows without touching them. A run that applies
writes what it did to the access audit.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import CharField, Exists, Max, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from pathways.audit.log import record_access
from pathways.casework.models import Assessment, CourtReport, Mappa, Order
from pathways.events.models import Event
from pathways.feeds.models import RejectedRow, SupersededRow
from pathways.governance.models import GovernanceJob
from pathways.governance.progress import Progress, silent
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Consent, Referral, ReferralState
from pathways.referrals.transitions import ALLOWED
from pathways.sharing.models import DataCategory, RetentionPeriod

ANONYMISED = "(anonymised)"
# States from which no step leads on: only finished referrals are ever removed.
FINISHED = sorted(set(ReferralState.values) - set(ALLOWED))


@dataclass(frozen=True)
class RetentionStep:
    code: str
    days: int
    what: str
    count: int


def _event_step(kinds: list[str], cutoff: dt.date) -> QuerySet[Event]:
    return Event.objects.filter(kind__in=kinds, occurred_on__lt=cutoff)


def _old_referrals(cutoff: dt.date) -> QuerySet[Referral]:
    return Referral.objects.annotate(
        last_day=Coalesce("ended_on", "decided_on", "referred_on")
    ).filter(state__in=FINISHED, last_day__lt=cutoff)


def _people_with_nothing_left(cutoff: dt.date) -> QuerySet[Person]:
    return (
        Person.objects.exclude(family_name=ANONYMISED)
        .filter(~Exists(Event.objects.filter(person=OuterRef("pk"))))
        .filter(~Exists(Referral.objects.filter(person=OuterRef("pk"))))
        .filter(~Exists(Order.objects.filter(person=OuterRef("pk"))))
        .filter(~Exists(CourtReport.objects.filter(person=OuterRef("pk"))))
        .filter(~Exists(Assessment.objects.filter(person=OuterRef("pk"))))
        .filter(~Exists(Mappa.objects.filter(person=OuterRef("pk"))))
        .annotate(last_change=Max("records__updated_at"))
        .filter(Q(last_change__date__lt=cutoff) | Q(last_change__isnull=True))
    )


def _anonymise(people: QuerySet[Person]) -> int:
    ids = list(people.values_list("pk", flat=True))
    for start in range(0, len(ids), 5_000):
        chunk = ids[start : start + 5_000]
        AgencyRecord.objects.filter(person_id__in=chunk).update(
            given_name="",
            family_name=ANONYMISED,
            date_of_birth=None,
            postcode="",
            address="",
            given_key="",
            family_key="",
            # References identify too; keep the rows unique without them.
            person_ref=Concat(Value("anon-"), Cast("pk", CharField())),
            content_hash="",
        )
        Person.objects.filter(pk__in=chunk).update(
            given_name="", family_name=ANONYMISED, date_of_birth=None
        )
    return len(ids)


def _delete_referrals(referrals: QuerySet[Referral]) -> int:
    consents = Consent.objects.filter(referral__in=referrals)
    for consent in consents.exclude(scan=""):
        consent.scan.delete(save=False)  # the signed form's scan goes with the record
    consents.delete()
    return referrals.delete()[1].get("referrals.Referral", 0)


def _deleting(rows: QuerySet[Any]) -> Callable[[], int]:
    def delete() -> int:
        return rows.delete()[0]

    return delete


def _deleting_with_parts(rows: QuerySet[Any]) -> Callable[[], int]:
    """Delete the rows with everything of theirs (an order's sessions, plans, reviews);
    how many of the rows themselves, as the dry run counts them."""

    def delete() -> int:
        return rows.delete()[1].get(rows.model._meta.label, 0)

    return delete


def _deleting_referrals(referrals: QuerySet[Referral]) -> Callable[[], int]:
    def delete() -> int:
        return _delete_referrals(referrals)

    return delete


def _jobs_with_files(jobs: QuerySet[GovernanceJob]) -> int:
    return sum(1 for job in jobs if job.files())


def _delete_files(jobs: QuerySet[GovernanceJob]) -> int:
    """Remove the folders of these jobs that still have files; how many there were. The
    job rows stay: what was asked, by whom and when is the audit's."""
    removed = 0
    for job in jobs:
        if job.files():
            shutil.rmtree(job.folder, ignore_errors=True)
            removed += 1
    return removed


# What each retention period applies to, as the data protection officer's page says it.
KEPT_WORDS = {
    "offending": "offences, convictions and antisocial behaviour",
    "custody": "custody episodes",
    "health": "health events (overdoses)",
    "risk": "concerns",
    "referral": "finished referrals, with their contacts and consent",
    "identity": "people with nothing else left (anonymised)",
    "rejected_rows": "rejected import rows",
    "superseded_rows": "earlier versions of imported rows",
    "job_files": "files of subject access requests and extracts",
    "orders": "ended orders, with their sessions, appointments, plans and reviews",
    "court_reports": "reports to court",
    "assessments": "assessments",
    "mappa": "ended MAPPA entries",
}


def periods_in_words() -> list[tuple[str, str]]:
    """Each retention period as (what, how long): "custody episodes", "6 years"."""
    said = []
    for code, days in RetentionPeriod.objects.order_by("code").values_list("code", "days"):
        years = days / 365.25
        length = (
            f"{round(years)} year{'s' if round(years) != 1 else ''}"
            if days >= 365 and abs(years - round(years)) < 0.01
            else f"{days} days"
        )
        said.append((KEPT_WORDS.get(code, code.replace("_", " ")), length))
    return said


def run_retention(
    *,
    apply: bool,
    as_of: dt.date | None = None,
    by: Any = None,
    channel: str = "cli",
    progress: Progress | None = None,
) -> list[RetentionStep]:
    """Every retention step with what it removes (apply) or would remove (dry run); an
    applied run is audited as done by `by` (the operator on the command line) through
    `channel`. `progress` is told each step."""
    tell = progress or silent
    today = as_of or timezone.localdate()
    now = (
        timezone.now()
        if as_of is None
        else timezone.make_aware(dt.datetime.combine(as_of, dt.time()))
    )
    periods = dict(RetentionPeriod.objects.values_list("code", "days"))
    kinds = dict(DataCategory.objects.values_list("code", "event_kinds"))
    steps: list[tuple[str, str, Callable[[], int], Callable[[], int]]] = []

    def cutoff(code: str) -> dt.date:
        return today - dt.timedelta(days=periods[code])

    for code in ("offending", "custody", "health", "risk"):
        if code in periods and kinds.get(code):
            events = _event_step(kinds[code], cutoff(code))
            steps.append((code, f"{code} events deleted", events.count,
                          _deleting(events)))  # fmt: skip
    if "referral" in periods:
        referrals = _old_referrals(cutoff("referral"))
        steps.append(("referral", "finished referrals deleted", referrals.count,
                      _deleting_referrals(referrals)))  # fmt: skip
    # Justice social work's records: an order from the day it ended (with everything of
    # it), a report from the hearing, an assessment from the day made, MAPPA from its end.
    casework = {
        "orders": ("ended orders deleted", Order.objects.filter(ended_on__isnull=False),
                   "ended_on"),
        "court_reports": ("court reports deleted", CourtReport.objects.all(), "due_on"),
        "assessments": ("assessments deleted", Assessment.objects.all(), "assessed_on"),
        "mappa": ("ended MAPPA entries deleted", Mappa.objects.filter(to_on__isnull=False),
                  "to_on"),
    }  # fmt: skip
    for code, (what, rows, day) in casework.items():
        if code in periods:
            old = rows.filter(**{f"{day}__lt": cutoff(code)})
            steps.append((code, what, old.count, _deleting_with_parts(old)))
    if "rejected_rows" in periods:
        since = now - dt.timedelta(days=periods["rejected_rows"])
        rejected = RejectedRow.objects.filter(run__started_at__lt=since)
        steps.append(("rejected_rows", "rejected import rows deleted", rejected.count,
                      _deleting(rejected)))  # fmt: skip
    if "superseded_rows" in periods:
        since = now - dt.timedelta(days=periods["superseded_rows"])
        superseded = SupersededRow.objects.filter(replaced_at__lt=since)
        steps.append(("superseded_rows", "earlier versions of rows deleted", superseded.count,
                      _deleting(superseded)))  # fmt: skip
    if "job_files" in periods:
        since = now - dt.timedelta(days=periods["job_files"])
        old_jobs = GovernanceJob.objects.filter(finished_at__lt=since)
        steps.append((
            "job_files", "job files deleted (subject access bundles, extracts)",
            lambda: _jobs_with_files(old_jobs), lambda: _delete_files(old_jobs),
        ))  # fmt: skip
    done: list[RetentionStep] = []
    with transaction.atomic():
        total = len(steps) + ("identity" in periods)
        for n, (code, what, count, act) in enumerate(steps):
            tell(n, total, what)
            done.append(RetentionStep(code, periods[code], what, act() if apply else count()))
        tell(len(steps), total, "people with nothing left")
        # Last, so people emptied by the steps above are anonymised in the same run.
        if "identity" in periods:
            people = _people_with_nothing_left(cutoff("identity"))
            n = _anonymise(people) if apply else people.count()
            done.append(RetentionStep("identity", periods["identity"],
                                      "people with nothing left anonymised", n))  # fmt: skip
        if apply:
            record_access(
                by or AnonymousUser(),
                action="retention",
                allowed=True,
                categories={s.code for s in done if s.code in kinds},
                purpose="keeping data no longer than the retention periods allow",
                basis="retention.toml",
                detail="; ".join(f"{s.code}: {s.count} {s.what}" for s in done)[:500],
                channel=channel,
            )
    tell(total, total, "done")
    return done
