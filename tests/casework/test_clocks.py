"""The due list's clocks (CASEWORK.md "Clocks"), worked by hand on the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.casework.clocks import due_for_orders, due_for_reports
from pathways.casework.compliance import give_warning
from pathways.casework.models import CompliancePolicy, Order
from pathways.casework.orders import impose_order, suspend_order
from pathways.casework.plans import agree_plan
from pathways.casework.reports import request_report
from pathways.casework.sessions import record_session

pytestmark = pytest.mark.django_db
D = dt.date


def kinds(items):
    return [(d.kind, d.due_on, d.overdue) for d in items]


def test_a_new_order_shows_its_placement_plan_and_review_clocks(record, squad):
    # Imposed Monday 21 July 2025, 60 hours and 12 months' supervision.
    order = impose_order(record, type="cpo", court="sheriff_summary", imposed_on=D(2025, 7, 21),
                         upw_hours=60, supervision_months=12)  # fmt: skip
    # Placement by 28 July; plan by 19 August (the August bank holiday); the first review
    # (21 October) is more than two weeks off.
    assert kinds(due_for_orders([order], D(2025, 7, 22))) == [
        ("placement", D(2025, 7, 28), False), ("plan", D(2025, 8, 19), False),
    ]  # fmt: skip
    assert kinds(due_for_orders([order], D(2025, 7, 29)))[0] == ("placement", D(2025, 7, 28), True)
    record_session(None, order, kind="upw", on=D(2025, 7, 25), project=squad, hours_offered=7,
                   attendance="attended")  # fmt: skip
    agree_plan(None, order, agreed_on=D(2025, 8, 1), objectives=[
        {"need_area": "money", "what": "Budgeting", "who": "Pat", "by_when": D(2025, 10, 1)}])  # fmt: skip
    # 53 of 60 hours are left to do by 21 October: at 5 hours a week they take 74.2 days,
    # so with 75 days left (7 August) they are not at risk, with 74 (8 August) they are.
    assert kinds(due_for_orders([order], D(2025, 8, 7))) == []
    assert kinds(due_for_orders([order], D(2025, 8, 8))) == [("hours", D(2025, 10, 21), False)]
    # From 7 October the review of 21 October is listed too; after it, both overdue.
    assert kinds(due_for_orders([order], D(2025, 10, 6))) == [("hours", D(2025, 10, 21), False)]
    assert kinds(due_for_orders([order], D(2025, 10, 7))) == [
        ("hours", D(2025, 10, 21), False), ("review", D(2025, 10, 21), False),
    ]  # fmt: skip
    assert kinds(due_for_orders([order], D(2025, 10, 22))) == [
        ("hours", D(2025, 10, 21), True), ("review", D(2025, 10, 21), True),
    ]  # fmt: skip


def test_hours_at_risk_and_a_suspension_moves_the_limit(record, squad):
    # 100 hours imposed 1 September 2025: done by 1 December. As of 3 November, 29 days
    # are left; 7 hours done leaves 93, far more than 5 a week.
    order = impose_order(record, type="cpo", court="sheriff_summary", imposed_on=D(2025, 9, 1),
                         upw_hours=100)  # fmt: skip
    record_session(None, order, kind="upw", on=D(2025, 9, 2), project=squad, hours_offered=7,
                   attendance="attended")  # fmt: skip
    hours = [d for d in due_for_orders([order], D(2025, 11, 3)) if d.kind == "hours"]
    assert [(d.due_on, d.why) for d in hours] == [
        (D(2025, 12, 1), "93 hours left to do by 1 December 2025: more than 5 a week")
    ]
    # As of 2 September, 90 days are left: 93 hours is 7.2 a week, still at risk; 60
    # hours would not be (4.7 a week).
    assert [d.kind for d in due_for_orders([order], D(2025, 9, 2))] == ["hours"]
    Order.objects.filter(pk=order.pk).update(upw_hours=60)
    order.refresh_from_db()
    assert due_for_orders([order], D(2025, 9, 2)) == []
    # Suspended from 3 September for 30 days: the limit moves to 31 December.
    suspend_order(None, order, on=D(2025, 9, 3), reason="remanded")
    order.refresh_from_db()
    assert due_for_orders([order], D(2025, 10, 3)) == []  # suspended: no hours clock


def test_warning_then_breach_due(record):
    CompliancePolicy.objects.update_or_create(
        code="default", defaults={"absences": 2, "within_months": 12, "warnings": 2}
    )
    order = impose_order(record, type="cpo", court="sheriff_summary", imposed_on=D(2025, 1, 6),
                         supervision_months=12)  # fmt: skip
    agree_plan(None, order, agreed_on=D(2025, 1, 10), objectives=[
        {"need_area": "money", "what": "Budgeting", "who": "Pat", "by_when": D(2025, 3, 1)}])  # fmt: skip
    for day in (D(2025, 2, 3), D(2025, 2, 10)):
        record_session(None, order, kind="supervision", on=day, attendance="unacceptable_absence")
    assert [(d.kind, d.why) for d in due_for_orders([order], D(2025, 2, 11))] == [
        ("warning", "2 unacceptable absences since the last warning: consider a warning")
    ]
    give_warning(None, order, on=D(2025, 2, 12), reason="missed two")
    give_warning(None, order, on=D(2025, 2, 20), reason="abusive")
    assert [d.kind for d in due_for_orders([order], D(2025, 2, 21))] == ["breach"]


def test_a_report_is_listed_two_working_days_before_its_deadline(record):
    # Hearing Tuesday 5 August 2025: deadline Friday 1 August (4 August a holiday).
    report = request_report(None, record, court="sheriff_summary", requested_on=D(2025, 7, 1),
                            due_on=D(2025, 8, 5))  # fmt: skip
    assert due_for_reports([report], D(2025, 7, 29)) == []  # 3 working days to go
    due = due_for_reports([report], D(2025, 7, 30))  # Thursday and Friday: 2
    assert [(d.kind, d.due_on, d.overdue) for d in due] == [("report", D(2025, 8, 1), False)]
    assert (
        due[0].why
        == "report to the sheriff court (summary) by 1 August 2025 (hearing 5 August 2025)"
    )
    assert due_for_reports([report], D(2025, 8, 4))[0].overdue
