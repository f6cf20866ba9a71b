"""The person page: identity, agency records, referrals and a paginated chronology of
what the user may see; 404 (logged as refused) for anyone else, exactly like a missing id."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pathways.audit.models import AccessEvent
from tests.world import World, add_event, at, make_person, refer


def event_rows(html: str) -> list[str]:
    """The `datetime` of each chronology row, in page order."""
    table = html.split('pw_chronology"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><time datetime="([^"]+)">', table)


def without_csrf(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


def test_police_analyst_sees_identity_records_referrals_and_events(
    client: Client, world: World
) -> None:
    client.force_login(world.police)
    response = client.get(f"/people/{world.referred.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert re.search(r'<h1 class="ds_page-header__title">\s*Jamie Referred\s*</h1>', html)
    assert "12 March 2004" in html
    assert "P1001" in html
    assert "G31 2AB" in html
    assert "Includem" in html or "ADAPT" in html
    # Newest first, shown in Europe/London time: 23:30 on 1 June 2024 is BST.
    assert event_rows(html) == [
        "2024-06-01T23:30:00+01:00",
        "2024-01-05T12:00:00+00:00",
        "2023-11-20T12:00:00+00:00",
    ]
    assert "1 Jun 2024, 23:30" in html
    assert "Non-sexual crimes of violence" in html
    assert "Shoplifting" in html
    # Flags are words, not colours.
    assert "substance use, weapon" in html
    assert "<strong>3</strong> events you may see" in html


def test_age_is_worked_out_from_the_date_of_birth(client: Client, world: World) -> None:
    import time_machine

    # Signed in on each day: a day's jump is longer than a session lasts.
    with time_machine.travel(dt.datetime(2024, 3, 11, 12, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(world.police)
        before = client.get(f"/people/{world.referred.pk}/").content.decode()
    with time_machine.travel(dt.datetime(2024, 3, 12, 12, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(world.police)
        on_the_day = client.get(f"/people/{world.referred.pk}/").content.decode()
    age = r'Age</dt>\s*<dd class="ds_summary-list__value">(\d+)</dd>'
    assert re.search(age, before).group(1) == "19"
    assert re.search(age, on_the_day).group(1) == "20"


def test_partner_worker_opens_a_person_referred_to_their_service(
    client: Client, world: World
) -> None:
    client.force_login(world.adapt)
    response = client.get(f"/people/{world.referred.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jamie Referred" in html
    assert "P1001" in html  # the record the referral was made from
    assert "ADAPT" in html
    # Engaged, so consented: police share offending (POLICE_ADAPT_OFFENDING), not custody.
    assert "<strong>2</strong> events you may see" in html
    assert "Shoplifting" in html and "Assault" in html
    assert "Custody (0)" in html  # the filter's count: none shared
    log = AccessEvent.objects.get()
    assert (log.user, log.person_id, log.action, log.channel, log.decision) == (
        world.adapt,
        world.referred.pk,
        "view_person",
        "web",
        "allowed",
    )


def test_partner_worker_gets_404_for_a_person_not_referred(client: Client, world: World) -> None:
    client.force_login(world.adapt)
    refused = client.get(f"/people/{world.hidden.pk}/")
    missing = client.get("/people/999999/")
    assert refused.status_code == 404
    assert missing.status_code == 404
    # Refusal looks exactly like absence (the sign-out form's CSRF token differs per page).
    assert without_csrf(refused.content) == without_csrf(missing.content)
    assert "Morgan" not in refused.content.decode()
    rows = list(
        AccessEvent.objects.order_by("id").values_list(
            "user__username", "person_id", "action", "channel", "decision"
        )
    )
    assert rows == [
        ("adapt", world.hidden.pk, "view_person", "web", "refused"),
        ("adapt", 999999, "view_person", "web", "refused"),
    ]


@pytest.mark.parametrize("who", ["dpo", "dataquality", "nobody"])
def test_roles_without_view_get_404_and_a_logged_refusal(
    client: Client, world: World, who: str
) -> None:
    client.force_login(getattr(world, who))
    assert client.get(f"/people/{world.referred.pk}/").status_code == 404
    log = AccessEvent.objects.get()
    assert (log.person_id, log.decision) == (world.referred.pk, "refused")


def test_social_worker_sees_own_agency_person_but_not_police_only_person(
    client: Client, world: World
) -> None:
    client.force_login(world.socialworker)
    own = client.get(f"/people/{world.social.pk}/")
    assert own.status_code == 200
    assert "Concern" in own.content.decode()
    # Police share with justice social work only about people referred or on a caseload.
    assert client.get(f"/people/{world.hidden.pk}/").status_code == 404
    referred = client.get(f"/people/{world.referred.pk}/").content.decode()
    assert "Shoplifting" in referred and "Custody" in referred


def test_each_agency_sees_its_own_events_until_a_statutory_case_opens_the_others(
    client: Client, world: World
) -> None:
    # A person known to police and social work, on no caseload: each sees only its own.
    both = make_person(
        "Casey", "Both", dt.date(1999, 9, 9), records=(("POLICE", "P3001"), ("HSCP_CJSW", "S3001"))
    )
    add_event(both, "POLICE", at(2024, 5, 1), crime_group="violence", category="Police only")
    add_event(both, "HSCP_CJSW", at(2024, 5, 2), kind="conviction", category="Social work only")

    def page(user) -> str:
        client.force_login(user)
        return client.get(f"/people/{both.pk}/").content.decode()

    assert "Police only" in page(world.police) and "Social work only" not in page(world.police)
    social = page(world.socialworker)
    assert "Social work only" in social
    assert "Police only" not in social and "P3001" not in social
    # On STARS: the protocol opens each agency's offending to the other.
    refer(both, "HSCP_CJSW", "STARS", dt.date(2024, 4, 1))
    assert "Social work only" in page(world.police)
    social = page(world.socialworker)
    assert "Police only" in social and "P3001" in social


@pytest.fixture
def busy(world: World):
    """A person with 120 police events, one a day from 1 January 2024 (noon, London):
    every third one (days 0, 3, 6, …) a custody episode (40), the rest offences (80)."""
    person = make_person("Busy", "Person", dt.date(2001, 1, 1), records=(("POLICE", "P9000"),))
    start = at(2024, 1, 1)
    for day in range(120):
        add_event(
            person,
            "POLICE",
            start + dt.timedelta(days=day),
            kind="custody" if day % 3 == 0 else "offence",
            category=f"Event day {day}",
        )
    return person


def test_chronology_page_one_has_the_newest_50_and_the_total(
    client: Client, world: World, busy
) -> None:
    client.force_login(world.police)
    html = client.get(f"/people/{busy.pk}/").content.decode()
    rows = event_rows(html)
    assert len(rows) == 50
    # Day 119 is 29 April 2024 (BST), the newest; day 70 is the 50th newest.
    assert rows[0] == "2024-04-29T12:00:00+01:00"
    assert rows[-1] == "2024-03-11T12:00:00+00:00"
    assert rows == sorted(rows, reverse=True)
    assert "<strong>120</strong> events you may see, newest first; showing 1 to 50." in html
    assert 'aria-label="Page 3"' in html
    assert 'aria-label="Page 4"' not in html


def test_chronology_last_page_holds_the_oldest(client: Client, world: World, busy) -> None:
    client.force_login(world.police)
    html = client.get(f"/people/{busy.pk}/", {"page": 3}).content.decode()
    rows = event_rows(html)
    assert len(rows) == 20
    assert rows[-1] == "2024-01-01T12:00:00+00:00"
    assert "showing 101 to 120" in html


def test_a_bad_page_number_gives_a_page_not_an_error(client: Client, world: World, busy) -> None:
    client.force_login(world.police)
    assert len(event_rows(client.get(f"/people/{busy.pk}/", {"page": "x"}).content.decode())) == 50
    last = client.get(f"/people/{busy.pk}/", {"page": 99}).content.decode()
    assert "showing 101 to 120" in last


def test_chronology_filtered_by_kind_keeps_the_filter_across_pages(
    client: Client, world: World, busy
) -> None:
    client.force_login(world.police)
    html = client.get(f"/people/{busy.pk}/", {"kind": "offence"}).content.decode()
    assert "<strong>80</strong> offence events of 120 you may see" in html
    assert len(event_rows(html)) == 50
    assert "Custody</td>" not in html
    # The page links carry the filter.
    assert 'href="?kind=offence&amp;page=2#chronology"' in html
    page2 = client.get(f"/people/{busy.pk}/", {"kind": "offence", "page": 2}).content.decode()
    assert len(event_rows(page2)) == 30
    # The oldest offence is day 1 (2 January); day 0 was a custody episode.
    assert event_rows(page2)[-1] == "2024-01-02T12:00:00+00:00"
    assert '<option value="offence" selected>Offence (80)</option>' in page2
    assert '<option value="custody">Custody (40)</option>' in page2


def test_an_unknown_kind_shows_every_event(client: Client, world: World, busy) -> None:
    client.force_login(world.police)
    html = client.get(f"/people/{busy.pk}/", {"kind": "nonsense"}).content.decode()
    assert "<strong>120</strong> events you may see" in html


def test_person_page_queries_do_not_grow_with_the_data(client: Client, world: World, busy) -> None:
    # More records and referrals must not add queries (no query per row).
    client.force_login(world.police)
    client.get(f"/people/{busy.pk}/")  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as before:
        client.get(f"/people/{busy.pk}/")
    for n in range(5):
        extra = make_person("Busy", "Person", dt.date(2001, 1, 1), records=(("POLICE", f"X{n}"),))
        record = extra.records.get()
        record.person = busy
        record.save()
    refer(busy, "POLICE", "ADAPT", dt.date(2024, 2, 1))
    refer(busy, "POLICE", "SIDESTEP", dt.date(2024, 3, 1))
    with CaptureQueriesContext(connection) as after:
        html = client.get(f"/people/{busy.pk}/").content.decode()
    assert len(event_rows(html)) == 50
    assert html.count('<td class="pw_nowrap">X') == 5  # five extra agency records shown
    is_postgres = connection.vendor == "postgresql"
    # (PostgreSQL takes the audit chain's lock in one more query than SQLite; the person's
    # orders are one query, however many.)
    assert len(after.captured_queries) == len(before.captured_queries) <= 22 + is_postgres


def test_person_page_reads_the_users_memberships_once(client: Client, world: World, busy) -> None:
    # The menu, the policy, the audit, two-factor and the referral actions all ask about
    # the user's teams; they share one read per request (partners.memberships).
    client.force_login(world.police)
    client.get(f"/people/{busy.pk}/")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/people/{busy.pk}/")
    reads = [q["sql"] for q in queries.captured_queries if 'FROM "partners_membership"' in q["sql"]]
    assert len(reads) == 1, reads


def test_a_membership_ended_between_requests_takes_effect_on_the_next(
    client: Client, world: World, busy
) -> None:
    client.force_login(world.police)
    assert client.get(f"/people/{busy.pk}/").status_code == 200
    world.police.memberships.all().delete()
    assert client.get(f"/people/{busy.pk}/").status_code == 404


def test_an_agencys_category_code_reads_as_words(client: Client, world: World) -> None:
    add_event(world.referred, "POLICE", at(2024, 7, 1), crime_group="violence",
              category="common_assault")  # fmt: skip
    client.force_login(world.police)
    html = client.get(f"/people/{world.referred.pk}/").content.decode()
    assert "<td>Common assault</td>" in html and "common_assault" not in html
    assert "<td>Assault</td>" in html  # a label, as the agency wrote it


def test_the_address_held_is_shown_where_identity_is_open(client: Client, world: World) -> None:
    """A mentor needs a way to reach the person: the agency's address with the postcode,
    where the user may see that agency's identity data (issue 19)."""
    from pathways.people.models import AgencyRecord

    AgencyRecord.objects.filter(person=world.referred, agency_id="POLICE").update(
        address="14 Gallowgate", postcode="G1 5AA"
    )
    client.force_login(world.adapt)
    html = client.get(f"/people/{world.referred.pk}/").content.decode()
    assert "14 Gallowgate, " in html and "G1 5AA" in html
