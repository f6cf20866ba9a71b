"""Real-browser journeys of a working day from the home page (issue 19), axe-core on
every page each one looks at (the `screenshot` fixture):

1. A partner mentor (Includem ADAPT) reads what waits on the home page, opens the
   caseload, opens a case, records a contact (first without saying what happened: the
   error summary takes the focus and the title says "Error:"), ends the engagement, lands
   on the case, still reads the notes, and finds it under "ended" on the caseload.
2. A crisis outreach worker opens their team's referral from the caseload: no 404.
3. The data protection officer goes from the home page to the access audit and the
   information-sharing agreements through the menu.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.cases.models import EngagementPlan
from pathways.referrals.models import Referral
from tests.browser.test_person_journeys import make_user, sign_in
from tests.world import make_person, refer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def engaged_case(service: str, worker: object, name: str) -> Referral:
    today = timezone.localdate()
    person = make_person(name, "Casework", dt.date(2008, 5, 5), records=(("POLICE", name),))
    referral = refer(person, "POLICE", service, today - dt.timedelta(days=40), state="engaged")
    Referral.objects.filter(pk=referral.pk).update(worker=worker)
    EngagementPlan.objects.create(referral=referral, focus_areas=["education"])
    referral.contacts.create(
        person=referral.person,
        on=today - dt.timedelta(days=35),
        attendance="attended",
        notes="Met at the youth club.",
    )
    return referral


def test_a_partner_mentor_works_a_case_from_the_home_page_to_its_end(
    page: Page, live_server, screenshot
) -> None:
    mentor = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker", "Alex Adapt")
    referral = engaged_case("ADAPT", mentor, "Casey")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "adapt")

    # Home: no contact for 35 days is the first thing it says; the case is listed.
    waiting = page.locator(".pw_waiting li").first
    expect(waiting).to_contain_text("1 case with no contact for a while, or stalled")
    expect(page.get_by_role("link", name="Casey Casework")).to_be_visible()
    screenshot(page, "home-partner-mentor")

    page.get_by_role("navigation").get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseload")
    expect(page.locator("#mine ~ div table")).to_contain_text("Engaged; last contact 35 days ago")
    screenshot(page, "caseload-partner-mentor")

    page.get_by_role("link", name="Casey Casework").click()
    page.get_by_role("link", name="Record a contact").click()
    page.get_by_role("button", name="Record the contact").click()
    expect(page).to_have_title("Error: Record a contact – Pathways")
    summary = page.locator(".ds_error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Attendance")
    screenshot(page, "contact-form-error")
    page.locator("label[for=id_attendance_0]").click()
    page.get_by_label("Date of the contact").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.get_by_label("Engagement and progress").fill("Talked about college applications.")
    page.get_by_role("button", name="Record the contact").click()
    expect(page.get_by_role("status")).to_contain_text("The contact is recorded.")

    page.get_by_role("link", name="End the engagement").click()
    page.locator("label", has_text="Completed").click()
    page.get_by_label("Date it ended").fill(timezone.localdate().strftime("%d/%m/%Y"))
    page.locator("label[for=id_rating_education_0]").click()
    page.get_by_role("button", name="End the engagement").click()

    # Lands on the case, read-only: the notes are still there, nothing more to record.
    expect(page).to_have_url(f"{live_server.url}/referrals/{referral.pk}/")
    expect(page.get_by_role("status")).to_contain_text("The engagement has ended.")
    expect(page.locator("main")).to_contain_text("Talked about college applications.")
    expect(page.get_by_role("link", name="Record a contact")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("your team keeps its record, read-only")
    screenshot(page, "case-ended-read-only")

    page.get_by_role("navigation").get_by_role("link", name="Caseload").click()
    expect(page.locator("#ended ~ div table")).to_contain_text("Completed today; read-only")
    assert Referral.objects.get(pk=referral.pk).state == "completed"


def test_crisis_outreach_opens_their_teams_referral(page: Page, live_server, screenshot) -> None:
    worker = make_user("outreach", "ADRS_COS", "health_outreach", "Olly Outreach")
    referral = engaged_case("COS", worker, "Robin")
    sign_in(page, live_server.url, "outreach")
    screenshot(page, "home-crisis-outreach")
    page.get_by_role("link", name="Robin Casework").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/{referral.pk}/")
    expect(page.locator("main")).to_contain_text("Met at the youth club.")
    screenshot(page, "case-crisis-outreach")


def test_the_dpo_reaches_the_audit_and_the_agreements_from_the_menu(
    page: Page, live_server, screenshot, settings, tmp_path
) -> None:
    """…and answers a subject access request from the page, downloading the bundle."""
    settings.PATHWAYS_JOBS_DIR = tmp_path / "jobs"
    make_user("dpo", "CJ_GLASGOW", "dpo", "Dee Protection")
    asked = make_person("Sasha", "Asking", dt.date(1988, 8, 8), records=(("POLICE", "SA1"),))
    sign_in(page, live_server.url, "dpo")
    screenshot(page, "home-dpo")
    page.get_by_role("navigation").get_by_role("link", name="Access audit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("audit")
    screenshot(page, "audit-dpo")
    page.get_by_role("navigation").get_by_role("link", name="Agreements").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("agreements")
    screenshot(page, "agreements-dpo")

    page.get_by_role("navigation").get_by_role("link", name="Subject access and retention").click()
    page.get_by_role("button", name="Gather everything held about the person").click()
    expect(page).to_have_title("Error: Subject access, extracts and retention – Pathways")
    screenshot(page, "governance-jobs-error")
    page.get_by_label("The person's Pathways id").fill(str(asked.pk))
    page.get_by_role("button", name="Gather everything held about the person").click()
    expect(page.locator("#job-status")).to_contain_text("Done")
    screenshot(page, "governance-job-done")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"person-{asked.pk}-subject-access.pdf").click()
    assert download.value.suggested_filename == f"person-{asked.pk}-subject-access.pdf"


def test_the_correction_forms_and_the_dates_list_pass_axe(
    page: Page, live_server, screenshot
) -> None:
    """The pages issue 19 added that the journeys above do not open: each correction
    form, asking for consent again, and the data quality officer's dates out of order."""
    mentor = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker", "Alex Adapt")
    referral = engaged_case("ADAPT", mentor, "Formal")
    from pathways.referrals.models import Consent

    Consent.objects.create(
        person_id=referral.person_id, service_id="ADAPT", referral=referral, answer="given",
        on=referral.consent_on, expires_on=timezone.localdate() + dt.timedelta(days=10),
        method="verbal", witness="Mum", recorded_by=mentor,
    )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(
        decided_on=referral.referred_on + dt.timedelta(9)
    )
    contact = referral.contacts.get()
    sign_in(page, live_server.url, "adapt")
    for path, name in (
        (f"/referrals/{referral.pk}/contacts/{contact.pk}/correct/", "correct-contact"),
        (f"/referrals/{referral.pk}/engagement/correct/", "correct-engagement-dates"),
        (f"/referrals/{referral.pk}/consent/correct/", "correct-consent"),
        (f"/referrals/{referral.pk}/consent/", "ask-consent-again"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main form")).to_be_visible()
        screenshot(page, name)
    make_user("dq", "CJ_GLASGOW", "data_quality", "Dana Quality")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "dq")
    page.goto(f"{live_server.url}/imports/dates/")
    expect(page.locator("main")).to_contain_text("Consent given on")
    screenshot(page, "dates-out-of-order")
