"""Real-browser journeys of justice social work's roles, axe-core on every page each one
visits (the `screenshot` fixture):

1. A justice social worker opens Casework from the menu, sees their order's overdue
   unpaid work placement, opens the order, records a session (first with more hours
   credited than offered: the error summary takes the focus and the title says
   "Error:"), sees the hours ledger move, books a supervision appointment for tomorrow,
   gives a warning, then opens their court report, reads the working days left and
   records it as submitted.
2. The team manager switches to the team's casework, sees the worker beside the case,
   and opens the order.
3. An unpaid work supervisor (no "Find a person") opens Squads and the community
   gardens' register for today; a person sent home without the hours worked refuses the
   whole register (named, the choices kept); with the hours, it is saved and shown.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.cases.models import Contact
from pathways.casework.models import CourtReport, Order
from pathways.casework.models import Warning as FormalWarning
from pathways.casework.orders import impose_order
from pathways.casework.reports import allocate_report, deadline, request_report
from pathways.casework.working_days import working_days_between
from tests.browser.test_person_journeys import make_user, sign_in
from tests.world import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _short(day: dt.date) -> str:
    """A date as the pages' tables write it ("j M Y"): 5 Jun 2026."""
    return f"{day.day} {day:%b %Y}"


def _long(day: dt.date) -> str:
    """A date as the pages' sentences write it ("j F Y"): 5 June 2026."""
    return f"{day.day} {day:%B %Y}"


