"""Justice social work's six migration feeds (CASEWORK.md "Feeds"): each rule a rejected
row with its reason and the good rows kept, a row sent again left alone, a changed row
updated with its earlier version kept, and the figures read the migrated records."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.cases.models import Contact
from pathways.casework.models import Assessment, CourtReport, Order, Plan, Review
from pathways.feeds.models import RejectedRow, SupersededRow
from pathways.feeds.runner import import_file
from pathways.outcomes.casework import casework_parameters, casework_report

from .conftest import PEOPLE_HEADER

pytestmark = pytest.mark.django_db

ORDERS = ("order_ref,agency,person_ref,type,court,imposed_on,expected_end,upw_hours,"
          "other_activity_hours,supervision_months,requirements,ended_on,end_reason")  # fmt: skip
SESSIONS = "session_ref,order_ref,kind,date,hours_offered,outcome,hours_credited"
REPORTS = ("report_ref,agency,person_ref,court,requested_on,due_on,submitted_on,status,"
           "risk_level,proposal,sentence")  # fmt: skip


@pytest.fixture
def people(write_csv, config_loaded) -> None:
    import_file("people", write_csv("people.csv", PEOPLE_HEADER,
                "HSCP_CJSW,C1,Ryan,Kerr,1990-01-01,M,,",
                "HSCP_CJSW,C2,Amy,Young,2010-06-02,F,,"))  # fmt: skip


def rejected(run) -> dict[int, str]:
    return {r.line: r.reason for r in RejectedRow.objects.filter(run=run).order_by("line")}


def test_orders_are_checked_by_the_order_rules_row_by_row(people, write_csv):
    run = import_file("orders", write_csv("orders.csv", ORDERS,
        "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,100,,12,,,",
        "O2,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,301,,,,,",
        "O3,HSCP_CJSW,C2,cpo,sheriff_summary,2026-06-01,,40,,12,,,",
        "O4,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,100,,,,,completed",
        "O5,HSCP_CJSW,C9,cpo,sheriff_summary,2025-06-01,,100,,,,,",
        "O6,HSCP_CJSW,C1,sds,sheriff_summary,2025-06-01,,,,,,2025-12-01,completed",
    ))  # fmt: skip
    assert (run.created, run.rejected) == (2, 4)
    reasons = rejected(run)
    assert reasons[3] == "upw_hours: unpaid work is 20 to 300 hours, not 301"
    # Amy is 15 on 1 June 2026 (16 on 2 June).
    assert reasons[4] == "upw_hours: unpaid work cannot be imposed on a person under 16 (aged 15)"
    assert reasons[5] == "ended_on: an ending needs its date (ended_on is empty)"
    assert "'C9' is not a person_ref of agency HSCP_CJSW" in reasons[6]
    o1, o6 = Order.objects.order_by("order_ref")
    assert (o1.requirements, o1.state) == (["supervision", "unpaid_work"], "active")
    assert (o6.state, o6.ended_on) == ("completed", dt.date(2025, 12, 1))


def test_sessions_credit_hours_only_when_attended_and_never_above_the_offer(people, write_csv):
    import_file("orders", write_csv("orders.csv", ORDERS,
                "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,100,,12,,,"))  # fmt: skip
    run = import_file("sessions", write_csv("sessions.csv", SESSIONS,
        "S1,O1,upw,2025-06-03,7,attended,7",
        "S2,O1,upw,2025-06-04,7,sent_home,3.5",
        "S3,O1,upw,2025-06-05,6,attended,7",
        "S4,O1,upw,2025-06-06,7,unacceptable_absence,7",
        "S5,O9,upw,2025-06-06,7,attended,7",
        "S6,O1,supervision,2025-06-07,,acceptable_absence,",
        "S7,O1,upw,2025-06-08,7,asleep,",
    ))  # fmt: skip
    assert (run.created, run.rejected) == (3, 4)
    reasons = rejected(run)
    assert reasons[4] == "hours_credited: 7 is more than the hours offered (6)"
    assert reasons[5] == "hours_credited: hours are credited only for attended or sent_home"
    assert reasons[6].startswith("order_ref: is not an order_ref of an order imported before")
    assert reasons[8].startswith("outcome: 'asleep' is not an outcome")
    assert sum(c.hours_credited or 0 for c in Contact.objects.all()) == 10.5
    assert {c.person_id for c in Contact.objects.all()} == {Order.objects.get().person_id}


def test_a_row_sent_again_is_unchanged_and_a_changed_row_keeps_its_earlier_version(
    people, write_csv
):
    import_file("orders", write_csv("orders.csv", ORDERS,
                "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,100,,12,,,"))  # fmt: skip
    first = import_file("sessions", write_csv("s1.csv", SESSIONS, "S1,O1,upw,2025-06-03,7,,"))
    again = import_file("sessions", write_csv("s2.csv", SESSIONS, "S1,O1,upw,2025-06-03,7,,"))
    assert (first.created, again.created, again.unchanged) == (1, 0, 1)
    changed = import_file("sessions", write_csv("s3.csv", SESSIONS,
                          "S1,O1,upw,2025-06-03,7,attended,7"))  # fmt: skip
    assert changed.updated == 1
    session = Contact.objects.get()
    assert (session.attendance, session.hours_credited, session.version) == ("attended", 7, 2)
    assert SupersededRow.objects.get(kind="sessions").content["outcome"] == ""


def test_reports_plans_reviews_and_assessments_land_and_the_figures_read_them(people, write_csv):
    import_file("orders", write_csv("orders.csv", ORDERS,
                "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-02,,100,,12,,,"))  # fmt: skip
    import_file("sessions", write_csv("sessions.csv", SESSIONS,
                "S1,O1,upw,2025-06-06,7,attended,7"))  # fmt: skip
    reports = import_file("court_reports", write_csv("reports.csv", REPORTS,
        "R1,HSCP_CJSW,C1,sheriff_summary,2025-05-01,2025-06-02,2025-05-30,submitted,medium,CPO,cpo",
        "R2,HSCP_CJSW,C1,high,2025-05-01,2025-06-02,,submitted,,,",
        "R3,HSCP_CJSW,C1,sheriff_summary,2025-06-01,2025-05-01,,requested,,,",
    ))  # fmt: skip
    assert (reports.created, reports.rejected) == (1, 2)
    assert rejected(reports)[3] == "submitted_on: is required when the status is submitted"
    plans = import_file("plans", write_csv("plans.csv", "plan_ref,order_ref,agreed_on",
                        "P1,O1,2025-06-20", "P2,O7,2025-06-20"))  # fmt: skip
    assert (plans.created, plans.rejected) == (1, 1)
    reviews = import_file("reviews", write_csv("reviews.csv", "review_ref,order_ref,due_on,held_on",
                          "V1,O1,2025-09-02,2025-09-01", "V2,O1,2025-09-02,2025-05-01"))  # fmt: skip
    assert (reviews.created, reviews.rejected) == (1, 1)
    assert "not held before the order began" in rejected(reviews)[3]
    assessments = import_file("assessments", write_csv(
        "assessments.csv", "assessment_ref,agency,person_ref,instrument,stage,assessed_on,level",
        "A1,HSCP_CJSW,C1,LSCMI,pre_sentence,2025-05-20,medium",
        "A2,HSCP_CJSW,C1,NOPE,pre_sentence,2025-05-20,medium",
    ))  # fmt: skip
    assert (assessments.created, assessments.rejected) == (1, 1)
    assert CourtReport.objects.count() == Plan.objects.count() == Review.objects.count() == 1
    assert Assessment.objects.get().level == "medium"
    # 2 June 2025 (Monday) + 20 working days = 30 June; the plan of 20 June is in time.
    figures = casework_report(casework_parameters(dt.date(2025, 4, 1), dt.date(2026, 4, 1),
                                                  dt.date(2026, 3, 31))).figures  # fmt: skip
    assert figures["placement_within_7_days"].as_json()["numerator"] == 1
    assert figures["plan_within_20_days"].percent == 100
    assert figures["reviews_on_time"].percent == 100
    assert figures["reports_on_time"].percent == 100


def test_a_changed_order_keeps_its_worker_and_project_and_goes_to_the_area_team(people, write_csv):
    from pathways.casework.models import Project
    from pathways.people.models import AgencyRecord
    from tests.world import make_user

    AgencyRecord.objects.filter(person_ref="C1").update(area_id="NE")
    import_file("orders", write_csv("o1.csv", ORDERS,
                "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,100,,12,,,"))  # fmt: skip
    order = Order.objects.get()
    assert order.team_id == "CJSW_NE"
    worker = make_user("worker", "CJSW_NE", "cjsw_worker")
    Order.objects.filter(pk=order.pk).update(
        worker=worker, project=Project.objects.get(code="NE_GARDENS"), team_id="CJSW_NW"
    )
    import_file("orders", write_csv("o2.csv", ORDERS,
                "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,120,,12,,,"))  # fmt: skip
    order.refresh_from_db()
    assert (order.upw_hours, order.worker, order.project_id, order.team_id) == (
        120,
        worker,
        "NE_GARDENS",
        "CJSW_NW",
    )


def test_a_session_outside_its_order_is_rejected_and_a_suspension_stands(people, write_csv):
    from pathways.casework.orders import suspend_order

    import_file("orders", write_csv("o1.csv", ORDERS,
                "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,100,,12,,,",
                "O2,HSCP_CJSW,C1,sds,sheriff_summary,2025-01-06,,,,,,2025-07-04,completed"))  # fmt: skip
    run = import_file("sessions", write_csv("sessions.csv", SESSIONS,
        "S1,O1,upw,2025-05-31,7,attended,7",
        "S2,O2,supervision,2025-07-05,,attended,",
        "S3,O2,supervision,2025-07-04,,attended,",
    ))  # fmt: skip
    assert rejected(run) == {
        2: "date: 2025-05-31 is before the order was imposed (2025-06-01)",
        3: "date: 2025-07-05 is after the order ended (2025-07-04)",
    }
    suspend_order(None, Order.objects.get(order_ref="O1"), on=dt.date(2025, 7, 1),
                  reason="remanded")  # fmt: skip
    import_file("orders", write_csv("o2.csv", ORDERS,
                "O1,HSCP_CJSW,C1,cpo,sheriff_summary,2025-06-01,,110,,12,,,"))  # fmt: skip
    assert Order.objects.get(order_ref="O1").state == "suspended"
