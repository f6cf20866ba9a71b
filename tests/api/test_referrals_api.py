"""API v1 referrals: the inbox, a referral's timeline, and the pathway's steps, with
JSON errors: 404 outside the caller's view, 409 stale, 422 for a step refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.referrals.models import Referral
from tests.world import make_person, proposed_to_adapt

from .test_candidates_api import caller

TODAY = timezone.localdate()


@pytest.fixture
def referral(partnership: None) -> Referral:
    return proposed_to_adapt()


def test_the_pathway_through_the_api(client: Client, referral: Referral) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    social = caller(client, "CJSW_NE", "cjsw_worker")
    adapt = caller(client, "INCLUDEM_ADAPT", "partner_worker")
    url = f"/api/v1/referrals/{referral.pk}"
    body = police.get(url).json()
    assert (body["state"], body["actions"]) == ("proposed", ["approve", "withdraw"])
    assert body["awaiting"].startswith(
        "Waiting for approval by police and social work. Social work: justice social work acts"
    )
    assert (
        police.post(f"{url}/approve", {"version": 1}).json()["approvals"][0]["sector"] == "police"
    )
    assert [r["id"] for r in social.get("/api/v1/referrals").json()["to_approve"]] == [referral.pk]
    # The second approval sends the referral: approved (version 2), then sent (3).
    sent = social.post(f"{url}/approve", {"version": 1, "note": "agree"}).json()
    assert (sent["state"], sent["version"]) == ("sent", 3)
    assert sent["decision_due"] is not None
    inbox = adapt.get("/api/v1/referrals").json()
    assert [(r["id"], r["due_on"]) for r in inbox["to_decide"]] == [
        (referral.pk, sent["decision_due"])
    ]
    accepted = adapt.post(f"{url}/accept", {"version": 3}).json()
    assert [t["to_state"] for t in accepted["transitions"]] == [
        "proposed", "approved", "sent", "accepted",
    ]  # fmt: skip


def test_errors_say_why(client: Client, referral: Referral) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    url = f"/api/v1/referrals/{referral.pk}"
    refused = police.post(f"{url}/send", {"version": 1})
    assert refused.status_code == 422
    assert "needs approval by both police and social work" in refused.json()["message"]
    no_reason = police.post(f"{url}/withdraw", {"version": 1})
    assert (no_reason.status_code, no_reason.json()["message"]) == (
        422, "'' is not one of the reasons: moved_away, custody, met_elsewhere, died, other",
    )  # fmt: skip
    assert police.post(f"{url}/explode", {"version": 1}).status_code == 404
    Referral.objects.filter(pk=referral.pk).update(state="approved", version=2)
    stale = police.post(f"{url}/send", {"version": 1})
    assert stale.status_code == 409
    outsider = caller(client, "AFC_SIDESTEP", "partner_worker")
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}/withdraw", {"version": 2, "reason": "died"}).status_code == 404
    assert Referral.objects.get(pk=referral.pk).state == "approved"


def test_referring_a_person_through_the_api(client: Client, partnership: None) -> None:
    person = make_person("Robin", "Apiwalk", dt.date(1990, 2, 2),
                         records=(("HSCP_CJSW", "C80"), ("POLICE", "P80")))  # fmt: skip
    social = caller(client, "CJSW_NE", "cjsw_worker")
    url = f"/api/v1/people/{person.pk}/referrals"
    bad = social.post(url, {"service": "BRIDGING", "route": "walk-in", "reason": "x"})
    assert (bad.status_code, bad.json()["message"]) == (
        422, "route must be partner, self, custody or other",
    )  # fmt: skip
    made = social.post(url, {"service": "BRIDGING", "route": "self", "reason": "Asked for help."})
    assert made.status_code == 201
    assert (made.json()["state"], made.json()["service"]) == ("proposed", "BRIDGING")
    again = social.post(url, {"service": "BRIDGING", "route": "self", "reason": "Again."})
    assert again.status_code == 422 and "already has an open referral" in again.json()["message"]
    partner = caller(client, "INCLUDEM_ADAPT", "partner_worker")
    assert (
        partner.post(url, {"service": "ADAPT", "route": "partner", "reason": "x"}).status_code
        == 403
    )
    assert Referral.objects.filter(person=person).count() == 1
