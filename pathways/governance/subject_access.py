"""Subject access: everything Pathways holds about one person, from every agency, with the
access log about them — as JSON (complete, for the DPO's records) and a readable PDF.

Staff are named by role and agency in the access log, not by username or address: those
are other people's data, for the data protection officer to add where right.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from pathways.audit.log import operator_name, record_access
from pathways.cases.models import Amendment, Contact, CustodyVisit, EngagementPlan
from pathways.casework.models import (
    Assessment,
    BreachReport,
    CourtReport,
    Mappa,
    Objective,
    Order,
    Review,
    Suspension,
    Variation,
    Warning,
)
from pathways.events.models import Event
from pathways.feeds.models import SupersededRow
from pathways.governance.audit_queries import looks_at_person
from pathways.governance.progress import Progress, silent
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Consent, Referral, Transition
from pathways.sharing.grants import User

BASIS = "subject access request (UK GDPR Art 15)"


class PersonNotFound(Exception):
    """No person has that id."""


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _rows(queryset: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in queryset.values(*fields)]


def _earlier_versions(person: Person, referrals: Any) -> list[dict[str, Any]]:
    """Superseded import rows about the person, oldest first, as the agency sent them."""
    records = [f"{a}/{r}" for a, r in person.records.values_list("agency_id", "person_ref")]
    events = [
        f"{a}/{r}"
        for a, r in Event.objects.filter(person=person).values_list("agency_id", "event_ref")
    ]
    refs = [r for r in referrals.values_list("referral_ref", flat=True) if r]
    rows = SupersededRow.objects.filter(
        Q(kind="people", key__in=records)
        | Q(kind="events", key__in=events)
        | Q(kind="referrals", key__in=refs)
    ).order_by("replaced_at", "pk")
    return [
        {"kind": r.kind, "key": r.key, "replaced_at": r.replaced_at.isoformat(),
         "content": r.content}
        for r in rows
    ]  # fmt: skip


def gather(person_id: int) -> dict[str, Any]:
    """Everything held about the person, as plain data (dates as ISO text)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise PersonNotFound(f"no person has id {person_id}")
    referrals = Referral.objects.filter(person=person).order_by("referred_on", "id")
    return {
        "generated_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": _plain(person.date_of_birth),
            "sex": person.sex,
        },
        "agency_records": _rows(
            AgencyRecord.objects.filter(person=person).order_by("agency_id", "person_ref"),
            (
                "agency_id",
                "agency__name",
                "person_ref",
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "postcode",
                "area_id",
                "address",
                "link_method",
                "created_at",
                "updated_at",
            ),
        ),  # fmt: skip
        "events": _rows(
            Event.objects.filter(person=person).order_by("occurred_at", "id"),
            (
                "agency_id",
                "agency__name",
                # Which of the agency's references holds the event: an agency may hold
                # two for one person.
                "record__person_ref",
                "event_ref",
                "kind",
                "occurred_at",
                "crime_group",
                "category",
                "area_id",
                "flags",
                "disposal",
                "offence_date",
            ),
        ),  # fmt: skip
        "referrals": _rows(
            referrals,
            (
                "id",
                "referral_ref",
                "service_id",
                "service__name",
                "record__agency_id",
                "referred_on",
                "state",
                "decision",
                "decided_on",
                "consent_on",
                "started_on",
                "ended_on",
                "end_reason",
                "closing_reason",
            ),
        ),  # fmt: skip
        "referral_steps": _rows(
            Transition.objects.filter(referral__person=person).order_by("referral_id", "on", "id"),
            ("referral_id", "from_state", "to_state", "on", "reason"),
        ),
        "consents": _rows(
            Consent.objects.filter(person=person).order_by("on", "id"),
            (
                "service_id",
                "service__name",
                "answer",
                "on",
                "method",
                "witness",
                "scan",
                "recorded_at",
                "withdrawn_on",
                "withdrawn_reason",
            ),
        ),  # fmt: skip
        # The services' own records of the work with the person, and every correction
        # of them with the old and new values.
        "engagement_plans": _rows(
            EngagementPlan.objects.filter(referral__person=person).order_by("referral_id"),
            ("referral_id", "focus_areas", "ratings", "recorded_at"),
        ),
        "contacts": _rows(
            Contact.objects.filter(person=person).order_by("on", "id"),
            (
                "kind",
                "referral_id",
                "order_id",
                "on",
                "attendance",
                "mode",
                "project_id",
                "hours_offered",
                "hours_credited",
                "reason",
                "evidence",
                "notes",
                "concerns",
                "recorded_at",
            ),  # fmt: skip
        ),
        "custody_visits": _rows(
            CustodyVisit.objects.filter(person=person).order_by("created_at", "id"),
            (
                "event__event_ref",
                "outcome",
                "seen_on",
                "conversation",
                "signposted_to",
                "recorded_at",
            ),
        ),  # fmt: skip
        "corrections": _rows(
            Amendment.objects.filter(
                Q(referral__person=person) | Q(custody_visit__person=person)
            ).order_by("at", "id"),
            (
                "kind",
                "referral_id",
                "contact__on",
                "custody_visit_id",
                "field",
                "old",
                "new",
                "why",
                "at",
            ),
        ),  # fmt: skip
        # Justice social work's records (CASEWORK.md): reports to court, orders with
        # their variations, warnings, breach reports and plans, reviews, assessments and
        # MAPPA (sessions and appointments are in "contacts").
        **_casework(person),
        # What agencies sent before they corrected it: earlier versions of the person's
        # records, events and referrals that a later import replaced.
        "earlier_versions": _earlier_versions(person, referrals),
        "access_log": _rows(
            looks_at_person(person_id).order_by("seq"),
            (
                "seq",
                "at",
                "roles",
                "action",
                "channel",
                "decision",
                "categories",
                "purpose",
                "basis",
            ),
        ),  # fmt: skip
    }


