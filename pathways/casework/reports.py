"""Court reports (criminal justice social work reports): requested by a court, allocated
to an author, submitted by the last working day before the hearing, or cancelled; then
the sentence the court passed. One function per step: lock, check, change, record who."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.casework.models import Court, CourtReport, Level
from pathways.casework.refusals import locked, refuse, who
from pathways.casework.working_days import last_working_day_before
from pathways.people.models import AgencyRecord

S = CourtReport.Status
# The steps each status allows (the transitions table).
NEXT = {
    S.REQUESTED: (S.ALLOCATED, S.CANCELLED),
    S.ALLOCATED: (S.ALLOCATED, S.SUBMITTED, S.CANCELLED),
    S.SUBMITTED: (),
    S.CANCELLED: (),
}


def deadline(report: CourtReport) -> dt.date:
    """The day the report must reach the court by: the last working day before the
    hearing."""
    return last_working_day_before(report.due_on)


def request_report(
    user: Any,
    record: AgencyRecord,
    *,
    court: str,
    requested_on: dt.date,
    due_on: dt.date,
    team: str | None = None,
    report_ref: str | None = None,
) -> CourtReport:
    """A court asked for a report on the person `record` names, for a hearing on `due_on`."""
    if court not in Court.values:
        raise refuse("court", f"{court!r} is not a court ({', '.join(Court.values)})")
    if due_on <= requested_on:
        raise refuse("due_on", "the hearing is after the day the report was requested")
    return CourtReport.objects.create(
        person_id=record.person_id, record=record, court=court, requested_on=requested_on,
        due_on=due_on, team_id=team, report_ref=report_ref,
    )  # fmt: skip


def _move(report: CourtReport, to: str) -> CourtReport:
    row = locked(report)
    if to not in NEXT[CourtReport.Status(row.status)]:
        raise refuse("status", f"a report that is {row.status} cannot become {to}")
    return row


def allocate_report(user: Any, report: CourtReport, *, author: Any) -> CourtReport:
    """Give the report to its author (again, to another author)."""
    if not getattr(author, "pk", None):
        raise refuse("author", "choose the worker who writes the report")
    with transaction.atomic():
        row = _move(report, S.ALLOCATED)
        CourtReport.objects.filter(pk=row.pk).update(
            status=S.ALLOCATED, author=author, version=row.version + 1
        )
    return CourtReport.objects.get(pk=report.pk)


def submit_report(
    user: Any, report: CourtReport, *, on: dt.date, risk_level: str, proposal: str
) -> CourtReport:
    """The report went to the court on `on`, with the assessed risk/need level and the
    proposal made."""
    if risk_level not in Level.values:
        raise refuse("risk_level", f"choose a level ({', '.join(Level.values)})")
    if not proposal.strip():
        raise refuse("proposal", "say what the report proposes to the court")
    with transaction.atomic():
        row = _move(report, S.SUBMITTED)
        if on < row.requested_on:
            raise refuse("on", f"the report was requested on {row.requested_on}")
        if on > row.due_on:
            raise refuse("on", f"the hearing was on {row.due_on}: a report is submitted before it")
        CourtReport.objects.filter(pk=row.pk).update(
            status=S.SUBMITTED, submitted_on=on, risk_level=risk_level,
            proposal=proposal.strip(), author=row.author or who(user), version=row.version + 1,
        )  # fmt: skip
    return CourtReport.objects.get(pk=report.pk)


def cancel_report(user: Any, report: CourtReport, *, reason: str) -> CourtReport:
    """The court no longer needs the report (a plea changed, the case was deserted)."""
    if not reason.strip():
        raise refuse("reason", "say why the report is cancelled")
    with transaction.atomic():
        row = _move(report, S.CANCELLED)
        CourtReport.objects.filter(pk=row.pk).update(
            status=S.CANCELLED, cancelled_reason=reason.strip()[:300], version=row.version + 1
        )
    return CourtReport.objects.get(pk=report.pk)


def record_sentence(user: Any, report: CourtReport, *, sentence: str) -> CourtReport:
    """What the court decided at the hearing the report was for."""
    if sentence not in CourtReport.Sentence.values:
        raise refuse("sentence", f"choose a sentence ({', '.join(CourtReport.Sentence.values)})")
    with transaction.atomic():
        row = locked(report)
        if row.status != S.SUBMITTED:
            raise refuse("sentence", "the sentence is recorded on a submitted report")
        CourtReport.objects.filter(pk=row.pk).update(sentence=sentence, version=row.version + 1)
    return CourtReport.objects.get(pk=report.pk)
