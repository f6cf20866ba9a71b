"""Real-browser journeys (Chromium via Playwright) through the person pages.

1. A police analyst in the partnership team signs in, finds a person by typing (htmx
   results, no page load), opens them and reads the chronology.
2. A partner practitioner (Includem ADAPT) cannot find a person not referred to ADAPT,
   gets 404 opening their address and 404 JSON from the API; each attempt is logged.
3. A partner mentor sees the offending history of a young person who has consented; the
   young person withdraws, the mentor records it, and on reload cannot open the person.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AbstractBaseUser
from playwright.sync_api import Page, expect

from pathways.audit.models import AccessEvent
from pathways.people.models import Person
from pathways.referrals.models import Referral
from tests.factories import (
    PASSWORD,
    AgencyRecordFactory,
    EventFactory,
    PersonFactory,
    ReferralFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"

# (days before 1 June 2024, kind, crime group, category, flags, agency)
CHRONOLOGY = [
    (0, "custody", "", "Arrested on warrant", "", "POLICE"),
    (9, "offence", "violence", "Serious assault", "weapon", "POLICE"),
    (23, "asb", "antisocial", "Disorder in a public place", "alcohol", "POLICE"),
    (40, "concern", "", "Missed supervision appointment", "", "HSCP_CJSW"),
    (58, "offence", "dishonesty", "Shoplifting", "substance", "POLICE"),
    (77, "offence", "damage", "Vandalism of a bus shelter", "", "POLICE"),
    (101, "conviction", "dishonesty", "Theft by housebreaking", "", "POLICE"),
    (130, "offence", "violence", "Common assault", "domestic", "POLICE"),
    (166, "overdose", "", "Non-fatal overdose attended", "substance", "POLICE"),
    (190, "offence", "society", "Possession of a controlled drug", "substance", "POLICE"),
    (240, "custody", "", "Held for court", "", "POLICE"),
    (300, "offence", "violence", "Robbery", "weapon;cce", "POLICE"),
]

POLICE_SEES = [row for row in CHRONOLOGY if row[1] not in ("overdose", "concern")]


def make_user(username: str, team: str, role: str, name: str) -> AbstractBaseUser:
    first, _, last = name.partition(" ")
    return UserFactory(username=username, team=team, role=role, first_name=first, last_name=last)


@pytest.fixture
def people(config_loaded: None) -> dict[str, Person]:
    """Kieran Referred (police and social work records, referred to ADAPT, 12 events) and
    Morgan Hidden (police only, never referred, 2 events)."""
    referred = PersonFactory(
        given_name="Kieran", family_name="Referred", date_of_birth=dt.date(2004, 3, 12), sex="M"
    )
    for agency, ref, postcode in (("POLICE", "PS-204311", "G31 2AB"),
                                  ("HSCP_CJSW", "CJ-88213", "G33 1QP")):  # fmt: skip
        AgencyRecordFactory(person=referred, agency_id=agency, person_ref=ref, postcode=postcode,
                            link_method="exact")  # fmt: skip
    base = dt.datetime(2024, 6, 1, 21, 15, tzinfo=LONDON)
    for n, (days, kind, group, category, flags, agency) in enumerate(CHRONOLOGY):
        EventFactory(
            person=referred, agency=agency, event_ref=f"EV{n:04d}", kind=kind,
            occurred_at=base - dt.timedelta(days=days, hours=n), crime_group=group,
            category=category, flags=flags,
        )  # fmt: skip
    ReferralFactory(
        person=referred,
        service_id="ADAPT",
        referred_on=dt.date(2024, 2, 14),
        decision="accepted",
        decided_on=dt.date(2024, 2, 20),
        consent_on=dt.date(2024, 2, 27),
        started_on=dt.date(2024, 3, 4),
        state="engaged",
    )
    hidden = PersonFactory(
        given_name="Morgan", family_name="Hidden", date_of_birth=dt.date(2005, 7, 30), sex="F"
    )
    AgencyRecordFactory(person=hidden, person_ref="PS-300001", postcode="G40 2QH", area_id="S")
    for n, kind in enumerate(["offence", "custody"]):
        EventFactory(
            person=hidden, event_ref=f"EH{n}", kind=kind,
            occurred_at=dt.datetime(2024, 4, 1 + n, 14, 0, tzinfo=LONDON), area_id=None,
            crime_group="violence" if kind == "offence" else "",
            category="Robbery" if kind == "offence" else "",
        )  # fmt: skip
    return {"referred": referred, "hidden": hidden}


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello,")


def test_police_analyst_searches_opens_a_person_and_reads_the_chronology(
    page: Page, live_server, people: dict[str, Person], screenshot
) -> None:
    make_user("police", "ONE_GLASGOW", "police_analyst", "Pat Police")
    page.set_viewport_size({"width": 1280, "height": 900})
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    # The first Tab reaches the skip link.
    page.goto(f"{live_server.url}/login/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")

    sign_in(page, live_server.url, "police")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat")
    expect(
        page.get_by_role("rowheader", name="One Glasgow Reducing Offending partnership team")
    ).to_be_visible()
    screenshot(page, "home-police")

    page.get_by_role("link", name="Find a person").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a person")
    # Typing searches as you type: the results arrive without a page load.
    page.evaluate("window.__samePage = true")
    page.get_by_label("Name, date of birth or agency reference").press_sequentially(
        "kier ref", delay=40
    )
    results = page.locator("#search-results")
    expect(results.get_by_role("link", name="Kieran Referred")).to_be_visible()
    expect(results).to_contain_text("1 person matches “kier ref”")
    assert page.evaluate("window.__samePage") is True
    expect(page).to_have_url(f"{live_server.url}/people/?q=kier%20ref")
    # The police analyst sees Morgan too (the partnership team sees everyone).
    search = page.get_by_label("Name, date of birth or agency reference")
    search.fill("30/07/2005")
    expect(results.get_by_role("link", name="Morgan Hidden")).to_be_visible()
    search.fill("kier ref")
    expect(results.get_by_role("link", name="Kieran Referred")).to_be_visible()
    screenshot(page, "search-results")

    results.get_by_role("link", name="Kieran Referred").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kieran Referred")
    chronology = page.locator("table.pw_chronology tbody tr")
    # Not the overdose (health: not the police analyst's role) nor social work's concern
    # (risk: not in the protocol).
    expect(chronology).to_have_count(len(POLICE_SEES))
    expect(page.locator("#event-count")).to_contain_text("10 events you may see, newest first")
    first = chronology.first
    expect(first).to_contain_text("1 Jun 2024, 21:15")
    expect(first).to_contain_text("Custody")
    expect(first).to_contain_text("Arrested on warrant")
    expect(chronology.nth(1)).to_contain_text("Non-sexual crimes of violence")
    expect(chronology.nth(1)).to_contain_text("weapon")
    expect(page.get_by_role("cell", name="PS-204311")).to_be_visible()
    expect(page.get_by_role("cell", name="CJ-88213")).to_be_visible()
    expect(page.locator("#referrals ~ div table")).to_contain_text("Engaged")
    screenshot(page, "person-page")
    DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
    # The README's picture: identity, records, referrals and the newest events.
    page.screenshot(
        path=str(DOCS_IMAGES / "person-page.png"),
        full_page=True,
        clip={"x": 0, "y": 0, "width": 1280, "height": 1560},
    )

    # Filter the chronology by kind, with the keyboard.
    page.get_by_label("Show").select_option("offence")
    page.get_by_role("button", name="Show events").press("Enter")
    expect(page.locator("#event-count")).to_contain_text("6 offence events of 10")
    expect(chronology).to_have_count(6)
    expect(page).to_have_url(
        f"{live_server.url}/people/{people['referred'].pk}/?kind=offence#chronology"
    )

    assert script_errors == []
    logged = AccessEvent.objects.filter(user__username="police", action="view_person")
    assert set(logged.values_list("person_id", "decision")) == {(people["referred"].pk, "allowed")}


def test_partner_practitioner_cannot_find_open_or_fetch_a_person_not_referred(
    page: Page, live_server, people: dict[str, Person], screenshot
) -> None:
    from pathways.api.tokens import create_token

    adapt = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker", "Alex Adapt")
    hidden = people["hidden"]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "adapt")
    expect(page.get_by_role("rowheader", name="Includem ADAPT team")).to_be_visible()

    # Search: the referred person is found, the other is not, by name or date of birth.
    page.goto(f"{live_server.url}/people/")
    search = page.get_by_label("Name, date of birth or agency reference")
    results = page.locator("#search-results")
    search.press_sequentially("Referred", delay=30)
    expect(results.get_by_role("link", name="Kieran Referred")).to_be_visible()
    search.fill("Hidden")
    expect(results).to_contain_text("No people you may see match “Hidden”")
    search.fill("30/07/2005")
    expect(results).to_contain_text("No people you may see match “30/07/2005”")
    expect(results.get_by_role("link")).to_have_count(0)
    screenshot(page, "search-partner-nothing")

    # Opening the address: the same 404 as for someone who does not exist.
    response = page.goto(f"{live_server.url}/people/{hidden.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text("Morgan")
    screenshot(page, "person-404-partner")

    # Fetching through the API with the practitioner's own token: 404 JSON with a message.
    token = create_token(adapt)
    api = page.request.get(
        f"{live_server.url}/api/v1/people/{hidden.pk}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status == 404
    assert api.headers["content-type"].startswith("application/json")
    body = api.json()
    assert isinstance(body, dict) and ("message" in body or "detail" in body), body
    assert "Morgan" not in api.text()
    allowed = page.request.get(
        f"{live_server.url}/api/v1/people/{people['referred'].pk}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert allowed.status == 200

    # Every attempt is in the access log as refused.
    refused = AccessEvent.objects.filter(user=adapt, person_id=hidden.pk, decision="refused")
    assert set(refused.values_list("channel", flat=True)) == {"web", "api"}
    assert refused.filter(channel="web", action="view_person").count() == 1
    searches = list(
        AccessEvent.objects.filter(user=adapt, action="search").values_list("detail", flat=True)
    )
    assert "0 result(s) for: Hidden" in searches
    assert "0 result(s) for: 30/07/2005" in searches


def test_partner_mentor_loses_the_person_when_the_young_person_withdraws_consent(
    page: Page, live_server, people: dict[str, Person], screenshot
) -> None:
    make_user("adapt", "INCLUDEM_ADAPT", "partner_worker", "Alex Adapt")
    referred = people["referred"]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, "adapt")

    # Engaged with consent: police share the offending history with ADAPT.
    page.goto(f"{live_server.url}/people/{referred.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kieran Referred")
    chronology = page.locator("table.pw_chronology tbody tr")
    expect(chronology.filter(has_text="Serious assault")).to_have_count(1)
    expect(chronology.filter(has_text="Arrested on warrant")).to_have_count(0)  # custody
    screenshot(page, "person-partner-consented")

    # The young person withdraws; the mentor records it.
    page.get_by_role("link", name="Record withdrawal of consent to ADAPT").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kieran Referred withdraws consent")
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.get_by_role("alert")).to_contain_text("Why the person withdrew")
    page.get_by_text("No longer wants the service", exact=True).click()
    page.get_by_label("In the person's own words").fill("Says he does not want to go any more")
    screenshot(page, "consent-withdraw-form")
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.get_by_role("status")).to_contain_text("Consent is withdrawn")
    screenshot(page, "consent-withdrawn-home")

    # On reload the person is gone: the same 404 as for someone who does not exist.
    response = page.goto(f"{live_server.url}/people/{referred.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Kieran")
    referral = Referral.objects.get(person=referred)
    assert (referral.state, referral.end_reason) == ("opted_out", "opted_out")
    assert AccessEvent.objects.filter(
        username="adapt", person_id=referred.pk, action="view_person", decision="refused"
    ).exists()
