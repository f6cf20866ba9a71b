"""API v1 through the sharing door: who may see whom, tokens, and JSON errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from pathways.api.tokens import create_token
from pathways.events.models import Event
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Referral
from pathways.sharing.models import AccessLog

pytestmark = pytest.mark.django_db


def _person(agency: str, ref: str, given: str, family: str) -> Person:
    person = Person.objects.create(given_name=given, family_name=family, sex="M")
    AgencyRecord.objects.create(
        agency_id=agency,
        person_ref=ref,
        person=person,
        given_name=given,
        family_name=family,
        given_key=given.lower(),
        family_key=family.lower(),
        content_hash="x",
    )
    return person


@pytest.fixture
def world(make_user):
    """Kieran is referred to ADAPT; Owen is known to the police only."""
    kieran = _person("POLICE", "P1", "Kieran", "Referred")
    owen = _person("POLICE", "P2", "Owen", "Unreferred")
    Referral.objects.create(
        person=kieran,
        record=kieran.records.get(),
        service_id="ADAPT",
        referred_on=dt.date(2024, 1, 1),
        state="sent",
    )
    users = {
        "police": make_user("police", "ONE_GLASGOW", "police_analyst"),
        "cjsw": make_user("cjsw", "CJSW_NE", "cjsw_worker"),
        "adapt": make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"),
        "dpo": make_user("dpo", "CJ_GLASGOW", "dpo"),
    }
    tokens = {name: create_token(user) for name, user in users.items()}
    return {"kieran": kieran, "owen": owen, "tokens": tokens}


def get(client, world, who: str, path: str):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {world['tokens'][who]}")


@pytest.mark.parametrize(
    ("who", "person", "status"),
    [
        ("police", "kieran", 200),
        ("police", "owen", 200),
        ("adapt", "kieran", 200),
        ("adapt", "owen", 404),
        ("cjsw", "kieran", 404),
        ("cjsw", "owen", 404),
        ("dpo", "kieran", 404),
        ("dpo", "owen", 404),
    ],
)
@pytest.mark.parametrize("suffix", ["", "/events"])
def test_who_may_see_whom(client, world, who, person, status, suffix) -> None:
    response = get(client, world, who, f"/api/v1/people/{world[person].pk}{suffix}")
    assert response.status_code == status
    log = AccessLog.objects.filter(person_id=world[person].pk, channel="api").latest("id")
    assert log.outcome == ("allowed" if status == 200 else "refused")
    if status == 404:
        assert response.json() == {"message": "No person with that id, or you may not see them."}


def test_a_refusal_looks_exactly_like_a_person_who_does_not_exist(client, world) -> None:
    refused = get(client, world, "adapt", f"/api/v1/people/{world['owen'].pk}")
    missing = get(client, world, "adapt", "/api/v1/people/987654")
    assert (refused.status_code, refused.json()) == (missing.status_code, missing.json())


def test_search_leaves_out_people_the_caller_may_not_see(client, world) -> None:
    assert (
        get(client, world, "adapt", "/api/v1/people?q=referred").json()[0]["id"]
        == world["kieran"].pk
    )
    assert get(client, world, "adapt", "/api/v1/people?q=unreferred").json() == []
    assert (
        get(client, world, "police", "/api/v1/people?q=unreferred").json()[0]["id"]
        == world["owen"].pk
    )
    assert get(client, world, "dpo", "/api/v1/people?q=owen").json() == []


def test_a_too_short_query_is_a_json_error_naming_the_field(client, world) -> None:
    response = get(client, world, "police", "/api/v1/people?q=a")
    assert response.status_code == 422
    assert response.json()["message"].startswith("q:")


def test_events_come_fifty_a_page_newest_first_with_the_total(client, world) -> None:
    owen = world["owen"]
    record = owen.records.get()
    start = dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    Event.objects.bulk_create(
        Event(
            agency_id="POLICE",
            event_ref=f"E{n}",
            record=record,
            person=owen,
            kind="asb",
            occurred_at=start + dt.timedelta(days=n),
            occurred_on=(start + dt.timedelta(days=n)).date(),
            content_hash="x",
        )
        for n in range(120)
    )
    page1 = get(client, world, "police", f"/api/v1/people/{owen.pk}/events").json()
    assert (page1["total"], page1["pages"], len(page1["events"])) == (120, 3, 50)
    assert page1["events"][0]["event_ref"] == "E119"
    page3 = get(client, world, "police", f"/api/v1/people/{owen.pk}/events?page=3").json()
    assert [e["event_ref"] for e in page3["events"]][-1] == "E0"
    assert len(page3["events"]) == 20


def test_no_token_a_wrong_token_and_a_revoked_token_are_refused_as_json(client, world) -> None:
    path = f"/api/v1/people/{world['owen'].pk}"
    assert client.get(path).status_code == 401
    wrong = client.get(path, HTTP_AUTHORIZATION="Bearer pw_not-a-real-token")
    assert wrong.status_code == 401 and "message" in wrong.json()
    call_command("token", "revoke", world["tokens"]["police"])
    assert get(client, world, "police", path).status_code == 401


def test_revoking_all_of_a_users_tokens(client, world, make_user) -> None:
    from pathways.api.models import ApiToken

    user = ApiToken.objects.get(user__username="police").user
    second = create_token(user)
    call_command("token", "revoke", "--user", "police")
    for token in (world["tokens"]["police"], second):
        assert (
            client.get("/api/v1/people?q=ow", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
            == 401
        )


def test_token_create_prints_a_working_token(client, world, capsys) -> None:
    call_command("token", "create", "police")
    token = capsys.readouterr().out.strip()
    response = client.get(
        f"/api/v1/people/{world['owen'].pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200


def test_unknown_paths_and_methods_answer_json(client, world) -> None:
    unknown = get(client, world, "police", "/api/v1/no-such-thing")
    assert unknown.status_code == 404 and "message" in unknown.json()
    post = client.post(
        f"/api/v1/people/{world['owen'].pk}",
        HTTP_AUTHORIZATION=f"Bearer {world['tokens']['police']}",
    )
    assert post.status_code == 405 and post.json() == {"message": "method not allowed"}


def test_the_openapi_document_lists_the_endpoints(client) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths) == {
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/events",
    }
