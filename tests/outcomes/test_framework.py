"""The national performance framework's indicators, hand-worked."""

from __future__ import annotations

import pytest
from django.test import override_settings

from pathways.cases.models import CustodyVisit
from pathways.outcomes.framework import Counts, framework_indicators
from pathways.referrals.models import Referral

from .builders import d, engagement, event, person

pytestmark = pytest.mark.django_db
PERIOD = (d("2024-04-01"), d("2025-04-01"))


def custody_visit(on: str | None, outcome: str, signposted: list[str]) -> None:
    who = person()
    custody = event(who, on or "2024-06-01", kind="custody")
    CustodyVisit.objects.create(event=custody, person=who, outcome=outcome,
                                seen_on=d(on) if on else None, signposted_to=signposted)  # fmt: skip


def test_diversion_custody_and_bail_indicators() -> None:
    # Diversion: decided (assessed), started (commenced), completed — each in the period.
    engagement(person(), "2024-05-01", "2024-09-01", referred="2024-04-10", decided="2024-04-20")
    engagement(person(), "2025-03-20", referred="2025-03-01", decided="2025-03-10")  # open
    engagement(person(), None, referred="2024-06-01", decided="2024-06-05", decision="declined")
    engagement(person(), "2024-02-01", "2024-04-01", referred="2024-01-05",
               decided="2024-01-10")  # only its completion is in the period  # fmt: skip
    engagement(person(), "2024-05-01", "2024-09-01", service="STARS")  # not diversion
    # Custody: seen (one signposted), declined to talk, seen outside the period.
    custody_visit("2024-07-01", "seen", ["ADAPT"])
    custody_visit("2024-08-01", "seen", [])
    custody_visit(None, "declined", [])
    custody_visit("2025-04-01", "seen", ["POP"])
    from_custody = engagement(person(), None, referred="2024-07-02", decided="2024-07-03")
    Referral.objects.filter(pk=from_custody.pk).update(route="custody")

    found = framework_indicators(*PERIOD)
    assert found.diversion == Counts(assessed=4, commenced=2, completed=2)
    assert (found.custody_seen, found.custody_signposted, found.custody_referrals) == (2, 1, 1)
    assert found.bail is None  # no bail supervision service configured

    with override_settings(PATHWAYS_BAIL_SERVICES=["STARS"]):  # as if STARS were bail
        assert framework_indicators(*PERIOD).bail == Counts(assessed=1, commenced=1, completed=1)
