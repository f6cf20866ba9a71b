"""The pages no other journey visits, each in a browser with axe-core looking at every
page: the custody peer mentor records a visit; the data quality officer reads an import's
rejected rows; the data protection officer reads the access audit. And the check itself:
axe-core does find a fault when there is one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.audit.models import AccessEvent
from pathways.feeds.after_import import scan_new_events
from pathways.feeds.models import ImportRun, RejectedRow
from tests.browser.conftest import assert_accessible
from tests.browser.test_person_journeys import make_user, sign_in
from tests.world import LONDON, add_event, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_accessibility_check_finds_a_fault(page: Page) -> None:
    page.set_content('<html lang="en"><body><main><img src="x.png"></main></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page, "a page with an image and no text alternative")


def test_a_custody_mentor_records_a_visit(page: Page, live_server, screenshot) -> None:
    held = make_person("Cal", "Custody", dt.date(1998, 3, 3), records=(("POLICE", "CU1"),))
    scan_new_events()  # the first scan only sets its mark
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    add_event(held, "POLICE", dt.datetime.combine(yesterday, dt.time(22), tzinfo=LONDON),
              kind="custody", category="Held for court")  # fmt: skip
    scan_new_events()
    make_user("mentor", "POP_CUSTODY", "custody_mentor", "Mo Mentor")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "mentor")

    page.get_by_role("link", name="Custody").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People held in police custody")
    screenshot(page, "custody-list")
    page.get_by_role("link", name="Cal Custody").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cal Custody")
    screenshot(page, "custody-visit")
    page.get_by_text("Seen", exact=True).click()  # the label, as a person does
    page.get_by_label("The conversation").fill("Talked about housing; keen to see POP.")
    # A slip of the date, before the person was held: said on the field, nothing lost.
    page.get_by_label("Date", exact=True).fill((yesterday - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Record the visit").click()
    expect(page.locator("#id_seen_on_error")).to_contain_text(
        "The visit cannot be dated before the person was held"
    )
    expect(page.get_by_role("link", name="Date: The visit cannot be dated")).to_be_visible()
    expect(page.get_by_label("The conversation")).to_have_value(
        "Talked about housing; keen to see POP."
    )
    screenshot(page, "custody-seen-before-held")
    page.get_by_label("Date", exact=True).fill(yesterday.isoformat())
    page.get_by_role("button", name="Record the visit").click()
    expect(page.get_by_text("The visit to Cal Custody is recorded.")).to_be_visible()
    screenshot(page, "custody-recorded")

    # A mistake noticed later: the visit is corrected, the old value kept with why.
    page.get_by_role("link", name="Cal Custody").click()
    page.get_by_role("link", name="Correct this visit").click()
    expect(page).to_have_title("Correct a custody visit – Pathways")
    page.get_by_label("The conversation").fill("Talked about housing; keen to see The 218.")
    page.get_by_label("Why the correction").fill("Wrote the wrong service")
    page.get_by_role("button", name="Correct the visit").click()
    expect(page.get_by_role("status")).to_contain_text("Corrected: the conversation.")
    corrections = page.locator("table", has_text="Wrote the wrong service")
    expect(corrections).to_contain_text("Talked about housing; keen to see POP.")
    screenshot(page, "custody-visit-corrected")


def test_a_data_quality_officer_reads_an_imports_rejected_rows(
    page: Page, live_server, screenshot
) -> None:
    run = ImportRun.objects.create(kind="people", file_name="/feeds/police-people.csv",
                                   status="finished", rows_read=3, created=1, rejected=2,
                                   finished_at=timezone.now())  # fmt: skip
    for line, reason in ((2, "'31/02/2004' is not a date"), (4, "family_name: is required")):
        RejectedRow.objects.create(run=run, line=line, column="date_of_birth", reason=reason,
                                   row={"person_ref": f"P{line}", "family_name": "Row"})  # fmt: skip
    make_user("dq", "CJ_GLASGOW", "data_quality", "Dana Quality")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "dq")

    page.get_by_role("link", name="Import runs").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import runs")
    screenshot(page, "import-runs")
    page.get_by_role("link", name=f"Run {run.pk}").click()
    expect(page.get_by_text("is not a date")).to_be_visible()
    screenshot(page, "import-run-rejected")
    assert AccessEvent.objects.filter(action="view_rejected_rows").count() == 1


def test_the_data_protection_officer_reads_the_access_audit(
    page: Page, live_server, screenshot
) -> None:
    seen = make_person("Sam", "Seen", dt.date(2001, 1, 1), records=(("POLICE", "SS1"),))
    police = make_user("police", "ONE_GLASGOW", "police_analyst", "Pat Police")
    make_user("dpo", "CJ_GLASGOW", "dpo", "Dee Protection")
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "police")
    page.goto(f"{live_server.url}/people/?q=Seen")
    page.goto(f"{live_server.url}/people/{seen.pk}/")
    page.context.clear_cookies()
    sign_in(page, live_server.url, "dpo")

    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Access audit")
    screenshot(page, "audit-home")
    page.get_by_label("Whom did this user look at?").fill(police.username)
    page.get_by_role("button", name="Show whom they looked at").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Whom police looked at")
    expect(page.get_by_text("1 result(s) for: Seen")).to_be_visible()
    screenshot(page, "audit-user")
    page.get_by_role("link", name=str(seen.pk), exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Who looked at person {seen.pk}")
    screenshot(page, "audit-person")
    page.goto(f"{live_server.url}/audit/unusual/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Unusual access")
    screenshot(page, "audit-unusual")
