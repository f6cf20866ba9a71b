"""The referral pathway in a real browser, across four people:

offence events are imported -> the young person appears in the partnership team's
candidate queue -> a police analyst reads why and proposes a referral to ADAPT, and
approves it for the police -> a justice social worker approves it, which sends it ->
the ADAPT worker accepts it, records the young person's consent and then
the first contact with the plan's focus areas -> a new offence is imported and the
worker is alerted -> the young person opts out -> the worker can no longer open them.
Screenshots of each page are saved (test-artifacts/screenshots/).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from pathways.people.models import Person
from pathways.referrals.models import Referral, Transition
from tests.browser.test_person_journeys import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def sign_in_as(page: Page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello,")


def import_offences(tmp_path: Path) -> None:
    born = TODAY.replace(year=TODAY.year - 16) - dt.timedelta(days=40)
    people = tmp_path / "people.csv"
    people.write_text(
        "agency,person_ref,given_name,family_name,date_of_birth,sex,area\n"
        f"POLICE,PS-700001,Riley,Journey,{born},M,NE\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    rows = [
        (1, "violence", "Common assault", "weapon"),
        (20, "damage", "Vandalism", ""),
        (45, "antisocial", "Breach of the peace", "alcohol"),
    ]
    events.write_text(
        "agency,event_ref,person_ref,kind,occurred_at,crime_group,category,flags\n"
        + "".join(
            f"POLICE,EV-{n},PS-700001,offence,{TODAY - dt.timedelta(days=days)}T20:30:00,"
            f"{group},{category},{flags}\n"
            for n, (days, group, category, flags) in enumerate(rows)
        ),
        encoding="utf-8",
    )
    call_command("import", "people", str(people))
    call_command("import", "events", str(events))


def test_from_imported_offences_to_a_consented_referral(
    page: Page, live_server, tmp_path: Path, screenshot
) -> None:
    make_user("police", "ONE_GLASGOW", "police_analyst", "Pat Police")
    make_user("social", "CJSW_NE", "cjsw_worker", "Sam Social")
    make_user("adapt", "INCLUDEM_ADAPT", "partner_worker", "Alex Adapt")
    page.set_viewport_size({"width": 1280, "height": 900})
    import_offences(tmp_path)
    riley = Person.objects.get(family_name="Journey")

    # The partnership team's queue has Riley, found by the ADAPT rule.
    sign_in_as(page, live_server.url, "police")
    page.get_by_role("link", name="Candidates").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidates for referral")
    row = page.locator("#candidates tbody tr").filter(has_text="Riley Journey")
    expect(row).to_contain_text("ADAPT")
    screenshot(page, "candidate-queue")
    row.get_by_role("link", name="Riley Journey").click()
    expect(page.locator("#explanation")).to_contain_text("ADAPT: aged 12–25")
    # (violence 3 + weapon 2) x 2 fresh = 10, damage 2 x 2 fresh = 4, antisocial 1
    expect(page.locator("#explanation")).to_contain_text("priority score 15")
    expect(page.locator("#triggering-events tbody tr")).to_have_count(3)
    screenshot(page, "candidate-explained")
    page.get_by_label("Why refer (optional)").fill("Known to the school's campus officer.")
    page.get_by_role("button", name="Propose a referral to ADAPT").click()
    expect(page.locator(".ds_notification, .pw_message, [role=status]").first).to_contain_text(
        "Riley Journey is proposed for ADAPT"
    )
    referral = Referral.objects.get(person=riley)

    # The police approve their side from the inbox.
    page.get_by_role("link", name="Referrals").first.click()
    page.locator("#to-approve").locator("..").get_by_role("link", name="Riley Journey").click()
    # Riley is 16: justice social work acts, unless children and families hold an order.
    expect(page.locator("#awaiting")).to_have_text(
        "Waiting for approval by police and social work. Social work: justice social work acts "
        "(the person is 16), unless children and families social work holds a compulsory "
        "supervision order for them."
    )
    screenshot(page, "referral-proposed")
    page.locator("#step-approve").get_by_role("button", name="Approve").click()
    expect(page.locator("#awaiting")).to_contain_text("Waiting for approval by social work.")

    # Social work approves the other side.
    sign_in_as(page, live_server.url, "social")
    page.get_by_role("link", name="Referrals").first.click()
    screenshot(page, "referral-inbox-social-work")
    page.get_by_role("link", name="Riley Journey").click()
    page.locator("#step-approve").get_by_label("Note (optional)").fill(
        "Agreed at the daily huddle."
    )
    page.locator("#step-approve").get_by_role("button", name="Approve").click()
    # The second approval sends it to ADAPT: nobody comes back to press Send.
    expect(page.get_by_role("status")).to_contain_text("the referral is sent to ADAPT")
    expect(page.locator("#referral-state")).to_have_text("Sent")
    expect(page.locator("#awaiting")).to_contain_text("Waiting for ADAPT to accept or decline")

    # ADAPT accepts, then records consent.
    sign_in_as(page, live_server.url, "adapt")
    page.get_by_role("link", name="Referrals").first.click()
    expect(page.locator("#to-decide")).to_contain_text("To accept or decline (1)")
    screenshot(page, "referral-inbox-partner")
    page.get_by_role("link", name="Riley Journey").click()
    page.locator("#step-accept").get_by_role("button", name="Accept").click()
    expect(page.locator("#referral-state")).to_have_text("Accepted")
    screenshot(page, "referral-accepted")
    page.get_by_role("link", name="Record the person's consent").click()
    page.locator("label", has_text="Consent given").click()
    page.locator("label", has_text="On a signed form").click()
    page.get_by_label("Scan of the signed form").set_input_files(
        files=[
            {"name": "consent.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
        ]
    )
    page.get_by_role("button", name="Record the answer").click()
    referral.refresh_from_db()
    assert referral.state == "consented"
    assert list(
        Transition.objects.filter(referral=referral).values_list("to_state", "by__username")
    ) == [
        ("proposed", "police"),
        ("approved", "social"),
        ("sent", "social"),
        ("accepted", "adapt"),
        ("consented", "adapt"),
    ]
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    expect(page.locator("#timeline li")).to_have_count(5)
    screenshot(page, "referral-consented")

    # The first contact starts the engagement, with the plan's focus areas.
    page.get_by_role("link", name="Record the first contact and the plan").click()
    page.locator("label", has_text="Education").click()
    page.locator("label", has_text="Life choices").click()
    page.locator("label", has_text="Attended").click()
    page.get_by_label("Engagement and progress").fill("Met Riley and his gran at home.")
    screenshot(page, "engagement-start-form")
    page.get_by_role("button", name="Start the engagement").click()
    expect(page.locator("#referral-state")).to_have_text("Engaged")
    expect(page.locator("#focus-areas")).to_have_text("Focus areas: life choices, education.")
    expect(page.locator("#contacts tbody tr")).to_have_count(1)
    screenshot(page, "referral-engaged")

    # A new offence is imported: Riley's allocated worker is alerted.
    new = tmp_path / "new-events.csv"
    new.write_text(
        "agency,event_ref,person_ref,kind,occurred_at,crime_group,category\n"
        f"POLICE,EV-NEW,PS-700001,offence,{TODAY}T01:10:00,violence,Assault to injury\n",
        encoding="utf-8",
    )
    call_command("import", "events", str(new))
    page.goto(f"{live_server.url}/")
    expect(page.locator("#unread-alerts").first).to_contain_text("1")
    page.get_by_role("link", name="Alerts").first.click()
    row = page.locator("#alerts tbody tr").first
    expect(row).to_contain_text("A new offence")
    expect(row).to_contain_text("You are the allocated worker for ADAPT")
    screenshot(page, "alerts-partner")
    row.get_by_role("button", name="Riley Journey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Riley Journey")
    expect(page.locator("table.pw_chronology tbody tr").first).to_contain_text("Assault to injury")

    # Riley opts out: the worker records the withdrawal and can no longer open him.
    page.goto(f"{live_server.url}/referrals/{referral.pk}/")
    page.get_by_role("link", name="Record a withdrawal of consent").click()
    page.get_by_text("No longer wants the service", exact=True).click()
    page.get_by_label("In the person's own words").fill("Riley no longer wants to take part.")
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.get_by_role("status")).to_contain_text("Consent is withdrawn")
    response = page.goto(f"{live_server.url}/people/{riley.pk}/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("Riley")
    assert Referral.objects.get(pk=referral.pk).state == "opted_out"