def _typed(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def placed_order(given: str, family: str, ref: str, *, hours: int = 100,
                 worker: object = None, days_ago: int = 10) -> Order:  # fmt: skip
    """A community payback order of `hours` unpaid work (and, with a worker, 12 months'
    supervision), imposed `days_ago` days ago and placed on the community gardens."""
    person = make_person(given, family, dt.date(1990, 3, 3), records=(("HSCP_CJSW", ref),))
    record = person.records.get(agency_id="HSCP_CJSW")
    order = impose_order(
        record, type="cpo", court="sheriff_summary",
        imposed_on=timezone.localdate() - dt.timedelta(days=days_ago), upw_hours=hours,
        supervision_months=12 if worker is not None else None,
        team="CJSW_NE" if worker is not None else None, worker=worker,
    )  # fmt: skip
    Order.objects.filter(pk=order.pk).update(project_id="NE_GARDENS")
    order.refresh_from_db()
    return order


def allocated_report(worker: object, manager: object) -> CourtReport:
    """A report on Morgan Report for a hearing in three weeks, allocated to `worker`."""
    today = timezone.localdate()
    person = make_person("Morgan", "Report", dt.date(1985, 7, 7), records=(("HSCP_CJSW", "CR1"),))
    report = request_report(
        None, person.records.get(agency_id="HSCP_CJSW"), court="sheriff_summary",
        requested_on=today - dt.timedelta(days=7), due_on=today + dt.timedelta(days=21),
        team="CJSW_NE",
    )  # fmt: skip
    return allocate_report(manager, report, author=worker)


def test_a_justice_social_worker_records_on_an_order_and_submits_a_court_report(
    page: Page, live_server, screenshot
) -> None:
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    worker = make_user("socialworker", "CJSW_NE", "cjsw_worker", "Sam Social")
    manager = make_user("cjswmanager", "CJSW_NE", "cjsw_manager", "Mo Manager")
    order = placed_order("Rory", "Payback", "CJ1", worker=worker)
    report = allocated_report(worker, manager)
    page.set_viewport_size({"width": 1280, "height": 900})
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, live_server.url, "socialworker")
    screenshot(page, "home-cjsw-worker")

    # The due list: the placement is overdue (imposed 10 days ago, nothing attended).
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Casework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casework due")
    expect(page).to_have_title("Casework due – Pathways")
    placement = page.locator("#due-list tbody tr", has_text="Unpaid work to start by")
    expect(placement).to_have_count(1)
    placed_by = order.imposed_on + dt.timedelta(days=7)
    expect(placement).to_contain_text("Rory Payback")
    expect(placement).to_contain_text(f"Unpaid work to start by {_long(placed_by)}")
    expect(placement).to_contain_text("Overdue")
    expect(page.get_by_role("heading", name="Orders (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Court reports to write (1)")).to_be_visible()
    screenshot(page, "casework-due-worker")

    placement.get_by_role("link", name="Rory Payback").click()
    expect(page).to_have_url(f"{live_server.url}/casework/orders/{order.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rory Payback")
    expect(page.locator("main")).to_contain_text("0 of 100 hours done")
    expect(page.get_by_role("heading", name="Sessions and appointments (0)")).to_be_visible()
    screenshot(page, "casework-order-worker")

    # A session with more hours credited than offered: refused, said on the field.
    page.locator("summary", has_text="Record or book a session or appointment").click()
    page.locator("label", has_text="Unpaid work session").click()
    page.get_by_label("Date", exact=True).fill(_typed(today))
    page.get_by_label("Project (a session)").select_option(label="Community gardens, North East")
    page.get_by_label("Hours offered (a session)").fill("6")
    # The design system draws the radio's label over it: the label is what is clicked.
    page.get_by_role("group", name="What happened").locator(
        "label", has_text="Attended"
    ).first.click()
    expect(page.get_by_role("radio", name="Attended", exact=True)).to_be_checked()
    page.get_by_label("Hours worked (sent home)").fill("7")
    screenshot(page, "casework-session-form-worker")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page).to_have_title("Error: Community payback order: Rory Payback – Pathways")
    summary = page.locator(".ds_error-summary")
    expect(summary).to_have_count(1)
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("7 hours credited is more than the 6 offered.")
    expect(page.get_by_label("Hours offered (a session)")).to_have_value("6")
    screenshot(page, "casework-session-error-worker")
    assert not Contact.objects.filter(order=order).exists()

    # Attended, the hours offered credited: the ledger moves.
    page.get_by_label("Hours offered (a session)").fill("7")
    page.get_by_label("Hours worked (sent home)").fill("")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/casework/orders/{order.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Recorded.")
    expect(page.locator("main")).to_contain_text("7 of 100 hours done")
    expect(page.locator("progress#hours-done")).to_have_attribute("value", "7")
    expect(page.get_by_role("heading", name="Sessions and appointments (1)")).to_be_visible()
    screenshot(page, "casework-session-recorded-worker")

    # A supervision appointment booked for tomorrow: booked, its outcome asked once it
    # has happened (no outcome form for a day still to come).
    page.locator("summary", has_text="Record or book a session or appointment").click()
    page.locator("label", has_text="Supervision appointment").click()
    page.get_by_label("Date", exact=True).fill(_typed(tomorrow))
    page.get_by_label("How (an appointment)").select_option("office")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Recorded.")
    expect(page.get_by_role("heading", name="Sessions and appointments (2)")).to_be_visible()
    expect(page.locator("#sessions-table tr", has_text=_short(tomorrow))).to_contain_text("Booked")
    expect(page.get_by_label(f"Outcome of {_short(tomorrow)}")).to_have_count(0)
    booked = Contact.objects.get(order=order, kind="supervision")
    assert booked.on == tomorrow and booked.attendance == ""
    screenshot(page, "casework-appointment-booked-worker")

    # A warning.
    page.locator("summary", has_text="Give a warning").click()
    page.get_by_label("Date of the warning").fill(_typed(today))
    page.get_by_label("What the warning is for").fill("Left the session early without leave")
    page.get_by_role("button", name="Record the warning").click()
    expect(page.get_by_role("status")).to_contain_text("The warning is recorded.")
    expect(page.locator("main")).to_contain_text(
        f"Warning on {_long(today)}: Left the session early without leave"
    )
    screenshot(page, "casework-warning-worker")
    assert FormalWarning.objects.filter(order=order).count() == 1

    # The court report, from the list of reports to write.
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Casework").click()
    page.get_by_role("link", name="Morgan Report").click()
    expect(page).to_have_url(f"{live_server.url}/casework/reports/{report.pk}/")
    by = deadline(report)
    left = working_days_between(today, by)
    expect(page.locator("main")).to_contain_text("To reach the court by")
    expect(page.locator("main")).to_contain_text(
        f"{left} working day{'s' if left != 1 else ''} left"
    )
    screenshot(page, "casework-report-worker")
    page.get_by_label("Date submitted to the court").fill(_typed(today))
    page.get_by_label("Assessed risk/need level").select_option("medium")
    page.get_by_label("What the report proposes").fill(
        "A community payback order with supervision."
    )
    page.get_by_role("button", name="Record as submitted").click()
    expect(page.get_by_role("status")).to_contain_text("The report is recorded as submitted.")
    expect(page.locator("main")).to_contain_text(f"Submitted on {_long(today)}")
    expect(page.get_by_role("heading", name="The court's sentence")).to_be_visible()
    screenshot(page, "casework-report-submitted-worker")
    report.refresh_from_db()
    assert report.status == "submitted" and report.risk_level == "medium"
    assert not script_errors, script_errors


def test_the_team_manager_reads_the_teams_casework_and_opens_an_order(
    page: Page, live_server, screenshot
) -> None:
    worker = make_user("socialworker", "CJSW_NE", "cjsw_worker", "Sam Social")
    make_user("cjswmanager", "CJSW_NE", "cjsw_manager", "Mo Manager")
    order = placed_order("Rory", "Payback", "CJ1", worker=worker)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "cjswmanager")
    screenshot(page, "home-cjsw-manager")

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Casework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casework due")
    tabs = page.get_by_role("navigation", name="Whose casework")
    expect(tabs.locator("[aria-current=page]")).to_have_text("mine")
    expect(page.locator("main")).to_contain_text("No order is allocated to you")
    screenshot(page, "casework-due-manager-mine")

    tabs.get_by_role("link", name="the team's").click()
    expect(page).to_have_url(f"{live_server.url}/casework/due/?team=1")
    expect(page.get_by_role("heading", level=1)).to_have_text("The team's casework")
    expect(tabs.locator("[aria-current=page]")).to_have_text("the team's")
    placement = page.locator("#due-list tbody tr", has_text="Unpaid work to start by")
    expect(placement).to_contain_text("Rory Payback")
    expect(placement.locator("td").last).to_have_text("Sam Social")
    screenshot(page, "casework-due-manager-team")

    placement.get_by_role("link", name="Rory Payback").click()
    expect(page).to_have_url(f"{live_server.url}/casework/orders/{order.pk}/")
    expect(page.locator("main")).to_contain_text("Sam Social")
    expect(page.locator("main")).to_contain_text("0 of 100 hours done")
    screenshot(page, "casework-order-manager")


