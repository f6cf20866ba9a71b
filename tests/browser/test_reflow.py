"""Pages reflow at 320 CSS pixels (WCAG 2.2 1.4.10): nothing scrolls sideways but a wide
table inside its own scrolling region. Each role's main pages, with data on them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.test_caseload_journeys import engaged_case
from tests.browser.test_person_journeys import make_user, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sideways(page: Page) -> list[str]:
    """The elements that reach beyond the page's width, outside a scrolling table."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            if (document.documentElement.scrollWidth <= width) return [];
            return [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .map(el => el.tagName + '.' + el.className).slice(0, 5);
        }"""
    )


def test_a_partner_mentors_pages_reflow_at_320_pixels(page: Page, live_server) -> None:
    mentor = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker", "Alex Adapt")
    referral = engaged_case("ADAPT", mentor, "Narrow")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, live_server.url, "adapt")
    contact = referral.contacts.get()
    for path in ("/", "/caseload/", "/referrals/", f"/referrals/{referral.pk}/",
                 f"/referrals/{referral.pk}/contacts/new/",
                 f"/referrals/{referral.pk}/contacts/{contact.pk}/correct/",
                 f"/people/{referral.person_id}/", "/people/?q=Narrow"):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        assert sideways(page) == [], path


def test_the_data_protection_officers_pages_reflow_at_320_pixels(page: Page, live_server) -> None:
    make_user("dpo", "CJ_GLASGOW", "dpo", "Dee Protection")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, live_server.url, "dpo")
    for path in ("/", "/audit/", "/audit/unusual/", "/governance/agreements/",
                 "/governance/jobs/"):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        assert sideways(page) == [], path


def test_a_table_that_scrolls_sideways_can_be_reached_by_keyboard(
    page: Page, live_server, screenshot
) -> None:
    """At 320 px the contacts table scrolls in its region: the region takes the focus and
    is named by the table's caption (axe: scrollable-region-focusable); at full width it
    does not scroll and is no tab stop."""
    mentor = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker", "Alex Adapt")
    referral = engaged_case("ADAPT", mentor, "Scroll")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, live_server.url, "adapt")
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    region = page.locator(".pw_table-scroll", has=page.locator("#contacts"))
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label") == "Contacts, newest first"
    screenshot(page, "case-at-320-pixels")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    assert region.get_attribute("tabindex") is None
