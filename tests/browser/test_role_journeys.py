"""Real-browser journeys of the roles the other files leave out (issue 19: every role
has one), each from its home page, axe-core on every page it visits:

1. A children-and-families social worker approves a young person's referral to ADAPT.
2. The partnership team's manager approves one for the police and reads the outcomes.
3. A researcher makes their own pseudonymised extract and downloads it.
4. The administrator reads the agreements and opens the partnership's configuration.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pathways.referrals.models import Approval
from tests.browser.test_person_journeys import make_user, sign_in
from tests.world import proposed_to_adapt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_children_and_families_social_worker_approves_a_referral(
    page: Page, live_server, screenshot
) -> None:
    referral = proposed_to_adapt("Identified by the ADAPT rule; known to the school.")
    make_user("cfworker", "CF_NE", "cf_worker", "Chris Families")
    sign_in(page, live_server.url, "cfworker")
    expect(page.locator(".pw_waiting")).to_contain_text("1 referral to approve")
    screenshot(page, "home-cf-worker")
    page.get_by_role("link", name="1 referral to approve").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals waiting for you")
    screenshot(page, "inbox-cf-worker")
    page.get_by_role("link", name="Jordan Path").click()
    page.get_by_role("button", name="Approve the referral").click()
    expect(page.get_by_role("status")).to_contain_text("Your approval is recorded.")
    screenshot(page, "referral-approved-cf-worker")
    assert Approval.objects.get(referral=referral).sector == "social_work"


def test_the_manager_approves_for_the_police_and_reads_the_outcomes(
    page: Page, live_server, screenshot
) -> None:
    referral = proposed_to_adapt()
    make_user("manager", "ONE_GLASGOW", "manager", "Mo Manager")
    sign_in(page, live_server.url, "manager")
    screenshot(page, "home-manager")
    page.get_by_role("link", name="1 referral to approve").click()
    page.get_by_role("link", name="Jordan Path").click()
    page.get_by_role("button", name="Approve the referral").click()
    expect(page.get_by_role("status")).to_contain_text("Your approval is recorded.")
    assert Approval.objects.get(referral=referral).sector == "police"
    page.get_by_role("navigation").get_by_role("link", name="Outcomes").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcomes")
    screenshot(page, "outcomes-manager")


def test_a_researcher_makes_and_downloads_their_extract(
    page: Page, live_server, screenshot, settings, tmp_path
) -> None:
    settings.PATHWAYS_JOBS_DIR = tmp_path / "jobs"
    make_user("researcher", "CJ_GLASGOW", "researcher", "Robin Researcher")
    sign_in(page, live_server.url, "researcher")
    screenshot(page, "home-researcher")
    page.get_by_role("navigation").get_by_role("link", name="Research extracts").click()
    screenshot(page, "extracts-researcher")
    page.get_by_role("button", name="Make my research extract").click()
    expect(page.locator("#job-status")).to_contain_text("Done")
    screenshot(page, "extract-done-researcher")
    with page.expect_download() as download:
        page.get_by_role("link", name="people.csv").click()
    assert download.value.suggested_filename == "people.csv"


def test_the_administrator_reads_the_agreements_and_the_configuration(
    page: Page, live_server, screenshot
) -> None:
    make_user("admin", "ADMIN", "admin", "Ash Admin")
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="admin").update(is_staff=True, is_superuser=True)
    sign_in(page, live_server.url, "admin")
    screenshot(page, "home-administrator")
    page.get_by_role("link", name="Information-sharing agreements, in plain language").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("agreements")
    screenshot(page, "agreements-administrator")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Partnership configuration").click()
    expect(page.locator("body")).to_contain_text("Services")
    screenshot(page, "configuration-administrator")
