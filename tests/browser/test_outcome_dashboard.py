"""A real browser on the outcome dashboard: an analyst opens Outcomes from the menu, reads
a chart and its table, narrows it to one service and downloads what is shown."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, EventFactory, PersonFactory, ReferralFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.fixture
def completions(config_loaded: None) -> None:
    """Twelve people complete ADAPT and six SIDESTEP in the last financial year (April
    2025 to March 2026); each had two offences before; every third offends after."""
    for n in range(18):
        service = "ADAPT" if n < 12 else "SIDESTEP"
        person = PersonFactory(
            given_name=f"P{n}", family_name="Example", date_of_birth=dt.date(2008, 1 + n % 12, 3),
            sex="MF"[n % 2], records=[("POLICE", f"PR{n}")],
        )  # fmt: skip
        start = dt.date(2025, 5, 1) + dt.timedelta(days=7 * n)
        ReferralFactory(
            person=person, service_id=service, referred_on=start,
            decision="accepted", decided_on=start, consent_on=start, started_on=start,
            ended_on=start + dt.timedelta(days=100 + n), end_reason="completed",
            state="completed",
        )  # fmt: skip
        offences = [start - dt.timedelta(days=20), start - dt.timedelta(days=40)]
        if n % 3 == 0:
            offences.append(start + dt.timedelta(days=130 + n))
        for i, day in enumerate(offences):
            EventFactory(
                person=person, event_ref=f"E{n}-{i}", crime_group="dishonesty",
                occurred_at=dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC),
            )  # fmt: skip


def test_an_analyst_reads_narrows_and_downloads_the_dashboard(
    page: Page, live_server, completions, screenshot, tmp_path
) -> None:
    UserFactory(username="analyst", first_name="Ana", team="ONE_GLASGOW", role="police_analyst")
    page.set_viewport_size({"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Outcomes").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes")
    follow = page.locator("#follow-up-table")
    # Eighteen completed; six offended after (one in three), so twelve did not: 67%.
    expect(follow.get_by_role("row").nth(1)).to_contain_text("12 of 18 (67%)")
    expect(page.locator("section[aria-labelledby=follow-up] svg")).to_be_visible()
    screenshot(page, "outcomes-partnership")
    # docs/outcomes.md's picture: the summary and the first chart with its tables.
    page.screenshot(path=str(DOCS_IMAGES / "outcomes-dashboard.png"), full_page=True,
                    clip={"x": 0, "y": 0, "width": 1280, "height": 1500})  # fmt: skip

    page.get_by_text("Change what is shown").click()
    # The design system's checkbox is drawn by its label: a person clicks the label.
    page.locator("label.ds_checkbox__label", has_text="ADAPT").first.click()
    expect(page.get_by_label("ADAPT", exact=True)).to_be_checked()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Outcomes: ADAPT")
    expect(page.locator("#funnel-table thead")).to_contain_text("ADAPT")
    expect(page.locator("#funnel-table thead")).not_to_contain_text("SIDESTEP")
    screenshot(page, "outcomes-adapt")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    saved = tmp_path / "figures.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("section,window,measure,n,of,pct,value")
    assert "funnel_by_service,,ADAPT referred,,,,12" in text
    assert errors == []
