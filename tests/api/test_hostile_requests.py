"""What the API fuzzer (test_fuzz.py) found, each kept as a plain regression test: a
body that is not JSON answered 400 where every operation documents 422; an order id in a
squad's register beyond what the database holds was a 500; report dates near the years
1 or 9999 were a 500, or seconds of work and gigabytes of memory first. Now each is a
422 that says which value. Versions in a body are held to the database's numbers too (a
huge one was refused as stale or missing, never a crash, but the document now says so)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.test import Client
from django.utils import timezone

from pathways.api.ids import MAX_ID
from pathways.casework.models import Order
from pathways.casework.orders import impose_order
from pathways.referrals.models import Referral
from tests.world import make_person

from .test_candidates_api import caller

pytestmark = pytest.mark.django_db

TOO_BIG = MAX_ID + 1  # one more than a PostgreSQL bigint (and SQLite's INTEGER) holds


@pytest.fixture
def order(partnership: None) -> Order:
    """A community payback order with unpaid work, placed on NE_GARDENS (CJSW_NE's)."""
    person = make_person("Ivy", "Order", dt.date(1991, 2, 2), records=(("HSCP_CJSW", "CA1"),))
    made = impose_order(person.records.get(), type="cpo", court="sheriff_summary",
                        imposed_on=timezone.localdate() - dt.timedelta(days=3), upw_hours=50,
                        supervision_months=6, team="CJSW_NE")  # fmt: skip
    Order.objects.filter(pk=made.pk).update(project_id="NE_GARDENS")
    return made


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b'{"version": 1'])
def test_a_body_that_is_not_json_is_a_documented_422(client: Client, world, body) -> None:
    referral = world.referrals["adapt"]
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/approve",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['police']}",
    )
    assert response.status_code == 422
    assert response.json() == {"message": "the request body is not valid JSON"}
    document = client.get("/api/v1/openapi.json").json()
    responses = document["paths"]["/api/v1/referrals/{referral_id}/{action}"]["post"]
    assert "422" in responses["responses"] and "400" not in responses["responses"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/referrals/1/approve", {"version": TOO_BIG}),
        (
            "/api/v1/referrals/1/consent",
            {"version": TOO_BIG, "given": True, "on": "2024-01-01", "witness": "Jo"},
        ),  # fmt: skip
        ("/api/v1/candidates/1/dismiss", {"version": TOO_BIG, "reason": "risk"}),
        ("/api/v1/custody/1", {"version": TOO_BIG, "outcome": "seen", "seen_on": "2024-01-01"}),
        (
            "/api/v1/casework/reports/1/submit",
            {"version": TOO_BIG, "on": "2024-01-01", "risk_level": "low", "proposal": "x"},
        ),  # fmt: skip
        (
            "/api/v1/casework/orders/1/sessions/1/attendance",
            {"version": TOO_BIG, "attendance": "attended"},
        ),  # fmt: skip
        (
            "/api/v1/casework/orders/1/sessions/1/attendance",
            {"version": -1, "attendance": "attended"},
        ),
    ],
)
def test_a_version_the_database_cannot_hold_is_a_422(client: Client, path, body) -> None:
    worker = caller(client, "CJSW_NE", "cjsw_worker")
    response = worker.post(path, body)
    assert response.status_code == 422
    assert response.json()["message"].startswith("body.version: Input should be")


def test_a_huge_version_on_a_real_session_is_a_422(client: Client, order: Order) -> None:
    worker = caller(client, "CJSW_NE", "cjsw_worker")
    url = f"/api/v1/casework/orders/{order.pk}/sessions"
    booked = worker.post(url, {"kind": "supervision", "on": str(timezone.localdate()),
                               "mode": "phone"}).json()  # fmt: skip
    response = worker.post(f"{url}/{booked['id']}/attendance",
                           {"version": TOO_BIG, "attendance": "attended"})  # fmt: skip
    assert response.status_code == 422
    assert worker.post(f"{url}/{booked['id']}/attendance",
                       {"version": 1, "attendance": "attended"}).status_code == 200  # fmt: skip


