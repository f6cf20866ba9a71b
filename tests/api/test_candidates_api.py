"""API v1 candidates: the same queue, explanation and decisions as the pages, with JSON
errors (403 for a role that cannot decide, 404 for a candidate outside the caller's
queue, 409 for a decision on a changed candidate, 422 for a bad reason)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pathways.api.tokens import create_token
from pathways.audit.models import AccessEvent
from pathways.identification.models import Candidate
from pathways.referrals.models import Referral
from tests.world import identified_today, make_user

TODAY = timezone.localdate()


@pytest.fixture
def queue(partnership: None) -> dict[str, Candidate]:
    return identified_today()


class Caller:
    def __init__(self, client: Client, token: str) -> None:
        self.client, self.token = client, token

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(
            path, json.dumps(body), content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )  # fmt: skip


def caller(client: Client, team: str, role: str) -> Caller:
    return Caller(client, create_token(make_user(f"{team}-{role}".lower(), team, role)))


def test_the_queue_highest_priority_first_and_by_service(client: Client, queue) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    body = police.get("/api/v1/candidates").json()
    assert body["total"] == 2
    assert [(c["person"]["family_name"], c["service"], c["score"]) for c in body["candidates"]] == [
        ("Acquisitive", "POP", 12.0),
        ("Violent", "ADAPT", 10.0),
    ]
    adapt = police.get("/api/v1/candidates", service="ADAPT").json()
    assert [c["service"] for c in adapt["candidates"]] == ["ADAPT"]
    assert police.get("/api/v1/candidates", sort="sideways").status_code == 422


def test_one_candidate_with_its_explanation(client: Client, queue) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    body = police.get(f"/api/v1/candidates/{queue['ADAPT'].pk}").json()
    assert body["explanation"].startswith("ADAPT: aged 12–25 on")
    assert [(e["kind"], e["flags"], e["points"]) for e in body["events"]] == [
        ("offence", ["weapon"], 10)
    ]
    assert body["events_hidden"] == 0
    assert AccessEvent.objects.filter(action="view_candidate", channel="api").count() == 1


def test_dismissing_checks_the_reason_and_the_version(client: Client, queue) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    url = f"/api/v1/candidates/{queue['ADAPT'].pk}/dismiss"
    bad = police.post(url, {"reason": "bored", "version": 1})
    assert (bad.status_code, bad.json()["message"]) == (
        422,
        "'bored' is not one of the reasons: not_appropriate, already_supported, risk, "
        "data_error, other",
    )
    assert police.post(url, {"reason": "other", "version": 1}).status_code == 422
    stale = police.post(url, {"reason": "risk", "version": 7})
    assert stale.status_code == 409
    assert "someone else decided" in stale.json()["message"]
    done = police.post(url, {"reason": "risk", "version": 1})
    assert done.status_code == 200
    assert Candidate.objects.get(pk=queue["ADAPT"].pk).status == "dismissed"
    assert police.post(url, {"reason": "risk", "version": 2}).status_code == 404


def test_referring_returns_the_proposed_referral(client: Client, queue) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    response = police.post(f"/api/v1/candidates/{queue['POP'].pk}/refer", {"version": 1})
    assert response.status_code == 201
    referral = Referral.objects.get()
    assert response.json() == {"referral": referral.pk, "state": "proposed", "service": "POP"}


def test_who_may_not(client: Client, queue) -> None:
    partner = caller(client, "INCLUDEM_ADAPT", "partner_worker")
    refused = partner.get("/api/v1/candidates")
    assert refused.status_code == 403
    assert refused.json() == {"message": "your role cannot decide on identification candidates"}
    pop = caller(client, "POP", "pop_worker")
    assert [c["service"] for c in pop.get("/api/v1/candidates").json()["candidates"]] == ["POP"]
    outside = pop.post(f"/api/v1/candidates/{queue['ADAPT'].pk}/refer", {"version": 1})
    assert outside.status_code == 404
    assert client.get("/api/v1/candidates").status_code == 401
    assert Referral.objects.count() == 0
