"""The data quality officer's linkage review in a browser (issue 6): the queue, a pair
side by side with each field's part of the weight, the decision with its reason, the
person's records, and the undo; and an agency's own duplicates, marked as sent to it
(issue 18)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from pathways.feeds.runner import import_file
from pathways.people.models import AgencyRecord
from tests.browser.test_person_journeys import make_user, sign_in
from tests.factories import AgencyRecordFactory, PersonFactory
from tests.linkage.conftest import use_bands

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = (
    "agency,person_ref,given_name,family_name,date_of_birth,sex,postcode,address\n"
    'POLICE,PS-1,Anne,Smith,1990-01-01,F,G31 2AB,"12 Duke Street, Glasgow"\n'
    "HSCP_CJSW,CJ-1,Anne,Smith,1990-07-01,F,,\n"
)


def test_data_quality_officer_decides_a_doubtful_pair_and_undoes_it(
    page: Page, live_server, screenshot, tmp_path: Path, settings
) -> None:
    # Auto-link from 0.9, review from 0.5: these two Anne Smiths are doubtful.
    use_bands(settings, tmp_path / "config", auto_link=0.9, review=0.5)
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    import_file("people", tmp_path / "people.csv")
    make_user("dq", "CJ_GLASGOW", "data_quality", "Dana Quality")
    page.set_viewport_size({"width": 1280, "height": 900})
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, live_server.url, "dq")

    page.get_by_role("link", name="Linkage review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Linkage review")
    queue = page.locator("#link-queue tbody tr")
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text("The model is unsure")
    screenshot(page, "linkage-queue")

    queue.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these records the same person?")
    table = page.locator("#side-by-side")
    expect(table.get_by_role("rowheader", name="Date of birth")).to_be_visible()
    expect(table).to_contain_text("1990-01-01")
    expect(table).to_contain_text("1990-07-01")
    expect(table).to_contain_text("Missing on one side")
    screenshot(page, "linkage-pair")

    # No reason: the form says which field and why, and nothing is decided.
    page.locator("label", has_text="Yes: the same person. Link them.").click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".ds_question__error-message")).to_contain_text("Say why")
    page.locator("label", has_text="Yes: the same person. Link them.").click()
    page.get_by_label("Why").fill("Same CHI number on both files")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#queue-empty")).to_be_visible()
    people = set(AgencyRecord.objects.values_list("person_id", flat=True))
    assert len(people) == 1

    page.get_by_role("link", name="Merges and splits made, to undo").click()
    expect(page.locator("#link-changes")).to_contain_text("Same CHI number on both files")
    screenshot(page, "linkage-changes")
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#link-changes")).to_contain_text("Undone")
    assert len(set(AgencyRecord.objects.values_list("person_id", flat=True))) == 2
    assert script_errors == []


def test_data_quality_officer_tells_an_agency_of_its_duplicates(
    page: Page, live_server, screenshot
) -> None:
    """Two police records of one Jamie (issue 18): the officer reads the pair side by side,
    marks it as sent to the police, and sees its state change."""
    jamie = PersonFactory(given_name="Jamie", family_name="McDonald",
                          date_of_birth=dt.date(2004, 3, 12))  # fmt: skip
    AgencyRecordFactory(person=jamie, agency_id="POLICE", person_ref="PS-1", postcode="G31 2AB")
    AgencyRecordFactory(person=jamie, agency_id="POLICE", person_ref="PS-7", given_name="James",
                        postcode="G40 1AA", link_method="probabilistic",
                        link_confidence=0.97)  # fmt: skip
    AgencyRecordFactory(person=jamie, agency_id="HSCP_CJSW", person_ref="CJ-3")
    make_user("dq", "CJ_GLASGOW", "data_quality", "Dana Quality")
    page.set_viewport_size({"width": 1280, "height": 900})
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, live_server.url, "dq")

    page.get_by_role("link", name="Linkage review").click()
    page.get_by_role("link", name="An agency's duplicates, to tell it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("An agency's duplicates")
    page.get_by_label("Agency").select_option(label="Police Scotland, Greater Glasgow Division")
    page.get_by_role("button", name="Show").click()
    pairs = page.locator("#duplicates tbody tr")
    expect(pairs).to_have_count(1)
    pair = pairs.first
    expect(pair.get_by_role("rowheader")).to_have_text(f"Person {jamie.pk}")
    duplicate, first = pair.get_by_role("cell").nth(0), pair.get_by_role("cell").nth(1)
    for text in ("PS-7", "James McDonald", "born 12 Mar 2004", "G40 1AA"):
        expect(duplicate).to_contain_text(text)
    for text in ("PS-1", "Jamie McDonald", "born 12 Mar 2004", "G31 2AB"):
        expect(first).to_contain_text(text)
    expect(pair).to_contain_text("0.97")
    expect(pair).to_contain_text("New")
    expect(
        page.get_by_role("link", name="Download all of the agency's pairs (CSV)")
    ).to_be_visible()
    screenshot(page, "linkage-duplicates")

    pair.get_by_role("button", name="Mark as sent (record PS-7, duplicate of PS-1)").click()
    expect(page.locator(".pw_message")).to_contain_text("1 pair marked as sent to the agency.")
    expect(pairs.first).to_contain_text("Sent")
    expect(pairs.first).to_contain_text("by Dana Quality")
    expect(pairs.first.get_by_role("button")).to_have_count(0)
    screenshot(page, "linkage-duplicates-sent")

    page.get_by_label("Pairs").select_option(label="Not yet sent")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#duplicates-empty")).to_be_visible()
    assert script_errors == []
