"""The data protection officer's pages: agreements in plain language with overdue reviews,
who looked at a person, whom a user looked at, unusual access — and no case content."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client, override_settings

from tests.world import World, make_person, make_user, refer


def test_the_agreements_read_as_sentences_with_overdue_reviews(client: Client, world) -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)):
        client.force_login(world.dpo)
        html = client.get("/governance/agreements/").content.decode()
    assert (
        "Police Scotland, Greater Glasgow Division shares offending data with Includem ADAPT "
        "while the person has consented to engage with ADAPT, for diversion: to plan the work "
        "with the person, under UK GDPR Art 6(1)(e): a task in the public interest (diversion "
        "from prosecution); UK GDPR Art 10 with DPA 2018 Sch 1 para 10 (preventing or "
        "detecting unlawful acts); DPA 2018 Part 3 s36: sharing for the prevention of offending."
    ) in html
    assert (
        "Division shares health data with Glasgow HSCP Alcohol and Drug Recovery Services "
        "Crisis outreach service at all times, to reach the person quickly"
    ) in html
    # The five referral-details agreements were due for review on 30 September 2026.
    assert "5 agreements are overdue for review</strong> (as of 23 November 2026)" in html
    with time_machine.travel(dt.datetime(2026, 9, 1, 12, tzinfo=dt.UTC)):
        client.force_login(world.dpo)
        before = client.get("/governance/agreements/").content.decode()
    assert "No agreement is overdue for review." in before


@pytest.mark.parametrize(
    "path", ["/audit/", "/audit/people/1/", "/audit/users/police/", "/audit/unusual/"]
)
def test_only_the_data_protection_officer_reads_the_audit(client: Client, world, path) -> None:
    for user in (world.police, world.adapt, world.dataquality, world.nobody):
        client.force_login(user)
        assert client.get(path).status_code == 403
    client.force_login(world.dpo)
    assert client.get(path).status_code in (200, 302)


def test_who_looked_at_a_person_without_showing_who_they_are(client: Client, world) -> None:
    client.force_login(world.police)
    client.get(f"/people/{world.hidden.pk}/")
    client.get("/people/", {"q": "Hidden"})
    client.force_login(world.adapt)
    client.get(f"/people/{world.hidden.pk}/")  # refused
    client.force_login(world.dpo)
    html = client.get(f"/audit/people/{world.hidden.pk}/").content.decode()
    assert "<strong>3</strong> access events" in html
    assert html.count("<strong>Refused</strong>") == 1
    assert 'href="/audit/users/adapt/"' in html and 'href="/audit/users/police/"' in html
    assert "1 result(s) for: Hidden" in html  # the search that listed them
    assert "Morgan" not in html.replace("Hidden", "")  # the query text, not the record
    assert "Robbery" not in html


def test_a_users_page_shows_what_they_searched_for_and_people_by_id(
    client: Client, world: World
) -> None:
    """docs/decisions/0010: the words typed, as typed; the people shown, by id."""
    client.force_login(world.police)
    client.get("/people/", {"q": "Hidd"})
    client.get(f"/people/{world.hidden.pk}/")
    client.force_login(world.dpo)
    html = client.get("/audit/users/police/").content.decode()
    assert "1 result(s) for: Hidd" in html
    assert f'href="/audit/people/{world.hidden.pk}/"' in html
    assert "Morgan" not in html and "Hidden" not in html  # the person's name, never shown


def test_whom_a_user_looked_at(client: Client, world: World) -> None:
    client.force_login(world.police)
    client.get(f"/people/{world.hidden.pk}/")
    client.get(f"/people/{world.referred.pk}/")
    client.force_login(world.dpo)
    html = client.get("/audit/users/police/").content.decode()
    assert f'href="/audit/people/{world.hidden.pk}/"' in html
    assert f'href="/audit/people/{world.referred.pk}/"' in html
    assert "<strong>2</strong> access events" in html
    assert client.get("/audit/", {"person": str(world.hidden.pk)})["Location"] == (
        f"/audit/people/{world.hidden.pk}/"
    )
    assert (
        "Give a person&#x27;s Pathways id"
        in client.get("/audit/", {"person": "x"}).content.decode()
    )


@override_settings(PATHWAYS_UNUSUAL_PEOPLE=3, PATHWAYS_UNUSUAL_REFUSALS=2)
def test_unusual_access_is_many_people_with_no_referral_link(client: Client, world) -> None:
    browser = make_user("browser", "ONE_GLASGOW", "police_analyst")
    strangers = [
        make_person("Stranger", f"No{n}", dt.date(2000, 1, n + 1), records=(("POLICE", f"S{n}"),))
        for n in range(3)
    ]
    client.force_login(browser)
    for person in strangers:
        client.get(f"/people/{person.pk}/")
    # A police analyst opening three people the police referred is doing their work.
    referred = [
        make_person("Known", f"Ref{n}", dt.date(2001, 1, n + 1), records=(("POLICE", f"K{n}"),))
        for n in range(3)
    ]
    worker = make_user("worker", "ONE_GLASGOW", "police_analyst")
    client.force_login(worker)
    for person in referred:
        refer(person, "POLICE", "ADAPT", dt.date(2024, 1, 1))
        client.get(f"/people/{person.pk}/")
    client.force_login(world.adapt)
    client.get(f"/people/{world.hidden.pk}/")
    client.get("/people/999999/")
    client.force_login(world.dpo)
    html = client.get("/audit/unusual/").content.decode()
    assert 'href="/audit/users/browser/"' in html
    assert "opened 3 people with no referral linking them in 30 days" in html
    assert 'href="/audit/users/worker/"' not in html
    assert 'href="/audit/users/adapt/"' in html and "refused 2 times in 30 days" in html
