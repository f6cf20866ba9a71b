"""Working an engagement: it starts at a contact that happened, with the plan's focus
areas; contacts need a reason when not attended; it ends with each focus area rated.
Only the service's own team records it."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.cases import engagement
from pathways.cases.models import Contact, EngagementPlan
from pathways.referrals.models import Referral, Transition
from pathways.referrals.transitions import DateOutOfOrder, TransitionRefused, move
from tests.world import make_person, make_user, refer

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 20)
CONTACT = {"attendance": "attended", "notes": "Met at the youth club."}


@pytest.fixture
def consented() -> Referral:
    person = make_person("Ali", "Engaged", dt.date(2009, 1, 1), records=(("POLICE", "P1"),))
    return refer(person, "POLICE", "ADAPT", ON - dt.timedelta(days=10), state="consented")


@pytest.fixture
def mentor():
    return make_user("mentor", "INCLUDEM_ADAPT", "partner_worker")


def test_the_first_contact_starts_the_engagement_with_its_plan(consented, mentor) -> None:
    engagement.do_start_engagement(
        mentor, consented, on=ON, focus_areas=["education", "life_choices"], contact=CONTACT
    )
    stored = Referral.objects.get(pk=consented.pk)
    assert (stored.state, stored.started_on) == ("engaged", ON)
    assert EngagementPlan.objects.get(referral=consented).focus_areas == [
        "education",
        "life_choices",
    ]
    assert list(Contact.objects.values_list("on", "attendance")) == [(ON, "attended")]
    step = Transition.objects.get(referral=consented)
    assert (step.to_state, step.by, step.reason) == ("engaged", mentor, "first contact")


@pytest.mark.parametrize(
    ("areas", "contact", "message"),
    [
        ([], CONTACT, "choose the plan's focus areas"),
        (["karate"], CONTACT, "unknown focus areas"),
        (
            ["education"],
            {"attendance": "unacceptable_absence", "reason": "ill"},
            "a contact that happened",
        ),
        (["education"], {"attendance": "late"}, "say why the person was late"),
    ],
)
def test_an_engagement_does_not_start_on_a_bad_first_contact(
    consented, mentor, areas, contact, message
) -> None:
    with pytest.raises(TransitionRefused, match=message):
        engagement.do_start_engagement(mentor, consented, on=ON, focus_areas=areas, contact=contact)
    assert Referral.objects.get(pk=consented.pk).state == "consented"
    assert not Contact.objects.exists() and not EngagementPlan.objects.exists()


def test_only_the_services_team_records(consented) -> None:
    other = make_user("sidestep", "AFC_SIDESTEP", "partner_worker")
    police = make_user("police", "ONE_GLASGOW", "police_analyst")
    for user in (other, police):
        with pytest.raises(TransitionRefused, match="only the ADAPT team records"):
            engagement.do_start_engagement(
                user, consented, on=ON, focus_areas=["education"], contact=CONTACT
            )


def test_contacts_while_engaged_and_the_ending_rates_each_focus_area(consented, mentor) -> None:
    engagement.do_start_engagement(
        mentor, consented, on=ON, focus_areas=["education", "addiction"], contact=CONTACT
    )
    engagement.do_record_contact(mentor, consented, on=ON + dt.timedelta(days=7),
                              contact={"attendance": "unacceptable_absence", "reason": "no answer"})  # fmt: skip
    with pytest.raises(TransitionRefused, match="before the engagement started"):
        engagement.do_record_contact(
            mentor, consented, on=ON - dt.timedelta(days=1), contact=CONTACT
        )
    with pytest.raises(TransitionRefused, match="rate each focus area"):
        engagement.do_end_engagement(mentor, consented, on=ON + dt.timedelta(days=90), outcome="completed",
                       ratings={"education": "achieved"})  # fmt: skip
    with pytest.raises(TransitionRefused, match="closing needs a reason"):
        engagement.do_end_engagement(mentor, consented, on=ON + dt.timedelta(days=90), outcome="closed",
                       ratings={"education": "achieved", "addiction": "partly"})  # fmt: skip
    engagement.do_end_engagement(mentor, consented, on=ON + dt.timedelta(days=90), outcome="completed",
                   ratings={"education": "achieved", "addiction": "partly"})  # fmt: skip
    stored = Referral.objects.get(pk=consented.pk)
    assert (stored.state, stored.end_reason, stored.ended_on) == (
        "completed", "completed", ON + dt.timedelta(days=90),
    )  # fmt: skip
    assert EngagementPlan.objects.get().ratings == {"education": "achieved", "addiction": "partly"}
    with pytest.raises(TransitionRefused, match="while the person is engaged"):
        engagement.do_record_contact(
            mentor, consented, on=ON + dt.timedelta(days=91), contact=CONTACT
        )
    assert Contact.objects.count() == 2


def test_the_history_is_dated_in_the_order_it_happened(consented, mentor) -> None:
    # Issue 19: a first contact before the referral was made, or an ending before the
    # start, would make the timeline read backwards and the outcome figures take them.
    made = ON - dt.timedelta(days=10)
    with pytest.raises(
        TransitionRefused, match=r"before the referral was made \(10 November 2026\)"
    ):
        engagement.do_start_engagement(mentor, consented, on=made - dt.timedelta(days=1),
                                       focus_areas=["education"], contact=CONTACT)  # fmt: skip
    assert Referral.objects.get(pk=consented.pk).state == "consented"
    assert not Contact.objects.exists() and not EngagementPlan.objects.exists()
    engagement.do_start_engagement(mentor, consented, on=ON, focus_areas=["education"],
                                   contact=CONTACT)  # fmt: skip
    with pytest.raises(DateOutOfOrder, match=r"before the engagement started \(20 November"):
        engagement.do_record_contact(mentor, consented, on=ON - dt.timedelta(days=1),
                                     contact=CONTACT)  # fmt: skip
    later = ON + dt.timedelta(days=5)
    engagement.do_record_contact(mentor, consented, on=later, contact=CONTACT)
    with pytest.raises(DateOutOfOrder, match=r"before its last contact \(25 November 2026\)"):
        engagement.do_end_engagement(mentor, consented, on=later - dt.timedelta(days=1),
                                     outcome="completed", ratings={"education": "achieved"})  # fmt: skip
    # Any step, not only an ending: none before the step taken last.
    with pytest.raises(DateOutOfOrder, match=r"before the last step, engaged \(20 November"):
        move(consented, "completed", on=ON - dt.timedelta(days=1), by=mentor)
    stored = Referral.objects.get(pk=consented.pk)
    assert (stored.state, stored.ended_on) == ("engaged", None)
    # The same day as the contact before is allowed.
    engagement.do_end_engagement(mentor, consented, on=later, outcome="completed",
                                 ratings={"education": "achieved"})  # fmt: skip
    assert Referral.objects.get(pk=consented.pk).state == "completed"