CASEWORK_SECTIONS = (
    "court_reports", "orders", "order_variations", "order_suspensions", "warnings",
    "breach_reports", "case_plans", "reviews", "assessments", "mappa",
)  # fmt: skip


def _casework(person: Person) -> dict[str, list[dict[str, Any]]]:
    of_orders = {"order__person": person}
    return {
        "court_reports": _rows(
            CourtReport.objects.filter(person=person).order_by("requested_on", "id"),
            ("id", "report_ref", "record__agency_id", "court", "requested_on", "due_on",
             "status", "submitted_on", "risk_level", "proposal", "sentence"),
        ),
        "orders": _rows(
            Order.objects.filter(person=person).order_by("imposed_on", "id"),
            ("id", "order_ref", "record__agency_id", "type", "court", "imposed_on",
             "expected_end", "upw_hours", "other_activity_hours", "supervision_months",
             "requirements", "state", "ended_on", "team_id", "project_id"),
        ),
        "order_variations": _rows(
            Variation.objects.filter(**of_orders).order_by("on", "id"),
            ("order_id", "on", "field", "old", "new", "reason", "at"),
        ),
        "order_suspensions": _rows(
            Suspension.objects.filter(**of_orders).order_by("from_on", "id"),
            ("order_id", "from_on", "to_on", "reason"),
        ),
        "warnings": _rows(
            Warning.objects.filter(**of_orders).order_by("on", "id"),
            ("order_id", "on", "reason", "contact__on"),
        ),
        "breach_reports": _rows(
            BreachReport.objects.filter(**of_orders).order_by("on", "id"),
            ("order_id", "on", "reason", "without_warning_reason", "outcome", "outcome_on"),
        ),
        "case_plans": _rows(
            Objective.objects.filter(plan__order__person=person).order_by("plan_id", "id"),
            ("plan__order_id", "plan__agreed_on", "need_area", "what", "who", "by_when",
             "status", "dropped_reason"),
        ),
        "reviews": _rows(
            Review.objects.filter(**of_orders).order_by("due_on", "id"),
            ("order_id", "due_on", "held_on", "attended", "progress", "notes"),
        ),
        "assessments": _rows(
            Assessment.objects.filter(person=person).order_by("assessed_on", "id"),
            ("assessment_ref", "record__agency_id", "instrument", "stage", "assessed_on",
             "level", "scores"),
        ),
        "mappa": _rows(
            Mappa.objects.filter(person=person).order_by("from_on", "id"),
            ("category", "level", "from_on", "to_on"),
        ),
    }  # fmt: skip


def _who(user: User | None, channel: str) -> str:
    """Who asked: the signed-in user on the pages, the operator on the command line."""
    if channel != "cli" and user is not None:
        return user.get_username()
    return operator_name()


@dataclass(frozen=True)
class SubjectAccessFiles:
    json_path: Path
    pdf_path: Path
    counts: dict[str, int]


def write_subject_access(
    person_id: int,
    out_dir: Path,
    *,
    requested_by: User | None = None,
    channel: str = "cli",
    progress: Progress | None = None,
) -> SubjectAccessFiles:
    """Write person-ID-subject-access.json and .pdf into `out_dir`, audited as asked
    through `channel` by `requested_by`; `progress(done, of, what)` is told each step."""
    from weasyprint import HTML  # imported here: loading pango takes a moment

    tell = progress or silent
    tell(0, 3, "gathering what every agency holds")
    bundle = gather(person_id)
    tell(1, 3, "writing the JSON and the PDF")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"person-{person_id}-subject-access"
    json_path, pdf_path = stem.with_suffix(".json"), stem.with_suffix(".pdf")
    json_path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False), encoding="utf-8")
    html = render_to_string("sar/report.html", {"b": bundle})
    HTML(string=html).write_pdf(pdf_path)
    tell(2, 3, "recording the request in the access audit")
    counts = {
        name: len(bundle[name])
        for name in (
            "agency_records",
            "events",
            "referrals",
            "consents",
            "contacts",
            "custody_visits",
            "corrections",
            "earlier_versions",
            "access_log",
            *CASEWORK_SECTIONS,
        )
    }
    from django.contrib.auth.models import AnonymousUser

    record_access(
        requested_by or AnonymousUser(),
        action="subject_access",
        allowed=True,
        person_id=person_id,
        categories={"identity", "offending", "custody", "health", "referral", "risk"},
        purpose="answering the person's subject access request",
        basis=BASIS,
        detail=f"written to {out_dir} by {_who(requested_by, channel)}",
        channel=channel,
    )
    tell(3, 3, "done")
    return SubjectAccessFiles(json_path, pdf_path, counts)
