"""The demo's casework: justice social work's day made visible. The migrated orders of
the north east team are allocated (a caseload for `socialworker`, the team's for
`cjswmanager`), unpaid work orders placed on the team's squad projects (the register of
`upwsupervisor`), and one order in each state the pages show, each through the same
service functions as the pages: a session booked for today, a suspended order, a
variation, a warning, a breach report, a plan with a review, a court report allocated and
due within days, an assessment with the open instrument, and MAPPA."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from pathways.casework.assessments import record_assessment, record_mappa
from pathways.casework.compliance import give_warning, report_breach
from pathways.casework.models import Instrument, Order, Project
from pathways.casework.orders import end_order, impose_order, suspend_order, vary_order
from pathways.casework.plans import agree_plan
from pathways.casework.reports import allocate_report, request_report
from pathways.casework.sessions import record_session
from pathways.casework.working_days import working_days_after
from pathways.people.models import AgencyRecord

TEAM = "CJSW_NE"
CASELOAD = 25  # orders allocated to the demo social worker
SQUADS = ("NE_GARDENS", "NE_FURNITURE")


def seed_casework(today: dt.date | None = None) -> dict[str, int]:
    """Allocate and show casework as the demo users; counts of what was done. Runs once:
    nothing when the demo social worker already has orders."""
    today = today or timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["socialworker", "cjswmanager", "upwsupervisor"])}  # fmt: skip
    worker = users.get("socialworker")
    if worker is None or Order.objects.filter(worker=worker).exists():
        return {}
    live = Order.objects.filter(team_id=TEAM, state="active").order_by("-imposed_on", "id")
    allocated = list(live[:CASELOAD])
    Order.objects.filter(pk__in=[o.pk for o in allocated]).update(worker=worker)
    projects = list(Project.objects.filter(code__in=SQUADS))
    placed = 0
    for n, order in enumerate(live.filter(upw_hours__isnull=False)[:20]):
        Order.objects.filter(pk=order.pk).update(project=projects[n % len(projects)])
        placed += 1
    counts = {"allocated": len(allocated), "placed on squads": placed}
    counts |= _showcase(worker, users.get("cjswmanager"), today)
    return counts


def _record() -> AgencyRecord | None:
    """A justice social work record of the north east with no order yet, an adult."""
    return (
        AgencyRecord.objects.filter(agency_id="HSCP_CJSW", area_id="NE",
                                    person__date_of_birth__lt=dt.date(1995, 1, 1))
        .exclude(person__in=Order.objects.values("person"))
        .order_by("pk")
        .select_related("person")
        .first()
    )  # fmt: skip


def _showcase(worker: Any, manager: Any, today: dt.date) -> dict[str, int]:
    shown = 0
    project = Project.objects.get(code="NE_GARDENS")
    # A new order today: placement and plan clocks start; a session booked for tomorrow.
    record = _record()
    if record:
        order = impose_order(record, type="cpo", court="sheriff_summary",
                             imposed_on=today - dt.timedelta(days=2), upw_hours=120,
                             supervision_months=12, team=TEAM, worker=worker)  # fmt: skip
        Order.objects.filter(pk=order.pk).update(project=project)
        record_session(worker, order, kind="supervision", on=today + dt.timedelta(days=1),
                       mode="office")  # fmt: skip
        shown += 1
    # An order well under way: sessions, a plan, a warning, a variation, an assessment.
    record = _record()
    if record:
        started = today - dt.timedelta(days=100)
        order = impose_order(
            record, type="cpo", court="sheriff_summary", imposed_on=started, upw_hours=150,
            supervision_months=18, team=TEAM, worker=worker,
        )  # fmt: skip
        Order.objects.filter(pk=order.pk).update(project=project)
        day = started + dt.timedelta(days=2)
        outcomes = ["attended", "attended", "unacceptable_absence", "attended", "sent_home",
                    "unacceptable_absence", "attended", "attended"]  # fmt: skip
        for outcome in outcomes:
            record_session(worker, order, kind="upw", on=day, project=project, hours_offered=7,
                           attendance=outcome, hours_credited=3 if outcome == "sent_home" else None,
                           reason="felt unwell" if outcome == "sent_home" else "")  # fmt: skip
            day += dt.timedelta(days=7)
        agree_plan(worker, order, agreed_on=working_days_after(started, 12), objectives=[
            {"need_area": "accommodation", "what": "Apply for a tenancy with the housing team",
             "who": "Person and worker", "by_when": started + dt.timedelta(days=60)},
            {"need_area": "drugs_alcohol", "what": "Attend the alcohol group weekly",
             "who": "Person", "by_when": started + dt.timedelta(days=120)},
        ])  # fmt: skip
        give_warning(worker, order, on=started + dt.timedelta(days=40),
                     reason="Two missed unpaid work sessions without a reason")  # fmt: skip
        vary_order(worker, Order.objects.get(pk=order.pk), on=started + dt.timedelta(days=50),
                   reason="Court extended the time for unpaid work (ill health)",
                   upw_extension_months=2)  # fmt: skip
        if Instrument.objects.filter(code="DISTANCE").exists():
            areas = [code for code, _ in Instrument.objects.get(code="DISTANCE").items]
            for weeks, base in ((1, 3), (12, 5)):
                scores = {a: min(10, base + i % 3) for i, a in enumerate(areas)}
                record_assessment(worker, record, instrument="DISTANCE", stage="review",
                                  assessed_on=started + dt.timedelta(weeks=weeks), order=order,
                                  scores=scores)  # fmt: skip
        record_mappa(worker, record, category=2, level=1, from_on=started)
        shown += 1
    # Suspended (remanded in custody), breach reported, transferred, completed.
    for state in ("suspended", "breach", "transferred", "completed"):
        record = _record()
        if record is None:
            continue
        order = impose_order(record, type="cpo", court="justice_of_peace",
                             imposed_on=today - dt.timedelta(days=60), upw_hours=60,
                             supervision_months=6, team=TEAM, worker=worker)  # fmt: skip
        if state == "suspended":
            suspend_order(
                worker, order, on=today - dt.timedelta(days=10), reason="Remanded in custody"
            )
        elif state == "breach":
            report_breach(worker, order, on=today - dt.timedelta(days=5), reason="New offence",
                          without_warning_reason="A serious further offence")  # fmt: skip
        else:
            end_order(worker, order, on=today - dt.timedelta(days=3), ending=state)
        shown += 1
    # A court report due in two working days, allocated to the demo worker.
    record = _record()
    if record and manager is not None:
        hearing = working_days_after(today, 3)
        report = request_report(manager, record, court="sheriff_summary",
                                requested_on=today - dt.timedelta(days=18), due_on=hearing,
                                team=TEAM)  # fmt: skip
        allocate_report(manager, report, author=worker)
        shown += 1
    return {"shown in every state": shown}
