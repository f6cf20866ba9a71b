"""Two users acting on one referral at the same instant (issue 21): exactly one wins every
round, the other is told it changed (409), and no step is ever applied twice.

Real concurrency needs PostgreSQL's row locks: each round two threads, each with its own
database connection, post their step through the API at a barrier."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection
from django.test import Client

from pathways.api.tokens import create_token
from pathways.referrals.models import Referral, Transition
from tests.factories import PersonFactory, ReferralFactory, UserFactory

ROUNDS = 25
pytestmark = pytest.mark.django_db(transaction=True)


def _post(token: str, path: str, body: dict[str, object]) -> int:
    response = Client().post(
        path, json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    return response.status_code


def _at_once(steps: list[tuple[str, str, dict[str, object]]]) -> list[int]:
    """Post each (token, path, body) from its own thread, released together; the status
    codes in the order given."""
    codes: list[int] = [0] * len(steps)
    start = threading.Barrier(len(steps))

    def act(i: int) -> None:
        start.wait()
        try:
            codes[i] = _post(*steps[i])
        finally:
            connection.close()  # the thread's own connection

    threads = [threading.Thread(target=act, args=(i,)) for i in range(len(steps))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def test_two_workers_deciding_one_referral_at_once_one_wins_every_round(config_loaded):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises the whole database")
    first, second = (
        create_token(UserFactory(username=name, team="INCLUDEM_ADAPT", role="partner_worker"))
        for name in ("adapt-one", "adapt-two")
    )
    person = PersonFactory(given_name="Rory", family_name="Race", date_of_birth=dt.date(2007, 1, 1))
    for n in range(ROUNDS):
        referral = ReferralFactory(person=person, service_id="ADAPT", state="sent")
        url = f"/api/v1/referrals/{referral.pk}"
        version = referral.version
        # Alternate who accepts and who declines, so neither thread always starts first.
        accept, decline = (first, second) if n % 2 else (second, first)
        codes = _at_once([
            (accept, f"{url}/accept", {"version": version}),
            (decline, f"{url}/decline", {"version": version, "reason": "capacity"}),
        ])  # fmt: skip
        assert sorted(codes) == [200, 409], f"round {n}: {codes}"
        stored = Referral.objects.get(pk=referral.pk)
        decided = Transition.objects.filter(referral=referral, from_state="sent")
        assert decided.count() == 1, f"round {n}: the step was applied {decided.count()} times"
        winner = "accepted" if codes[0] == 200 else "declined"
        assert (stored.state, stored.version, decided.get().to_state) == (
            winner, version + 1, winner,
        )  # fmt: skip


def test_the_loser_is_told_in_words(config_loaded):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises the whole database")
    token = create_token(UserFactory(username="adapt-three", team="INCLUDEM_ADAPT",
                                     role="partner_worker"))  # fmt: skip
    referral = ReferralFactory(
        person=PersonFactory(given_name="Rae", family_name="Late"), service_id="ADAPT"
    )
    url = f"/api/v1/referrals/{referral.pk}"
    assert _post(token, f"{url}/accept", {"version": referral.version}) == 200
    late = Client().post(
        f"{url}/decline", json.dumps({"version": referral.version, "reason": "capacity"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}",
    )  # fmt: skip
    assert late.status_code == 409
    assert "changed" in late.json()["message"]
