"""`pathways demo` leaves something on every page of the pathway: referrals in every
state, taken by the demo users, an alert for ADAPT, a custody visit, a corrected contact,
and crisis outreach's overdoses (alerts) with one referral engaged."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from pathways.alerts.models import Alert
from pathways.cases.models import Amendment, CustodyVisit
from pathways.identification.models import Candidate
from pathways.referrals.models import Consent, Referral

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_has_a_referral_in_every_state(config_loaded) -> None:
    out = io.StringIO()
    call_command("demo", people=3000, stdout=out, stderr=io.StringIO())
    assert "Demo pathway: 1 proposed, 1 police_approved, 1 sent, 1 overdue" in out.getvalue()
    made = Referral.objects.filter(transitions__to_state="proposed")
    states = sorted(made.values_list("service_id", "state"))
    assert states == sorted([("ADAPT", s) for s in (
        "proposed", "proposed", "sent", "sent", "accepted", "consented", "engaged",
        "engaged", "completed")] + [("COS", "engaged")])  # fmt: skip
    assert made.get(service_id="COS").worker.username == "outreach"
    # One engaged for almost a year: its consent lapses within the month.
    lapsing = (
        Consent.objects.filter(referral__in=made, expires_on__isnull=False)
        .order_by("expires_on")
        .first()
    )
    assert lapsing is not None and lapsing.expires_on <= timezone.localdate() + dt.timedelta(30)
    assert Candidate.objects.filter(status="open").exists()
    assert Candidate.objects.filter(status="dismissed").count() == 1
    assert sorted(Alert.objects.values_list("user__username", "kind")) == [
        ("adapt", "offence"),
        ("outreach", "overdose"),
        ("outreach", "overdose"),
    ]
    assert Amendment.objects.filter(kind="contact", by__username="adapt").count() == 1
    assert CustodyVisit.objects.filter(outcome="waiting").count() == 1
    again = io.StringIO()
    call_command("demo", people=3000, stdout=again, stderr=io.StringIO())
    assert "Demo pathway" not in again.getvalue()  # seeded once