def test_a_register_naming_an_order_id_the_database_cannot_hold_is_a_422(
    client: Client, order: Order
) -> None:
    supervisor = caller(client, "CJSW_NE", "upw_supervisor")
    on = timezone.localdate().isoformat()
    rows = [{"order_id": TOO_BIG, "attendance": "attended", "hours_credited": 6}]
    response = supervisor.post(f"/api/v1/casework/squads/NE_GARDENS/{on}",
                               {"hours_offered": 6, "rows": rows})  # fmt: skip
    assert response.status_code == 422
    assert response.json()["message"].startswith("body.rows.0.order_id: Input should be")
    rows[0]["order_id"] = order.pk
    saved = supervisor.post(f"/api/v1/casework/squads/NE_GARDENS/{on}",
                            {"hours_offered": 6, "rows": rows})  # fmt: skip
    assert (saved.status_code, saved.json()) == (201, {"saved": 1})


@pytest.mark.parametrize(
    ("query", "named"),
    [
        # The period two weeks before 1 January of year 1: an OverflowError, a 500.
        ("from=0001-01-01&to=0001-01-02", "from must be between 1990-01-01 and 2099-12-31"),
        # A calendar to the year 9999, a row a day: 9 s, then an OverflowError.
        ("from=2024-01-01&to=2024-02-01&as_of=9999-12-31", "as_of must be between"),
        ("from=2024-01-01&to=9999-12-31", "to must be between"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/casework/figures", "/api/v1/outcomes"])
def test_report_dates_beyond_the_years_a_report_can_mean_are_a_422(
    client: Client, partnership: None, endpoint: str, query: str, named: str
) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    started = time.monotonic()
    response = police.client.get(f"{endpoint}?{query}", HTTP_AUTHORIZATION=f"Bearer {police.token}")
    assert response.status_code == 422
    assert response.json()["message"].startswith(named)
    assert time.monotonic() - started < 5  # refused before any calendar is built


def test_report_dates_at_the_edges_of_those_years_are_answered(
    client: Client, partnership: None
) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    query = "from=1990-01-01&to=2099-12-31&as_of=2099-12-31"
    for endpoint in ("/api/v1/casework/figures", "/api/v1/outcomes"):
        response = police.client.get(
            f"{endpoint}?{query}", HTTP_AUTHORIZATION=f"Bearer {police.token}"
        )
        assert response.status_code == 200, response.content


# --- Text a database cannot store: a NUL, half a surrogate pair --------------------------
# On PostgreSQL each was a 500 where the text was written or looked up (SQLite stored
# the NUL, and failed on the surrogate); now a 422 naming where, and nothing written.

NUL_OR_SURROGATE = [
    ("a\x00b", "null characters are not allowed"),
    ("\ud800", "half a surrogate pair is not a character (text must be valid UTF-8)"),
]


@pytest.mark.parametrize(("text", "why"), NUL_OR_SURROGATE)
def test_text_in_a_body_a_database_cannot_store_is_a_422_and_nothing_is_written(
    client: Client, world, text: str, why: str
) -> None:
    before = Referral.objects.count()
    # json.dumps spells the surrogate \ud800, as a client's JSON may.
    body = json.dumps({"service": "SIDESTEP", "route": "partner", "reason": text})
    response = client.post(
        f"/api/v1/people/{world.id_of('owen')}/referrals",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {world.tokens['police']}",
    )
    assert response.status_code == 422
    assert response.json() == {"message": f"body.reason: {why}"}
    assert Referral.objects.count() == before


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/api/v1/casework/squads/NE%00GARDENS/2024-01-08", "project"),
        ("/api/v1/outcomes?from=2024-01-01&to=2024-02-01&service=AD%00APT", "query.service.0"),
        ("/api/v1/outcomes?from=2024-01-01&to=2024-02-01&area=N%00E", "area"),
        ("/api/v1/casework/figures?from=2024-01-01&to=2024-02-01&team=CJSW%00", "team"),
        ("/api/v1/candidates?service=AD%00APT", "service"),
    ],
)
def test_a_nul_in_a_path_or_query_is_a_422_naming_it(
    client: Client, partnership: None, path: str, named: str
) -> None:
    worker = caller(client, "CJSW_NE", "cjsw_worker")
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {worker.token}")
    assert response.status_code == 422
    assert response.json() == {"message": f"{named}: null characters are not allowed"}
