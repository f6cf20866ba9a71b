"""A service keeps the case it worked (`worked_with`), and crisis outreach sees the
referrals made to it.

Worked out by hand from agreements.toml: POLICE_<SERVICE>_CASE_KEPT shares the police's
`referral` with the service once the referral has ended completed, disengaged or closed;
never after the person withdrew consent (opted out), nor a referral that was declined or
withdrawn before any work; and only the service's own referral. POLICE_COS_REFERRAL
shares identity and the referral with crisis outreach while the referral is active.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.referrals.models import Consent, Referral
from pathways.sharing.policy import decide, visible_people, visible_referrals
from tests.world import make_person, make_user, refer

pytestmark = pytest.mark.django_db
ON = dt.date(2025, 3, 1)

# Referral state -> what the service's worker sees of the police's data about the person.
KEPT = {
    "sent": {"identity", "referral"},
    "engaged": {"identity", "referral"},
    "completed": {"referral"},
    "disengaged": {"referral"},
    "closed": {"referral"},
    "opted_out": set(),
    "declined": set(),
    "withdrawn": set(),
}


def held(service: str, state: str) -> Referral:
    person = make_person("Kim", "Kept", dt.date(1990, 4, 4), records=(("POLICE", "K1"),))
    return refer(person, "POLICE", service, ON, state=state)


@pytest.mark.parametrize("state", list(KEPT))
@pytest.mark.parametrize(
    ("service", "team", "role"),
    [("ADAPT", "INCLUDEM_ADAPT", "partner_worker"), ("COS", "ADRS_COS", "health_outreach")],
)
def test_what_the_service_sees_in_each_state(service, team, role, state) -> None:
    referral = held(service, state)
    worker = make_user("worker", team, role)
    seen = {
        category
        for category in ("identity", "referral", "offending")
        if decide(worker, referral.person, category, source="POLICE").allowed
    }
    # POLICE_ADAPT_OFFENDING opens offending while the person consents; no agreement
    # shares offending with crisis outreach.
    consented = service == "ADAPT" and state == "engaged"
    assert seen == KEPT[state] | ({"offending"} if consented else set())
    assert visible_people(worker).filter(pk=referral.person_id).exists() == bool(KEPT[state])
    shown = list(visible_referrals(worker, referral.person))
    assert shown == ([referral] if KEPT[state] else [])


def test_a_kept_case_shows_only_the_services_own_referral() -> None:
    referral = held("ADAPT", "completed")
    other = refer(referral.person, "POLICE", "SIDESTEP", ON + dt.timedelta(days=200), "completed")
    adapt = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker")
    sidestep = make_user("sidestep", "AFC_SIDESTEP", "partner_worker")
    assert list(visible_referrals(adapt, referral.person)) == [referral]
    assert list(visible_referrals(sidestep, referral.person)) == [other]
    # A third service that never had the person sees nothing of them.
    nrs = make_user("nrs", "NRS_YIT", "partner_worker")
    assert not visible_people(nrs).filter(pk=referral.person_id).exists()


def test_a_withdrawal_after_the_ending_closes_the_kept_case() -> None:
    referral = held("ADAPT", "completed")
    Consent.objects.create(
        person=referral.person, service_id="ADAPT", referral=referral, answer="given",
        on=ON, method="verbal", recorded_by=make_user("x", "INCLUDEM_ADAPT", "partner_worker"),
        withdrawn_on=ON + dt.timedelta(days=60),
    )  # fmt: skip
    adapt = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker")
    assert not visible_people(adapt).filter(pk=referral.person_id).exists()
    assert list(visible_referrals(adapt, referral.person)) == []


def test_a_kept_case_does_not_open_the_persons_other_referrals_to_the_service() -> None:
    """A completed ADAPT case keeps that referral open to ADAPT, not a later one still in
    joint approval (the police and social work's, not yet sent)."""
    kept = held("ADAPT", "completed")
    later = refer(kept.person, "POLICE", "ADAPT", ON + dt.timedelta(days=300), "engaged")
    Referral.objects.filter(pk=later.pk).update(state="proposed")
    adapt = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker")
    assert list(visible_referrals(adapt, kept.person)) == [kept]
