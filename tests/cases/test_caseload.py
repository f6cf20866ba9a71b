"""The caseload: which referrals are cases, whose, why each is listed, and which need
attention first. Every expected line below is worked out by hand from the rules in
`cases.caseload` (cases: accepted, consented, engaged, or ended within 90 days; attention:
no contact for 28 days, or accepted or consented 42 days ago and not started)."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.cases.caseload import sort_caseload
from pathways.people.scoping import door_open
from pathways.referrals.models import Referral
from tests.world import make_person, make_user, refer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


def case(name: str, state: str, on: dt.date, *, worker=None, contact=None, ended=None):
    person = make_person(name, "Case", dt.date(2000, 1, 1), records=(("POLICE", name),))
    referral = refer(person, "POLICE", "ADAPT", on, state=state)
    referral.worker, referral.ended_on = worker, ended
    referral.save()
    if contact:
        referral.contacts.create(person=referral.person, on=contact, attendance="attended")
    return referral


def test_cases_are_sorted_and_explained() -> None:
    me = make_user("me", "INCLUDEM_ADAPT", "partner_worker")
    colleague = make_user("colleague", "INCLUDEM_ADAPT", "partner_worker")
    case("Recent", "engaged", dt.date(2026, 11, 1), worker=me, contact=dt.date(2026, 12, 1))
    case("Quiet", "engaged", dt.date(2026, 9, 1), worker=me, contact=dt.date(2026, 11, 1))
    case("Stalled", "accepted", dt.date(2026, 10, 1), worker=me)
    case("New", "accepted", dt.date(2026, 12, 1), worker=colleague)
    case("Done", "completed", dt.date(2026, 6, 1), worker=me, ended=dt.date(2026, 11, 27))
    case("Old", "completed", dt.date(2026, 1, 1), worker=me, ended=dt.date(2026, 8, 1))
    case("Sent", "sent", dt.date(2026, 12, 6), worker=me)
    refer(make_person("Other", "Service", dt.date(2000, 1, 1), records=(("POLICE", "O1"),)),
          "POLICE", "SIDESTEP", dt.date(2026, 11, 1), state="engaged")  # fmt: skip
    with door_open():
        caseload = sort_caseload(me, Referral.objects.all(), TODAY)

    def lines(cases):
        return [(c.referral.person.given_name, c.why, c.attention) for c in cases]

    # Attention first (Quiet: 36 days since the last contact; Stalled: accepted 67 days
    # ago), then the longest without contact (none before any date).
    assert lines(caseload.mine) == [
        ("Stalled", "Accepted 67 days ago; waiting for consent or a first contact", True),
        ("Quiet", "Engaged; last contact 36 days ago", True),
        ("Recent", "Engaged; last contact 6 days ago", False),
    ]
    assert lines(caseload.team) == [
        ("New", "Accepted 6 days ago; waiting for consent or a first contact", False)
    ]
    # Ended 10 days ago is kept; ended 128 days ago (over 90) is not; sent is the inbox's.
    assert lines(caseload.ended) == [("Done", "Completed 10 days ago; read-only", False)]
    assert caseload.open_count == 4


def test_a_user_whose_team_delivers_no_service_has_no_caseload() -> None:
    case("Any", "engaged", dt.date(2026, 11, 1))
    police = make_user("police", "ONE_GLASGOW", "police_analyst")
    with door_open():
        caseload = sort_caseload(police, Referral.objects.all(), TODAY)
    assert caseload.open_count == 0 and not caseload.ended
