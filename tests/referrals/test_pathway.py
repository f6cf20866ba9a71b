"""The pathway's steps as people take them: joint approval by two people of police and
social work, sending, the partner's decision with a coded reason, withdrawal; what a
referral awaits and the partner's deadline in working days."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.partners.models import Membership
from pathways.referrals import actions, awaiting
from pathways.referrals.actions import do_propose as propose
from pathways.referrals.models import Referral, Transition
from pathways.referrals.transitions import TransitionRefused
from tests.world import make_person, make_user

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 20)  # a Friday


@pytest.fixture
def people():
    return {
        "police": make_user("police", "ONE_GLASGOW", "police_analyst"),
        "police2": make_user("police2", "ONE_GLASGOW", "police_analyst"),
        "social": make_user("social", "CJSW_NE", "cjsw_worker"),
        "adapt": make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"),
        "sidestep": make_user("sidestep", "AFC_SIDESTEP", "partner_worker"),
    }


def proposed(service: str = "ADAPT") -> Referral:
    person = make_person("Jo", "Path", dt.date(2008, 1, 1), records=(("POLICE", f"P-{service}"),))
    from pathways.partners.models import Service

    return propose(
        person, Service.objects.get(code=service), person.records.get(), on=ON, by=None,
        reason="identified",
    )  # fmt: skip


def test_joint_approval_needs_both_sides_by_two_people(people) -> None:
    referral = proposed()
    # Jo is 18 on 20 November 2026: justice social work approves for social work.
    assert awaiting.awaiting(referral, ON) == (
        "Waiting for approval by police and social work. Social work: justice social work acts."
    )
    actions.do_approve(people["police"], referral, on=ON)
    assert referral.state == "proposed"
    assert awaiting.awaiting(referral, ON) == (
        "Waiting for approval by social work. Social work: justice social work acts."
    )
    with pytest.raises(TransitionRefused, match="approved already, or you have approved"):
        actions.do_approve(people["police2"], referral, on=ON)  # police have approved
    actions.do_approve(people["social"], referral, on=ON)
    # Approved by both sides, and sent at once: the approval was the gate.
    assert Referral.objects.get(pk=referral.pk).state == "sent"
    steps = Transition.objects.filter(referral=referral).order_by("pk")
    assert [(t.to_state, t.by, t.reason) for t in steps][-2:] == [
        ("approved", people["social"], "approved by police and social work"),
        ("sent", people["social"], actions.SENT_ON_APPROVAL),
    ]


def test_one_person_in_both_sectors_cannot_approve_for_both(people) -> None:
    both = people["police"]
    Membership.objects.create(user=both, team_id="CJSW_NE", role_id="cjsw_worker")
    referral = proposed()
    actions.do_approve(both, referral, on=ON)
    assert "approve" not in actions.steps_for(both, referral)
    with pytest.raises(TransitionRefused):
        actions.do_approve(both, referral, on=ON)
    assert referral.approvals.count() == 1


def test_a_partner_cannot_approve_and_nobody_sends_before_approval(people) -> None:
    referral = proposed()
    with pytest.raises(TransitionRefused, match="only police and social work staff"):
        actions.do_approve(people["adapt"], referral, on=ON)
    with pytest.raises(TransitionRefused, match="needs approval by both police and social work"):
        actions.do_send(people["police"], referral, on=ON)


def test_a_service_without_joint_approval_is_sent_straight_away(people) -> None:
    referral = proposed("POP")
    assert awaiting.awaiting(referral, ON) == "Waiting to be sent to the service by the referrer."
    assert "approve" not in actions.steps_for(people["police"], referral)
    with pytest.raises(
        TransitionRefused, match="Positive Outcomes Project does not need joint approval"
    ):
        actions.do_approve(people["police"], referral, on=ON)
    actions.do_send(people["police"], referral, on=ON)
    assert referral.state == "sent"


def test_only_the_services_own_team_decides_with_a_coded_reason(people) -> None:
    referral = proposed()
    actions.do_approve(people["police"], referral, on=ON)
    actions.do_approve(people["social"], referral, on=ON)  # and sent at once
    referral.refresh_from_db()
    assert actions.steps_for(people["adapt"], referral) == {"accept", "decline"}
    with pytest.raises(TransitionRefused, match="only the ADAPT team decides"):
        actions.do_accept(people["sidestep"], referral, on=ON)
    with pytest.raises(TransitionRefused, match="not one of the reasons"):
        actions.do_decline(people["adapt"], referral, on=ON, reason="busy")
    with pytest.raises(TransitionRefused, match="say why"):
        actions.do_decline(people["adapt"], referral, on=ON, reason="other")
    actions.do_decline(people["adapt"], referral, on=ON, reason="capacity", note="full until March")
    step = Transition.objects.filter(referral=referral).last()
    assert (step.to_state, step.reason) == ("declined", "no capacity: full until March")
    assert Referral.objects.get(pk=referral.pk).decision == "declined"


def test_withdrawal_is_the_referrers_before_engagement(people) -> None:
    referral = proposed("POP")
    assert "withdraw" not in actions.steps_for(people["adapt"], referral)
    actions.do_withdraw(people["police"], referral, on=ON, reason="moved_away")
    assert Transition.objects.filter(referral=referral).last().reason == "moved away"


def test_the_partner_has_five_working_days_to_decide(people) -> None:
    referral = proposed("POP")
    actions.do_send(people["police"], referral, on=ON)  # Friday 20 November
    assert awaiting.decision_due(referral) == dt.date(2026, 11, 27)  # the next Friday
    assert awaiting.awaiting(referral, dt.date(2026, 11, 27)) == (
        "Waiting for Positive Outcomes Project to accept or decline, by 27 November 2026."
    )
    assert awaiting.awaiting(referral, dt.date(2026, 11, 28)).endswith("— overdue.")


def test_working_days_skip_weekends() -> None:
    assert awaiting.add_working_days(dt.date(2026, 11, 20), 1) == dt.date(2026, 11, 23)
    assert awaiting.add_working_days(dt.date(2026, 11, 21), 1) == dt.date(2026, 11, 23)
    assert awaiting.add_working_days(dt.date(2026, 11, 23), 5) == dt.date(2026, 11, 30)
    assert awaiting.add_working_days(dt.date(2026, 11, 23), 0) == dt.date(2026, 11, 23)
