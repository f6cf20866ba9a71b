"""Justice social work's pages through the door: the worker's due list and order page
with its forms (a refusal said on its field, nothing saved), the police's summary of an
order and nothing more, a partner's 404, the unpaid work supervisor's register (names,
hours and attendance only; no person pages), and the team manager's view."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.audit.models import AccessEvent
from pathways.cases.models import Contact
from pathways.casework.models import BreachReport, Order, Project
from pathways.casework.orders import impose_order
from pathways.casework.reports import allocate_report, request_report
from tests.conftest import REQUIRE_ALL
from tests.world import make_person, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(partnership: None):
    today = timezone.localdate()
    worker = make_user("socialworker", "CJSW_NE", "cjsw_worker")
    person = make_person("Rory", "Payback", dt.date(1990, 3, 3),
                         records=(("HSCP_CJSW", "CJ1"), ("POLICE", "PR1")))  # fmt: skip
    record = person.records.get(agency_id="HSCP_CJSW")
    order = impose_order(record, type="cpo", court="sheriff_summary",
                         imposed_on=today - dt.timedelta(days=10), upw_hours=100,
                         supervision_months=12, team="CJSW_NE", worker=worker)  # fmt: skip
    Order.objects.filter(pk=order.pk).update(project_id="NE_GARDENS")
    order.refresh_from_db()
    return {"today": today, "worker": worker, "person": person, "record": record, "order": order}


def test_the_worker_sees_what_is_due_and_why(client: Client, world) -> None:
    client.force_login(world["worker"])
    page = client.get("/casework/due/").content.decode()
    assert "Rory Payback" in page
    # Imposed 10 days ago with no session: the placement is overdue.
    assert "Unpaid work to start by" in page and "Overdue" in page
    assert "Case management plan to agree by" in page
    assert AccessEvent.objects.filter(action="casework", user=world["worker"]).exists()


def test_the_order_page_records_a_session_and_says_a_refusal_on_its_field(client, world):
    client.force_login(world["worker"])
    url = f"/casework/orders/{world['order'].pk}/"
    page = client.get(url).content.decode()
    assert "0 of 100 hours done" in page and "Sessions and appointments (0)" in page
    day = (world["today"] - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    refused = client.post(url + "sessions/new/", {
        "kind": "upw", "on": day, "project": "NE_GARDENS", "hours_offered": "6",
        "attendance": "attended", "hours_credited": "7",
    })  # fmt: skip
    assert refused.status_code == 400
    assert "7 hours credited is more than the 6 offered." in refused.content.decode()
    assert not Contact.objects.exists()
    ok = client.post(url + "sessions/new/", {
        "kind": "upw", "on": day, "project": "NE_GARDENS", "hours_offered": "6.5",
        "attendance": "attended",
    })  # fmt: skip
    assert ok.status_code == 302
    assert "6.5 of 100 hours done" in client.get(url).content.decode()


def test_a_breach_report_without_a_warning_asks_why(client, world):
    client.force_login(world["worker"])
    url = f"/casework/orders/{world['order'].pk}/breaches/new/"
    day = world["today"].strftime("%d/%m/%Y")
    asked = client.post(url, {"breach-on": day, "breach-reason": "Failed to attend"})
    assert asked.status_code == 400
    assert "No warning is recorded on this order" in asked.content.decode()
    ok = client.post(url, {"breach-on": day, "breach-reason": "Failed to attend",
                           "breach-without_warning_reason": "A serious new offence"})  # fmt: skip
    assert ok.status_code == 302 and BreachReport.objects.count() == 1


def test_the_police_see_that_an_order_exists_and_nothing_of_its_progress(client, world):
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    page = client.get(f"/casework/orders/{world['order'].pk}/").content.decode()
    assert "is subject to a community payback order" in page
    for private in ("hours done", "Sessions and appointments", "Requirements", "Plan and reviews"):
        assert private not in page
    look = AccessEvent.objects.filter(action="order").latest("id")
    assert look.categories == {"orders": ["HSCP_CJSW"]} or "orders" in str(look.categories)


def test_a_partner_is_not_told_the_order_exists(client, world):
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    assert client.get(f"/casework/orders/{world['order'].pk}/").status_code == 404
    assert AccessEvent.objects.filter(action="order", decision="refused").exists()


def test_the_supervisor_keeps_a_register_of_twelve_in_one_request(client, world):
    others = []
    for n in range(11):
        p = make_person("Squad", f"Member{n:02d}", dt.date(1995, 1, 1),
                        records=(("HSCP_CJSW", f"SQ{n}"),))  # fmt: skip
        o = impose_order(p.records.get(), type="cpo", court="justice_of_peace",
                         imposed_on=world["today"] - dt.timedelta(days=5), upw_hours=40)  # fmt: skip
        Order.objects.filter(pk=o.pk).update(project_id="NE_GARDENS")
        others.append(o)
    supervisor = make_user("upwsupervisor", "CJSW_NE", "upw_supervisor")
    client.force_login(supervisor)
    # No person pages, no orders' pages: only the register.
    assert client.get(f"/people/{world['person'].pk}/").status_code in (403, 404)
    assert client.get(f"/casework/orders/{world['order'].pk}/").status_code == 403
    url = f"/casework/squads/NE_GARDENS/{world['today']:%Y-%m-%d}/"
    page = client.get(url).content.decode()
    assert "Rory Payback" in page and "Squad Member10" in page
    assert "1990" not in page  # no date of birth, nothing beyond the session's needs
    orders = [world["order"], *others]
    post = {"hours_offered": "7"} | {f"att_{o.pk}": "attended" for o in orders}
    post[f"att_{others[0].pk}"] = "sent_home"  # without the hours worked: refused
    refused = client.post(url, post)
    assert refused.status_code == 400 and "nothing was saved" in refused.content.decode()
    assert "Squad Member00" in refused.content.decode()
    assert not Contact.objects.exists()
    post[f"worked_{others[0].pk}"] = "3"
    post[f"reason_{others[0].pk}"] = "Unwell"
    assert client.post(url, post).status_code == 302
    assert Contact.objects.filter(project_id="NE_GARDENS").count() == 12
    assert sum(c.hours_credited for c in Contact.objects.all()) == 11 * 7 + 3
    # Another team's project is not theirs.
    other = f"/casework/squads/NW_PAINTING/{world['today']:%Y-%m-%d}/"
    assert client.get(other).status_code == 404


def test_the_team_manager_sees_the_teams_casework_and_a_report_with_days_left(client, world):
    manager = make_user("cjswmanager", "CJSW_NE", "cjsw_manager")
    report = request_report(None, world["record"], court="sheriff_summary",
                            requested_on=world["today"] - dt.timedelta(days=20),
                            due_on=world["today"] + dt.timedelta(days=21), team="CJSW_NE")  # fmt: skip
    allocate_report(manager, report, author=world["worker"])
    client.force_login(manager)
    mine = client.get("/casework/due/").content.decode()
    assert "No order is allocated to you" in mine
    team = client.get("/casework/due/?team=1").content.decode()
    assert "Rory Payback" in team and "<td>Socialworker</td>" in team
    page = client.get(f"/casework/reports/{report.pk}/").content.decode()
    assert "working days left" in page
    assert Project.objects.filter(code="NE_GARDENS").exists()


def test_a_breach_report_for_court_is_drawn_from_the_record(client, world, tmp_path):
    import shutil
    import subprocess

    from pathways.casework.compliance import give_warning

    give_warning(world["worker"], world["order"], on=world["today"], reason="Missed two sessions")
    client.force_login(world["worker"])
    url = f"/casework/orders/{world['order'].pk}/documents/breach/"
    assert "Your report to the court" in client.get(url).content.decode()
    empty = client.post(url, {"text": ""})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    made = client.post(url, {"text": "Mr Payback has not attended since the order began."})
    assert made.status_code == 200 and made["Content-Type"] == "application/pdf"
    assert made.content.startswith(b"%PDF")
    assert (
        client.get(f"/casework/orders/{world['order'].pk}/documents/nonsense/").status_code == 404
    )
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        assert not REQUIRE_ALL, "pdftotext (poppler-utils) is missing"
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pdf = tmp_path / "breach.pdf"
    pdf.write_bytes(made.content)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    for said in ("Breach report", "Rory Payback", "Hours imposed", "Missed two sessions",
                 "has not attended since the order began"):  # fmt: skip
        assert said in text
    # A partner cannot make one: not even told the order exists.
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    assert client.post(url, {"text": "x"}).status_code == 403


def test_the_orders_agreement_never_opens_a_person_the_police_do_not_know(client, world):
    # Known to justice social work only: the police are not told of them, or their order.
    stranger = make_person("Quinn", "Unknown", dt.date(1988, 8, 8),
                           records=(("HSCP_CJSW", "CJ9"),))  # fmt: skip
    order = impose_order(stranger.records.get(), type="cpo", court="sheriff_summary",
                         imposed_on=world["today"] - dt.timedelta(days=3), upw_hours=40)  # fmt: skip
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    assert client.get(f"/casework/orders/{order.pk}/").status_code == 404
    assert client.get(f"/people/{stranger.pk}/").status_code == 404
    # The person they know shows the order on their page, as its summary's link.
    page = client.get(f"/people/{world['person'].pk}/").content.decode()
    assert 'id="orders"' in page and "Community payback order" in page


def test_a_plan_is_agreed_and_a_review_walks_through_it(client, world):
    from pathways.casework.models import Objective, Review

    client.force_login(world["worker"])
    order = world["order"]
    url = f"/casework/orders/{order.pk}/plan/"
    today = world["today"].strftime("%d/%m/%Y")
    later = (world["today"] + dt.timedelta(days=60)).strftime("%d/%m/%Y")
    undated = client.post(url, {"agreed_on": today, "need_1": "money", "what_1": "Budget",
                                "who_1": "Rory"})  # fmt: skip
    assert undated.status_code == 400
    assert "An objective has a date it is due by." in undated.content.decode()
    ok = client.post(url, {"agreed_on": today, "need_1": "money", "what_1": "Budget",
                           "who_1": "Rory", "by_1": later, "need_2": "health",
                           "what_2": "Register with a GP", "who_2": "Worker", "by_2": later})  # fmt: skip
    assert ok.status_code == 302 and Objective.objects.count() == 2
    review = Review.objects.filter(order=order).first()
    page = client.get(f"/casework/orders/{order.pk}/reviews/{review.pk}/").content.decode()
    assert "Budget (by" in page and "Register with a GP" in page
    budget, gp = Objective.objects.order_by("id")
    dropped = client.post(f"/casework/orders/{order.pk}/reviews/{review.pk}/", {
        "held_on": today, "attended": "Rory, worker", f"status_{budget.pk}": "achieved",
        f"status_{gp.pk}": "dropped", "version": review.version,
    })  # fmt: skip
    assert (
        dropped.status_code == 400
        and "Say why the objective is dropped." in dropped.content.decode()
    )
    held = client.post(f"/casework/orders/{order.pk}/reviews/{review.pk}/", {
        "held_on": today, "attended": "Rory, worker", f"status_{budget.pk}": "achieved",
        f"status_{gp.pk}": "dropped", f"note_{gp.pk}": "Already registered",
        "version": review.version,
    })  # fmt: skip
    assert held.status_code == 302
    review.refresh_from_db()
    assert review.held_on == world["today"]
    assert Objective.objects.get(pk=gp.pk).dropped_reason == "Already registered"


def test_distance_travelled_is_scored_and_drawn_over_time(client, world):
    from pathways.casework.models import Assessment, Instrument

    client.force_login(world["worker"])
    instrument = Instrument.objects.get(code="DISTANCE")
    url = f"/casework/orders/{world['order'].pk}/assessments/DISTANCE/"
    scores = {f"score_{code}": "4" for code, _ in instrument.items}
    out_of_range = client.post(url, {"assessed_on": world["today"].strftime("%d/%m/%Y"),
                                     "stage": "review", **scores, "score_money": "11"})  # fmt: skip
    assert out_of_range.status_code == 400 and not Assessment.objects.exists()
    for days, score in ((20, "3"), (0, "6")):
        on = (world["today"] - dt.timedelta(days=days)).strftime("%d/%m/%Y")
        answer = client.post(url, {"assessed_on": on, "stage": "review",
                                   **{k: score for k in scores}})  # fmt: skip
        assert answer.status_code == 302
    page = client.get(f"/casework/orders/{world['order'].pk}/").content.decode()
    assert "<svg" in page and "Distance travelled" in page


def test_the_team_manager_allocates_a_report(client, world):
    manager = make_user("cjswmanager", "CJSW_NE", "cjsw_manager")
    report = request_report(None, world["record"], court="justice_of_peace",
                            requested_on=world["today"] - dt.timedelta(days=2),
                            due_on=world["today"] + dt.timedelta(days=28), team="CJSW_NE")  # fmt: skip
    client.force_login(manager)
    url = f"/casework/reports/{report.pk}/"
    page = client.get(url).content.decode()
    assert "Allocate the report" in page and "Socialworker" in page
    done = client.post(url, {"allocate": "1", "version": report.version,
                             "author": world["worker"].pk})  # fmt: skip
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.author) == ("allocated", world["worker"])


def test_the_court_s_decisions_and_custody_from_the_order_page(client, world):
    from pathways.casework.models import Variation

    client.force_login(world["worker"])
    order = world["order"]
    base = f"/casework/orders/{order.pk}/steps"
    today = world["today"].strftime("%d/%m/%Y")
    suspended = client.post(f"{base}/suspend/", {"suspend-on": today,
                                                 "suspend-reason": "Remanded", "version": 1})  # fmt: skip
    assert suspended.status_code == 302
    page = client.get(f"/casework/orders/{order.pk}/").content.decode()
    assert "Suspended (in custody)" in page and "Resume the order" in page
    stale = client.post(f"{base}/resume/", {"resume-on": today, "version": 1})
    assert stale.status_code == 400 and "reload it" in stale.content.decode()
    assert client.post(f"{base}/resume/", {"resume-on": today, "version": 2}).status_code == 302
    varied = client.post(f"{base}/vary/", {"vary-on": today, "vary-upw_hours": "120",
                                           "vary-reason": "On appeal", "version": 3})  # fmt: skip
    assert varied.status_code == 302
    assert Variation.objects.get().new == "120"
    too_many = client.post(f"{base}/vary/", {"vary-on": today, "vary-upw_hours": "400",
                                             "vary-reason": "x", "version": 4})  # fmt: skip
    assert too_many.status_code == 400 and "not 400" in too_many.content.decode()
    ended = client.post(f"{base}/end/", {"end-on": today, "end-ending": "completed",
                                         "version": 4})  # fmt: skip
    assert ended.status_code == 302
    assert "The order has ended." in client.get(f"/casework/orders/{order.pk}/").content.decode()


def test_the_home_page_says_what_is_due_first(client, world):
    client.force_login(world["worker"])
    page = client.get("/").content.decode()
    # The placement (overdue: imposed 10 days ago), the plan and the hours at risk.
    assert "things due on your orders and court reports (1 overdue)" in page
    assert 'href="/casework/due/#due"' in page


def test_the_due_list_counts_absences_since_the_last_warning(client, world):
    from pathways.casework.compliance import give_warning
    from pathways.casework.models import CompliancePolicy
    from pathways.casework.sessions import record_session

    CompliancePolicy.objects.update_or_create(
        code="default", defaults={"absences": 2, "within_months": 12, "warnings": 3}
    )
    order, today = world["order"], world["today"]
    for days in (9, 8):
        record_session(world["worker"], order, kind="supervision",
                       on=today - dt.timedelta(days=days), attendance="unacceptable_absence")  # fmt: skip
    client.force_login(world["worker"])
    assert (
        "2 unacceptable absences since the last warning"
        in client.get("/casework/due/").content.decode()
    )
    give_warning(world["worker"], order, on=today - dt.timedelta(days=7), reason="two missed")
    record_session(world["worker"], order, kind="supervision", on=today - dt.timedelta(days=6),
                   attendance="unacceptable_absence")  # fmt: skip
    page = client.get("/casework/due/").content.decode()
    assert "unacceptable absences since the last warning" not in page  # one since: not due
