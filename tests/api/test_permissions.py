"""Who may fetch whom through the API: the sharing door, and its audit trail.

Visibility (see conftest.py and config/glasgow/agreements.toml): police sees everyone it
holds a record of; cjsw sees Callum (its own record) and Kieran (referred: the
police-social work protocol); adapt sees Kieran (referred to ADAPT, not yet consented);
dpo sees no one. `missing` is an id no
person has, which nobody can tell apart from a person they may not see.
"""

from __future__ import annotations

import pytest

from pathways.access.looks import NOT_FOUND
from pathways.audit.models import AccessEvent

pytestmark = pytest.mark.django_db

VISIBLE = {
    "police": {"kieran", "owen", "callum"},
    "cjsw": {"callum", "kieran"},
    "adapt": {"kieran"},
    "dpo": set(),
}
ENDPOINTS = {
    "person": ("/api/v1/people/{id}", "view_person"),
    "events": ("/api/v1/people/{id}/events", "view_events"),
}
MATRIX = [
    (endpoint, who, person, 200 if person in VISIBLE[who] else 404)
    for endpoint in ENDPOINTS
    for who in VISIBLE
    for person in ("kieran", "owen", "callum", "missing")
]


@pytest.mark.parametrize(("endpoint", "who", "person", "status"), MATRIX)
def test_permission_matrix(call, world, endpoint, who, person, status) -> None:
    path, action = ENDPOINTS[endpoint]
    person_id = world.id_of(person)
    response = call(who, path.format(id=person_id))
    assert response.status_code == status
    if status == 404:
        assert response.json() == {"message": NOT_FOUND}
    log = AccessEvent.objects.get(person_id=person_id)
    assert (log.user_id, log.action, log.channel, log.decision) == (
        world.users[who].pk,
        action,
        "api",
        "allowed" if status == 200 else "refused",
    )


def test_the_matrix_covers_allowed_and_refused_for_every_kind_of_user() -> None:
    for who in VISIBLE:
        statuses = {status for _, user, _, status in MATRIX if user == who}
        assert 404 in statuses
        assert (200 in statuses) == (who != "dpo")


def test_a_refusal_answers_exactly_as_a_person_who_does_not_exist(call, world) -> None:
    refused = call("adapt", f"/api/v1/people/{world.id_of('owen')}")
    missing = call("adapt", f"/api/v1/people/{world.id_of('missing')}")
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content
    assert refused["Content-Type"] == missing["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("who", "query", "expected"),
    [
        ("police", "Adair", ["kieran"]),
        ("police", "Baird", ["owen"]),
        ("police", "P300", ["callum"]),
        ("adapt", "Adair", ["kieran"]),
        ("adapt", "Baird", []),
        ("adapt", "Craig", []),
        ("cjsw", "Craig", ["callum"]),
        ("cjsw", "C300", ["callum"]),
        ("cjsw", "Adair", ["kieran"]),
        ("cjsw", "Baird", []),
        ("dpo", "Adair", []),
        ("dpo", "Craig", []),
    ],
)
def test_search_finds_only_people_the_caller_may_see(call, world, who, query, expected) -> None:
    response = call(who, f"/api/v1/people?q={query}")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [world.id_of(name) for name in expected]


def test_every_search_is_in_the_access_log(call, world) -> None:
    call("adapt", "/api/v1/people?q=Baird")
    log = AccessEvent.objects.get()
    assert (log.user_id, log.person_id, log.action, log.channel, log.decision) == (
        world.users["adapt"].pk,
        None,
        "search",
        "api",
        "allowed",
    )
    assert "Baird" in log.detail


def test_a_partner_sees_only_the_record_and_referral_behind_their_own_referral(call, world) -> None:
    body = call("adapt", f"/api/v1/people/{world.id_of('kieran')}").json()
    assert [(r["agency"], r["person_ref"]) for r in body["records"]] == [("POLICE", "P100")]
    assert [r["service"] for r in body["referrals"]] == ["ADAPT"]


def test_social_work_sees_its_own_record_not_the_polices(call, world) -> None:
    body = call("cjsw", f"/api/v1/people/{world.id_of('callum')}").json()
    assert [(r["agency"], r["person_ref"]) for r in body["records"]] == [("HSCP_CJSW", "C300")]
    assert body["referrals"] == []


def test_the_partnership_team_sees_police_records_and_referrals(call, world) -> None:
    callum = call("police", f"/api/v1/people/{world.id_of('callum')}").json()
    # Callum is on no caseload and referred nowhere: social work's record stays its own.
    assert [(r["agency"], r["person_ref"]) for r in callum["records"]] == [("POLICE", "P300")]
    kieran = call("police", f"/api/v1/people/{world.id_of('kieran')}").json()
    # Newest referral first.
    assert [r["service"] for r in kieran["referrals"]] == ["SIDESTEP", "ADAPT"]


@pytest.mark.parametrize(
    ("who", "person", "event_refs"),
    [
        ("police", "callum", ["C-POLICE"]),
        ("cjsw", "callum", ["C-CJSW"]),
        ("police", "kieran", ["K2", "K1"]),
        # Referred, not yet consented: a partner sees who and why, no offending yet.
        ("adapt", "kieran", []),
        # Referred: the protocol shares police offending and custody with social work.
        ("cjsw", "kieran", ["K2", "K1"]),
    ],
)
def test_events_are_only_those_the_caller_may_see(call, world, who, person, event_refs) -> None:
    body = call(who, f"/api/v1/people/{world.id_of(person)}/events").json()
    assert [e["event_ref"] for e in body["events"]] == event_refs
    assert body["total"] == len(event_refs)