def test_an_unpaid_work_supervisor_keeps_the_squads_register(
    page: Page, live_server, screenshot
) -> None:
    today = timezone.localdate()
    squad = [
        placed_order("Ash", "Gardener", "SQ1", hours=40, days_ago=5),
        placed_order("Blair", "Gardener", "SQ2", hours=40, days_ago=5),
        placed_order("Casey", "Gardener", "SQ3", hours=40, days_ago=5),
    ]
    ash, blair, casey = squad
    make_user("upwsupervisor", "CJSW_NE", "upw_supervisor", "Una Supervisor")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "upwsupervisor")
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Squads")).to_be_visible()
    expect(menu.get_by_role("link", name="Find a person")).to_have_count(0)
    expect(menu.get_by_role("link", name="Casework")).to_have_count(0)
    screenshot(page, "home-upw-supervisor")

    menu.get_by_role("link", name="Squads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Unpaid work squads")
    screenshot(page, "casework-squads-supervisor")
    page.get_by_role("link", name="Community gardens, North East").click()
    expect(page).to_have_url(f"{live_server.url}/casework/squads/NE_GARDENS/{today:%Y-%m-%d}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Community gardens, North East")
    for name in ("Ash Gardener", "Blair Gardener", "Casey Gardener"):
        expect(page.locator("#register")).to_contain_text(name)
    expect(page.get_by_label("Hours offered today")).to_have_value("7")
    screenshot(page, "casework-register-supervisor")

    # Blair sent home without the hours worked: nothing is saved, Blair is named.
    page.get_by_label("What happened for Ash Gardener").select_option("attended")
    page.get_by_label("What happened for Blair Gardener").select_option("sent_home")
    page.get_by_label("What happened for Casey Gardener").select_option("attended")
    page.get_by_label("Reason for Blair Gardener").fill("Unwell")
    page.get_by_role("button", name="Save the register").click()
    summary = page.locator(".ds_error-summary")
    expect(summary).to_contain_text("There is a problem: nothing was saved")
    expect(summary).to_contain_text("Blair Gardener")
    expect(summary).to_be_focused()
    expect(page).to_have_title(f"Error: Community gardens, North East, {_long(today)} – Pathways")
    # The choices made are kept: nothing is chosen twice.
    expect(page.get_by_label("What happened for Ash Gardener")).to_have_value("attended")
    expect(page.get_by_label("What happened for Blair Gardener")).to_have_value("sent_home")
    expect(page.get_by_label("What happened for Casey Gardener")).to_have_value("attended")
    expect(page.get_by_label("Reason for Blair Gardener")).to_have_value("Unwell")
    screenshot(page, "casework-register-error-supervisor")
    assert not Contact.objects.filter(order__in=squad).exists()

    page.get_by_label("Hours Blair Gardener worked before being sent home").fill("3")
    page.get_by_role("button", name="Save the register").click()
    expect(page.get_by_role("status")).to_contain_text("The register of 3 is saved.")
    register = page.locator("#register")
    expect(register.locator("tr", has_text="Ash Gardener")).to_contain_text("Attended, 7 hours")
    expect(register.locator("tr", has_text="Blair Gardener")).to_contain_text("Sent home, 3 hours")
    expect(register.locator("tr", has_text="Casey Gardener")).to_contain_text("Attended, 7 hours")
    expect(page.get_by_label("What happened for Ash Gardener")).to_have_count(0)
    screenshot(page, "casework-register-saved-supervisor")
    credited = {c.order_id: c.hours_credited for c in Contact.objects.filter(order__in=squad)}
    assert credited == {ash.pk: 7, blair.pk: 3, casey.pk: 7}


