"""`pathways demo` leaves something on every page of the pathway: referrals in every
state, taken by the demo users, an alert for ADAPT and a custody visit."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from pathways.alerts.models import Alert
from pathways.cases.models import CustodyVisit
from pathways.identification.models import Candidate
from pathways.referrals.models import Referral

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_a_referral_in_every_state(config_loaded) -> None:
    out = io.StringIO()
    call_command("demo", people=3000, stdout=out, stderr=io.StringIO())
    assert "Demo pathway: 1 proposed, 1 police_approved, 1 approved" in out.getvalue()
    made = Referral.objects.filter(transitions__to_state="proposed")
    states = sorted(made.values_list("state", flat=True))
    assert states == sorted(["proposed", "proposed", "approved", "sent", "sent", "accepted",
                             "consented", "engaged", "completed"])  # fmt: skip
    assert Candidate.objects.filter(status="open").exists()
    assert Candidate.objects.filter(status="dismissed").count() == 1
    assert list(Alert.objects.values_list("user__username", "kind")) == [("adapt", "offence")]
    assert CustodyVisit.objects.filter(outcome="waiting").count() == 1
    again = io.StringIO()
    call_command("demo", people=3000, stdout=again, stderr=io.StringIO())
    assert "Demo pathway" not in again.getvalue()  # seeded once
