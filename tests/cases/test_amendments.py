"""Correcting case records: a contact, the engagement's dates, a custody visit. Each
correction checks the record's rules again, changes the record and keeps one amendment
per field changed with the old and new values, why, who and when; a refused one changes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pathways.cases import engagement
from pathways.cases.amendments import (
    amend_contact,
    amend_custody_visit,
    amend_engagement_dates,
)
from pathways.cases.custody import do_record_visit
from pathways.cases.models import Amendment, Contact, CustodyVisit
from pathways.feeds.after_import import scan_new_events
from pathways.referrals.models import Referral, Transition
from pathways.referrals.transitions import DateOutOfOrder, TransitionRefused
from tests.world import LONDON, add_event, make_person, make_user, refer

pytestmark = pytest.mark.django_db
START = dt.date(2026, 10, 5)


@pytest.fixture
def mentor():
    return make_user("mentor", "INCLUDEM_ADAPT", "partner_worker")


@pytest.fixture
def engaged(mentor) -> Referral:
    """Engaged on 5 October 2026 with two contacts, 5 and 12 October."""
    person = make_person("Ali", "Amended", dt.date(2009, 1, 1), records=(("POLICE", "A1"),))
    referral = refer(person, "POLICE", "ADAPT", START - dt.timedelta(days=10), state="consented")
    engagement.do_start_engagement(
        mentor, referral, on=START, focus_areas=["education"],
        contact={"attendance": "attended", "notes": "Met at the youth club."},
    )  # fmt: skip
    engagement.do_record_contact(
        mentor, referral, on=START + dt.timedelta(days=7),
        contact={"attendance": "attended", "notes": "Talked about colege."},
    )  # fmt: skip
    return Referral.objects.get(pk=referral.pk)


def second(referral: Referral) -> Contact:
    return referral.contacts.order_by("on").last()  # type: ignore[return-value]


def test_a_contact_is_corrected_with_its_old_and_new_values(engaged, mentor) -> None:
    contact = second(engaged)
    made = amend_contact(
        mentor, contact, why="Typo, and it was the day before",
        on=dt.date(2026, 10, 11), notes="Talked about college.", attendance="attended",
    )  # fmt: skip
    assert [(a.field, a.old, a.new) for a in made] == [
        ("date of the contact", "12 October 2026", "11 October 2026"),
        ("engagement and progress", "Talked about colege.", "Talked about college."),
    ]
    stored = Amendment.objects.filter(contact=contact)
    assert set(stored.values_list("why", "by", "kind", "referral")) == {
        ("Typo, and it was the day before", mentor.pk, "contact", engaged.pk)
    }
    contact.refresh_from_db()
    assert (contact.on, contact.notes) == (dt.date(2026, 10, 11), "Talked about college.")


@pytest.mark.parametrize(
    ("values", "error", "message"),
    [
        ({"on": START - dt.timedelta(days=1)}, DateOutOfOrder,
         "cannot be before the engagement started \\(5 October 2026\\)"),
        ({"attendance": "late"}, TransitionRefused, "say why the person was late"),
        ({"notes": "Talked about colege."}, TransitionRefused, "nothing to correct"),
        ({"notes": "x" * 4001}, TransitionRefused, "at most 4,000 characters"),
    ],
)  # fmt: skip
def test_a_correction_that_breaks_a_rule_changes_nothing(
    engaged, mentor, values, error, message
) -> None:
    with pytest.raises(error, match=message):
        amend_contact(mentor, second(engaged), why="A reason", **values)
    assert not Amendment.objects.exists()
    assert second(engaged).notes == "Talked about colege."


def test_a_correction_needs_a_reason_and_the_services_own_team(engaged) -> None:
    mentor = make_user("again", "INCLUDEM_ADAPT", "partner_worker")
    with pytest.raises(TransitionRefused, match="say why"):
        amend_contact(mentor, second(engaged), why="  ", notes="Better.")
    sidestep = make_user("sidestep", "AFC_SIDESTEP", "partner_worker")
    with pytest.raises(TransitionRefused, match="only the ADAPT team"):
        amend_contact(sidestep, second(engaged), why="Mine now", notes="Better.")
    assert not Amendment.objects.exists()


def test_the_engagement_dates_move_with_their_step_and_keep_to_the_contacts(
    engaged, mentor
) -> None:
    engagement.do_end_engagement(
        mentor, engaged, on=dt.date(2026, 11, 1), outcome="completed",
        ratings={"education": "achieved"},
    )  # fmt: skip
    ended = Referral.objects.get(pk=engaged.pk)
    # A correction after the end: the team keeps the case, and may correct it.
    made = amend_engagement_dates(
        mentor, ended, why="Ended at the review, not the letter", ended_on=dt.date(2026, 10, 20)
    )
    assert [(a.field, a.old, a.new) for a in made] == [
        ("date it ended", "1 November 2026", "20 October 2026")
    ]
    assert Referral.objects.get(pk=engaged.pk).ended_on == dt.date(2026, 10, 20)
    step = Transition.objects.get(referral=engaged, to_state="completed")
    assert step.on == dt.date(2026, 10, 20)
    # A form opened before that correction is refused: it would put the old date back.
    with pytest.raises(TransitionRefused, match="changed since you opened the form"):
        amend_engagement_dates(mentor, ended, why="Stale", ended_on=dt.date(2026, 11, 1))
    ended.refresh_from_db()
    with pytest.raises(DateOutOfOrder, match="cannot end before its last contact"):
        amend_engagement_dates(mentor, ended, why="No", ended_on=dt.date(2026, 10, 10))
    with pytest.raises(DateOutOfOrder, match="cannot start after its first contact"):
        amend_engagement_dates(mentor, ended, why="No", started_on=dt.date(2026, 10, 6))
    with pytest.raises(DateOutOfOrder, match="is before consent given on"):
        amend_engagement_dates(mentor, ended, why="No", started_on=dt.date(2026, 9, 1))
    assert Amendment.objects.count() == 1


def test_a_custody_visit_is_corrected_within_the_episode() -> None:
    mentor = make_user("custody", "POP_CUSTODY", "custody_mentor")
    person = make_person("Cal", "Custody", dt.date(1995, 5, 5), records=(("POLICE", "C1"),))
    scan_new_events()
    held = dt.datetime(2026, 12, 1, 2, tzinfo=LONDON)
    add_event(person, "POLICE", held, kind="custody", category="Held for court")
    scan_new_events()
    visit = CustodyVisit.objects.get()
    do_record_visit(mentor, visit, outcome="seen", seen_on=dt.date(2026, 12, 2),
                    conversation="Talked about housing.", signposted_to=["BRIDGING"])  # fmt: skip
    visit.refresh_from_db()
    with pytest.raises(DateOutOfOrder, match="before the person was held \\(1 December 2026\\)"):
        amend_custody_visit(mentor, visit, why="Wrong day", seen_on=dt.date(2026, 11, 30))
    with pytest.raises(TransitionRefused, match="only a person who was seen"):
        amend_custody_visit(mentor, visit, why="Wrong outcome", outcome="declined")
    made = amend_custody_visit(
        mentor, visit, why="Signposted to the 218 as well",
        signposted_to=["BRIDGING", "COS"], seen_on=dt.date(2026, 12, 1),
    )  # fmt: skip
    assert [(a.field, a.old, a.new) for a in made] == [
        ("date", "2 December 2026", "1 December 2026"),
        ("signposted to", "The Bridging Service", "The Bridging Service, Crisis outreach service"),
    ]
    outreach = make_user("outreach", "ADRS_COS", "health_outreach")
    # The 218 Service is for women: not a signpost for Cal.
    visit.refresh_from_db()
    with pytest.raises(TransitionRefused, match="not a service this person can be signposted"):
        amend_custody_visit(mentor, visit, why="Also", signposted_to=["BRIDGING", "W218"])
    with pytest.raises(TransitionRefused, match="only the custody mentors"):
        amend_custody_visit(outreach, visit, why="Not mine", conversation="Changed.")


def test_moving_the_first_contact_cannot_leave_a_missed_one_first(engaged, mentor) -> None:
    engagement.do_record_contact(
        mentor, engaged, on=START + dt.timedelta(days=2),
        contact={"attendance": "unacceptable_absence", "reason": "ill"},
    )  # fmt: skip
    first = engaged.contacts.order_by("on").first()
    with pytest.raises(TransitionRefused, match="the first contact started the engagement"):
        amend_contact(mentor, first, why="Wrong day", on=START + dt.timedelta(days=5))
    assert not Amendment.objects.exists()


def test_a_renewed_consent_cannot_be_dated_before_the_consent_it_renewed(mentor) -> None:
    from pathways.cases.amendments import amend_consent
    from pathways.referrals.actions import do_record_consent

    person = make_person("Re", "New", dt.date(2009, 1, 1), records=(("POLICE", "RN1"),))
    today = timezone.localdate()
    referral = refer(person, "POLICE", "ADAPT", today - dt.timedelta(days=400), "accepted")
    do_record_consent(mentor, referral, given=True, on=today - dt.timedelta(days=399),
                      method="verbal", witness="Mum")  # fmt: skip
    referral.refresh_from_db()
    do_record_consent(mentor, referral, given=True, on=today, method="verbal", witness="Mum")
    referral.refresh_from_db()
    with pytest.raises(DateOutOfOrder, match="before the consent it renewed"):
        amend_consent(mentor, referral, why="Wrong", on=today - dt.timedelta(days=500))
