"""API v1: consent (verbal), starting the engagement, contacts, the ending, alerts and
custody visits — as on the pages, with JSON errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.cases.models import CustodyVisit
from pathways.feeds.after_import import scan_new_events
from pathways.referrals.models import Referral
from tests.world import LONDON, add_event, make_person, refer

from .test_candidates_api import caller

TODAY = timezone.localdate()


@pytest.fixture
def accepted(partnership: None) -> Referral:
    person = make_person("Jo", "Api", dt.date(2009, 4, 1), records=(("POLICE", "P901"),))
    return refer(person, "POLICE", "ADAPT", TODAY - dt.timedelta(days=5), state="accepted")


def test_consent_engagement_contacts_and_ending(client: Client, accepted: Referral) -> None:
    adapt = caller(client, "INCLUDEM_ADAPT", "partner_worker")
    url = f"/api/v1/referrals/{accepted.pk}"
    no_witness = adapt.post(f"{url}/consent", {"version": 1, "given": True,
                                               "on": str(TODAY), "witness": " "})  # fmt: skip
    assert no_witness.status_code == 422
    assert no_witness.json()["message"] == "verbal consent needs the name of the witness"
    consented = adapt.post(f"{url}/consent", {"version": 1, "given": True, "on": str(TODAY),
                                              "witness": "Ms Reid"}).json()  # fmt: skip
    assert consented["state"] == "consented"
    started = adapt.post(f"{url}/engagement", {
        "version": 2, "focus_areas": ["education"],
        "contact": {"on": str(TODAY), "attendance": "attended", "notes": "Met at school."},
    }).json()  # fmt: skip
    assert (started["state"], started["focus_areas"]) == ("engaged", ["education"])
    late = adapt.post(f"{url}/contacts", {"on": str(TODAY), "attendance": "late"})
    assert late.status_code == 422
    ok = adapt.post(f"{url}/contacts", {"on": str(TODAY), "attendance": "unacceptable_absence",
                                        "reason": "ill"}).json()  # fmt: skip
    # Newest first; the same day, the later record first.
    assert [c["attendance"] for c in ok["contacts"]] == ["unacceptable_absence", "attended"]
    ended = adapt.post(f"{url}/end", {"version": 3, "on": str(TODAY), "outcome": "completed",
                                      "ratings": {"education": "achieved"}}).json()  # fmt: skip
    assert (ended["state"], ended["ratings"]) == ("completed", {"education": "achieved"})
    police = caller(client, "ONE_GLASGOW", "police_analyst")
    seen = police.get(url).json()  # the partnership team sees engagement (regular exchange)
    assert seen["focus_areas"] == ["education"] and len(seen["contacts"]) == 2
    assert (
        police.post(f"{url}/contacts", {"on": str(TODAY), "attendance": "attended"}).status_code
        == 422
    )


def test_alerts_and_custody_visits(client: Client, partnership: None) -> None:
    person = make_person("Cal", "Api", dt.date(1995, 5, 5), records=(("POLICE", "P902"),))
    scan_new_events()
    add_event(person, "POLICE", dt.datetime.combine(TODAY, dt.time(1), tzinfo=LONDON),
              kind="custody")  # fmt: skip
    scan_new_events()
    mentor = caller(client, "POP_CUSTODY", "custody_mentor")
    visits = mentor.get("/api/v1/custody").json()
    assert [(v["person"]["family_name"], v["outcome"]) for v in visits] == [("Api", "waiting")]
    visit_id = visits[0]["id"]
    wrong = mentor.post(f"/api/v1/custody/{visit_id}", {"version": 1, "outcome": "declined",
                        "seen_on": str(TODAY), "signposted_to": ["POP"]})  # fmt: skip
    assert wrong.status_code == 422
    done = mentor.post(f"/api/v1/custody/{visit_id}", {"version": 1, "outcome": "seen",
                       "seen_on": str(TODAY), "signposted_to": ["POP"]}).json()  # fmt: skip
    assert (done["outcome"], done["signposted_to"]) == ("seen", ["POP"])
    stale = mentor.post(f"/api/v1/custody/{visit_id}", {"version": 1, "outcome": "seen",
                        "seen_on": str(TODAY)})  # fmt: skip
    assert stale.status_code == 409
    assert CustodyVisit.objects.get().outcome == "seen"
    partner = caller(client, "INCLUDEM_ADAPT", "partner_worker")
    assert partner.get("/api/v1/custody").json() == []
    assert partner.get("/api/v1/alerts").json() == []
