"""The state machine: every step from every state, allowed or refused, worked by hand
from DESIGN.md's states (not read back from the table under test)."""

from __future__ import annotations

import datetime as dt
from itertools import count, product

import pytest

from pathways.referrals.models import Referral, ReferralState, Transition
from pathways.referrals.transitions import StaleReferral, TransitionRefused, move
from tests.world import make_person, make_user

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 20)
STATES = [s.value for s in ReferralState]
_refs = count(1)

# A statutory service (STARS): no joint approval, no consent needed.
PLAIN = {
    "proposed": {"sent", "withdrawn"},
    "approved": {"sent", "withdrawn"},
    "sent": {"accepted", "declined", "withdrawn"},
    "accepted": {"consented", "consent_refused", "engaged", "withdrawn"},
    "consented": {"engaged", "opted_out", "withdrawn"},
    "engaged": {"completed", "opted_out", "disengaged", "closed"},
}
# ADAPT: joint approval (approval is its own step, tested with approvals) and consent.
JOINT_VOLUNTARY = {
    **PLAIN,
    "proposed": {"withdrawn"},
    "accepted": {"consented", "consent_refused", "withdrawn"},
}


def referral_in(state: str, service: str) -> Referral:
    person = make_person(
        "Sam", "Steps", dt.date(2005, 1, 1), records=(("POLICE", f"P-{next(_refs)}"),)
    )
    return Referral.objects.create(
        person=person, record=person.records.get(), service_id=service,
        referred_on=ON - dt.timedelta(days=30), state=state,
    )  # fmt: skip


@pytest.mark.parametrize(("service", "expected"), [("STARS", PLAIN), ("ADAPT", JOINT_VOLUNTARY)])
def test_every_step_from_every_state(service: str, expected: dict[str, set[str]]) -> None:
    worker = make_user("worker", "ONE_GLASGOW", "police_analyst")
    for from_state, to_state in product(STATES, STATES):
        referral = referral_in(from_state, service)
        allowed = to_state in expected.get(from_state, set())
        try:
            move(referral, to_state, on=ON, by=worker, reason="test", closing_reason="other")
        except TransitionRefused as refusal:
            assert not allowed, f"{service}: {from_state} -> {to_state} refused: {refusal}"
            assert Referral.objects.get(pk=referral.pk).state == from_state
            assert not Transition.objects.filter(referral=referral).exists()
        else:
            assert allowed, f"{service}: {from_state} -> {to_state} was allowed"
            stored = Referral.objects.get(pk=referral.pk)
            assert (stored.state, stored.version) == (to_state, 2)
            step = Transition.objects.get(referral=referral)
            assert (step.from_state, step.to_state, step.by, step.on, step.reason) == (
                from_state, to_state, worker, ON, "test",
            )  # fmt: skip
        referral.delete()


def test_a_refusal_says_what_is_wrong() -> None:
    referral = referral_in("completed", "STARS")
    with pytest.raises(TransitionRefused, match="a referral that is completed cannot become sent"):
        move(referral, "sent", on=ON, by=None)
    adapt = referral_in("accepted", "ADAPT")
    with pytest.raises(TransitionRefused, match="ADAPT is voluntary: record the person's consent"):
        move(adapt, "engaged", on=ON, by=None)
    joint = referral_in("proposed", "ADAPT")
    with pytest.raises(TransitionRefused, match="needs approval by both police and social work"):
        move(joint, "sent", on=ON, by=None)
    engaged = referral_in("engaged", "STARS")
    with pytest.raises(TransitionRefused, match="closing needs a reason"):
        move(engaged, "closed", on=ON, by=None)


def test_two_people_acting_at_once_cannot_both_win() -> None:
    referral = referral_in("sent", "STARS")
    mine, theirs = Referral.objects.get(pk=referral.pk), Referral.objects.get(pk=referral.pk)
    move(mine, "accepted", on=ON, by=None)
    with pytest.raises(StaleReferral, match="someone else changed this referral"):
        move(theirs, "declined", on=ON, by=None)
    assert Referral.objects.get(pk=referral.pk).state == "accepted"
    assert Transition.objects.filter(referral=referral).count() == 1


def test_dates_follow_the_steps() -> None:
    referral = referral_in("sent", "STARS")
    for day, state in enumerate(("accepted", "engaged", "completed"), start=1):
        move(referral, state, on=ON + dt.timedelta(days=day), by=None)
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.decision, stored.decided_on, stored.started_on, stored.ended_on) == (
        "accepted", ON + dt.timedelta(days=1), ON + dt.timedelta(days=2), ON + dt.timedelta(days=3),
    )  # fmt: skip
    assert stored.end_reason == "completed"
