"""Person search: only people the user may see; by name, date of birth or reference;
a whole page without JavaScript, the results region alone for htmx; every search logged."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from pathways.audit.models import AccessEvent
from pathways.people.models import AgencyRecord
from tests.world import World, make_person


def names_in(html: str) -> list[str]:
    return re.findall(r'<a href="/people/\d+/">([^<]+)</a>', html)


def test_police_analyst_finds_people_by_family_name(client: Client, world: World) -> None:
    client.force_login(world.police)
    html = client.get("/people/", {"q": "referred"}).content.decode()
    assert names_in(html) == ["Jamie Referred"]
    assert f'href="/people/{world.referred.pk}/"' in html
    assert "12 March 2004" in html
    assert "Male" in html


def test_search_by_date_of_birth_in_either_form(client: Client, world: World) -> None:
    client.force_login(world.police)
    iso = client.get("/people/", {"q": "2005-07-30"}).content.decode()
    uk = client.get("/people/", {"q": "30/07/2005"}).content.decode()
    assert names_in(iso) == ["Morgan Hidden"]
    assert names_in(uk) == ["Morgan Hidden"]


def test_search_by_agency_reference(client: Client, world: World) -> None:
    client.force_login(world.police)
    html = client.get("/people/", {"q": "P1002"}).content.decode()
    assert names_in(html) == ["Morgan Hidden"]


def test_partnership_team_does_not_find_a_person_known_only_to_social_work(
    client: Client, world: World
) -> None:
    client.force_login(world.police)
    html = client.get("/people/", {"q": "Social"}).content.decode()
    assert names_in(html) == []


def test_partner_worker_finds_the_referred_person_only(client: Client, world: World) -> None:
    client.force_login(world.adapt)
    referred = client.get("/people/", {"q": "Referred"}).content.decode()
    hidden = client.get("/people/", {"q": "Hidden"}).content.decode()
    by_ref = client.get("/people/", {"q": "P1002"}).content.decode()
    assert names_in(referred) == ["Jamie Referred"]
    assert names_in(hidden) == []
    assert "No people you may see match “Hidden”" in hidden
    assert names_in(by_ref) == []


def test_social_worker_sees_own_agency_people_only(client: Client, world: World) -> None:
    client.force_login(world.socialworker)
    assert names_in(client.get("/people/", {"q": "Social"}).content.decode()) == ["Robin Social"]
    assert names_in(client.get("/people/", {"q": "Hidden"}).content.decode()) == []
    # Referred to a partner: the police-social work protocol opens him to social work.
    assert names_in(client.get("/people/", {"q": "Referred"}).content.decode()) == [
        "Jamie Referred"
    ]


def test_each_search_is_logged_with_its_query_and_count(client: Client, world: World) -> None:
    client.force_login(world.adapt)
    client.get("/people/", {"q": "Referred"})
    client.get("/people/", {"q": "Hidden"})
    rows = list(
        AccessEvent.objects.order_by("id").values_list(
            "user__username", "person_id", "action", "channel", "decision", "detail"
        )
    )
    assert rows == [
        ("adapt", None, "search", "web", "allowed", "1 result(s) for: Referred"),
        ("adapt", None, "search", "web", "allowed", "0 result(s) for: Hidden"),
    ]


def test_an_empty_search_shows_the_form_and_logs_nothing(client: Client, world: World) -> None:
    client.force_login(world.police)
    response = client.get("/people/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="ds_label" for="search-q">' in html
    assert AccessEvent.objects.count() == 0


def test_without_javascript_the_whole_page_comes_back(client: Client, world: World) -> None:
    client.force_login(world.police)
    html = client.get("/people/", {"q": "Referred"}).content.decode()
    assert "<html" in html
    assert 'value="Referred"' in html
    assert 'id="search-results" class="pw_search-results" aria-live="polite"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html


def test_htmx_gets_the_results_region_only(client: Client, world: World) -> None:
    client.force_login(world.police)
    response = client.get("/people/", {"q": "Referred"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert names_in(html) == ["Jamie Referred"]
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client: Client, world: World) -> None:
    client.force_login(world.police)
    response = client.get(
        "/people/",
        {"q": "Referred"},
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


def test_many_matches_are_capped_and_said_so(client: Client, world: World) -> None:
    for n in range(30):
        make_person(f"Alex{n:02d}", "Many", None, records=(("POLICE", f"M{n:03d}"),))
    client.force_login(world.police)
    html = client.get("/people/", {"q": "Many"}).content.decode()
    assert len(names_in(html)) == 25
    assert "More than 25" in html
    assert AccessEvent.objects.get().detail == "25+ result(s) for: Many"
    # The next page: the other five, in the same order, audited as page 2.
    assert 'href="?q=Many&amp;page=2"' in html
    second = client.get("/people/", {"q": "Many", "page": "2"}).content.decode()
    assert names_in(second) == [f"Alex{n:02d} Many" for n in range(25, 30)]
    assert "People 26 to 30 of those matching" in second and "page=3" not in second
    assert AccessEvent.objects.filter(detail="5 result(s), page 2 for: Many").count() == 1


def test_people_of_one_name_are_told_apart(client: Client, world: World) -> None:
    """Age, and the latest record the user may see (agency, reference, postcode); a
    record the user may not see is not shown."""
    older = make_person("Aidan", "Twin", dt.date(1990, 1, 1), records=(("POLICE", "T1"),))
    AgencyRecord.objects.filter(person=older).update(postcode="G31 2AB")
    make_person("Aidan", "Twin", dt.date(2001, 6, 6), records=(("HSCP_CJSW", "C2"),))
    client.force_login(world.police)
    html = client.get("/people/", {"q": "Aidan Twin"}).content.decode()
    assert "Police Scotland, Greater Glasgow Division T1, G31 2AB" in html
    assert "(age " in html
    assert "C2" not in html  # justice social work's record: not the police's to see


def test_a_date_that_is_not_a_date_is_said_so(client: Client, world: World) -> None:
    client.force_login(world.police)
    html = client.get("/people/", {"q": "Referred 31/02/2004"}).content.decode()
    assert "“31/02/2004” is not a date: write it as day/month/year" in html
    assert AccessEvent.objects.count() == 0  # nothing was searched


def test_roles_without_view_cannot_search(client: Client, world: World) -> None:
    for user in (world.dpo, world.dataquality, world.nobody):
        client.force_login(user)
        response = client.get("/people/", {"q": "Referred"})
        assert response.status_code == 403
        assert "You cannot open this page" in response.content.decode()
    assert AccessEvent.objects.count() == 0


@pytest.mark.parametrize("page", ["²", "-1", "abc"])
def test_a_page_number_that_is_no_page_number_gives_the_first(
    client: Client, world: World, page: str
) -> None:
    client.force_login(world.police)
    response = client.get("/people/", {"q": "Referred", "page": page})
    assert response.status_code == 200 and "Jamie Referred" in response.content.decode()


def test_a_page_beyond_the_last_says_so_and_is_capped(client: Client, world: World) -> None:
    client.force_login(world.police)
    response = client.get("/people/", {"q": "Referred", "page": "9" * 30})
    assert response.status_code == 200
    assert "beyond those already shown" in response.content.decode()
    assert AccessEvent.objects.filter(detail__contains="page 40 for: Referred").exists()