def test_a_justice_social_worker_plans_reviews_assesses_and_writes_for_court(
    page: Page, live_server, screenshot
) -> None:
    """4. The plan with its objectives, the review that walks through them, distance
    travelled scored twice and drawn, a suspension, and a document for court."""
    from pathways.casework.models import Assessment, Instrument, Review

    today = timezone.localdate()
    worker = make_user("socialworker", "CJSW_NE", "cjsw_worker", "Sam Social")
    order = placed_order("Rory", "Payback", "CJ1", worker=worker, days_ago=100)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "socialworker")
    page.goto(f"{live_server.url}/casework/orders/{order.pk}/")

    page.get_by_role("link", name="Agree the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rory Payback")
    page.get_by_label("Date the plan was agreed with the person").fill(_typed(today))
    page.get_by_label("Objective 1: the need").select_option("accommodation")
    page.get_by_label("Objective 1: what will be done").fill("Apply for a tenancy")
    page.get_by_label("Objective 1: who does it").fill("Rory and Sam")
    page.get_by_role("button", name="Agree the plan").click()
    expect(page).to_have_title("Error: Agree the plan: Rory Payback – Pathways")
    expect(page.locator(".ds_error-summary")).to_contain_text(
        "An objective has a date it is due by."
    )
    screenshot(page, "casework-plan-error-worker")
    page.get_by_label("Objective 1: by when").fill(_typed(today + dt.timedelta(days=60)))
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_role("status")).to_contain_text("The plan is agreed.")

    # The first review (3 months after the order, so overdue now) walks the objective.
    review = Review.objects.filter(order=order).order_by("due_on").first()
    page.get_by_role("link", name="hold this review").first.click()
    expect(page.locator("main")).to_contain_text("Apply for a tenancy")
    page.get_by_label("Date the review was held").fill(_typed(today))
    page.get_by_label("Who attended").fill("Rory, Sam")
    page.locator("label", has_text="Partly achieved").click()
    page.get_by_label("Progress on: Apply for a tenancy").fill("Form sent, waiting")
    screenshot(page, "casework-review-worker")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_role("status")).to_contain_text("The review is recorded.")
    review.refresh_from_db()
    assert review.held_on == today

    # Distance travelled, scored twice: the chart appears.
    areas = Instrument.objects.get(code="DISTANCE").items
    for days, score in ((30, "3"), (0, "6")):
        page.get_by_role("link", name="Distance travelled (Pathways' open instrument)").click()
        page.get_by_label("Date of the assessment").fill(_typed(today - dt.timedelta(days=days)))
        page.locator("label", has_text="Review").click()
        for _, label in areas:
            page.get_by_label(label, exact=True).fill(score)
        if days:
            screenshot(page, "casework-assessment-worker")
        page.get_by_role("button", name="Record the assessment").click()
        expect(page.get_by_role("status")).to_contain_text("The assessment is recorded.")
    assert Assessment.objects.filter(order=order).count() == 2
    expect(page.locator("#assessments ~ .chart svg")).to_have_count(1)
    screenshot(page, "casework-order-planned-worker")

    # Remanded in custody: the order is suspended.
    page.locator("summary", has_text="Suspend (in custody)").click()
    page.get_by_label("Suspended from").fill(_typed(today))
    page.get_by_label("Why (for example, remanded in custody)").fill("Remanded")
    page.get_by_role("button", name="Suspend the order").click()
    expect(page.get_by_role("status")).to_contain_text("The order is updated.")
    expect(page.locator("main")).to_contain_text("Suspended (in custody)")

    # A progress review report for court: the form (the PDF itself is a download).
    page.get_by_role("link", name="progress review report").click()
    expect(page.get_by_label("Your report to the court")).to_be_visible()
    screenshot(page, "casework-court-document-worker")
