"""What the three people endpoints answer: shapes, ordering, paging and validation."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import LONDON, EventFactory

pytestmark = pytest.mark.django_db


def test_search_answers_person_summaries(call, world) -> None:
    response = call("police", "/api/v1/people?q=owen%20baird")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": world.id_of("owen"),
            "given_name": "Owen",
            "family_name": "Baird",
            "date_of_birth": "2005-09-09",
            "sex": "M",
        }
    ]


def test_search_by_date_of_birth(call, world) -> None:
    body = call("police", "/api/v1/people?q=03/02/1994").json()
    assert [p["id"] for p in body] == [world.id_of("callum")]


@pytest.mark.parametrize(
    ("query", "expected"), [("%20%20%20", []), ("%00%00", []), ("Baird%00", ["owen"])]
)
def test_blank_words_and_nul_characters_are_no_search_terms(call, world, query, expected) -> None:
    response = call("police", f"/api/v1/people?q={query}")
    assert response.status_code == 200
    assert [p["id"] for p in response.json()] == [world.id_of(name) for name in expected]


def test_a_person_with_their_records_and_referrals(call, world) -> None:
    kieran = world.people["kieran"]
    body = call("police", f"/api/v1/people/{kieran.pk}").json()
    assert body == {
        "id": kieran.pk,
        "given_name": "Kieran",
        "family_name": "Adair",
        "date_of_birth": "2006-05-01",
        "sex": "M",
        "records": [
            {
                "agency": "POLICE",
                "person_ref": "P100",
                "given_name": "Kieran",
                "family_name": "Adair",
                "date_of_birth": "2006-05-01",
                "sex": "M",
                "postcode": "G31 2AB",
                "area": "NE",
                "link_method": "single",
            }
        ],
        "referrals": [
            {
                "id": world.referrals[service].pk,
                "service": service.upper(),
                "referred_on": on,
                "state": "sent",
                "decision": "",
                "decided_on": None,
                "consent_on": None,
                "started_on": None,
                "ended_on": None,
                "end_reason": "",
            }
            for service, on in (("sidestep", "2024-04-01"), ("adapt", "2024-02-01"))
        ],
    }


@pytest.fixture
def owen_with_history(world):
    """Owen gets 120 ASB incidents a day apart from 1 Jan 2024 (A000 … A119), and
    3 custody episodes in 2023, besides his ASB incident O1 of 2 Feb 2024."""
    owen = world.people["owen"]
    start = dt.datetime(2024, 1, 1, 9, tzinfo=LONDON)
    for n in range(120):
        EventFactory(person=owen, kind="asb", event_ref=f"A{n:03}",
                     occurred_at=start + dt.timedelta(days=n))  # fmt: skip
    for month in (3, 6, 9):
        EventFactory(
            person=owen, kind="custody", occurred_at=dt.datetime(2023, month, 1, tzinfo=LONDON)
        )
    return owen


def test_events_come_fifty_a_page_newest_first_with_the_total(call, owen_with_history) -> None:
    path = f"/api/v1/people/{owen_with_history.pk}/events"
    first = call("police", path).json()
    assert (first["total"], first["page"], first["pages"], first["per_page"]) == (124, 1, 3, 50)
    assert len(first["events"]) == 50
    # 1 Jan 2024 + 119 days = 29 Apr 2024 is the newest.
    assert first["events"][0]["event_ref"] == "A119"
    assert first["events"][0]["occurred_on"] == "2024-04-29"
    times = [e["occurred_at"] for e in first["events"]]
    assert times == sorted(times, reverse=True)
    last = call("police", f"{path}?page=3").json()
    # 124 events: pages of 50, 50 and 24; the oldest are the 2023 custody episodes,
    # just after the oldest ASB incident.
    assert (last["page"], len(last["events"])) == (3, 24)
    assert [(e["kind"], e["occurred_on"]) for e in last["events"][-4:]] == [
        ("asb", "2024-01-01"),
        ("custody", "2023-09-01"),
        ("custody", "2023-06-01"),
        ("custody", "2023-03-01"),
    ]


def test_every_event_appears_once_across_the_pages(call, owen_with_history) -> None:
    path = f"/api/v1/people/{owen_with_history.pk}/events"
    refs = [
        e["event_ref"]
        for page in (1, 2, 3)
        for e in call("police", f"{path}?page={page}").json()["events"]
    ]
    assert len(refs) == len(set(refs)) == 124


def test_a_page_past_the_last_is_empty_with_the_total(call, owen_with_history) -> None:
    body = call("police", f"/api/v1/people/{owen_with_history.pk}/events?page=4").json()
    assert (body["total"], body["page"], body["pages"], body["events"]) == (124, 4, 3, [])


def test_events_filtered_by_kind(call, owen_with_history) -> None:
    body = call("police", f"/api/v1/people/{owen_with_history.pk}/events?kind=custody").json()
    assert body["total"] == 3
    assert [e["occurred_on"] for e in body["events"]] == ["2023-09-01", "2023-06-01", "2023-03-01"]


def test_an_event_as_the_api_shows_it(call, world) -> None:
    body = call("police", f"/api/v1/people/{world.id_of('callum')}/events?kind=offence").json()
    assert body["events"] == [
        {
            "agency": "POLICE",
            "event_ref": "C-POLICE",
            "kind": "offence",
            # 12:00 in Glasgow on 1 July 2023 is 11:00 UTC (British Summer Time).
            "occurred_at": "2023-07-01T11:00:00Z",
            "occurred_on": "2023-07-01",
            "crime_group": "dishonesty",
            "category": "",
            "area": "NE",
            "flags": [],
            "disposal": "",
            "offence_date": None,
        }
    ]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/people", "q:"),
        ("/api/v1/people?q=a", "q:"),
        ("/api/v1/people?q=Owen&q=Baird", "q:"),
        (f"/api/v1/people?q={'x' * 201}", "q:"),
        ("/api/v1/people/abc", "person_id:"),
        ("/api/v1/people/0", "person_id:"),
        (f"/api/v1/people/{2**63}", "person_id:"),
        ("/api/v1/people/1/events?kind=burglary", "kind:"),
        ("/api/v1/people/1/events?page=0", "page:"),
        ("/api/v1/people/1/events?page=two", "page:"),
        ("/api/v1/people/1/events?page=1&page=2", "page:"),
        ("/api/v1/people/1/events?kind=asb&kind=custody", "kind:"),
    ],
)
def test_bad_parameters_are_a_json_422_naming_the_field(call, world, path, field) -> None:
    response = call("police", path)
    assert response.status_code == 422
    assert response.json()["message"].startswith(field)
