"""Merging two people, splitting records off a person and undoing either (issue 6):
everything follows its records, the change is audited, and undo puts it all back."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.audit.models import AccessEvent
from pathways.events.models import Event
from pathways.linkage.internals.matching import link_record_of, record_changed
from pathways.linkage.internals.merging import LinkChangeRefused, merge_people, split_records, undo
from pathways.linkage.models import LinkChange, LinkReview
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Consent, Referral
from tests.linkage.conftest import person_of

pytestmark = pytest.mark.django_db

EVENTS = "agency,event_ref,person_ref,kind,occurred_at"
REFERRALS = "referral_ref,agency,person_ref,service,referred_on"


@pytest.fixture
def two_people(load):
    """POLICE/P1 and HSCP_CJSW/C1: one man the model cannot be sure of (a birth date a
    month out), each record with an event; C1 with a referral; P1's person a consent of
    their own."""
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "HSCP_CJSW,C1,Anne,Smith,1990-07-01,F")
    load("POLICE,E1,P1,custody,2024-03-01", "HSCP_CJSW,E2,C1,concern,2024-03-02",
         kind="events", header=EVENTS)  # fmt: skip
    load("R1,HSCP_CJSW,C1,STARS,2024-03-03", kind="referrals", header=REFERRALS)
    assert person_of("POLICE", "P1") != person_of("HSCP_CJSW", "C1")


@pytest.fixture
def officer(make_user):
    return make_user("dq", team="CJ_GLASGOW", role="data_quality")


def own_consent(person_id: int, user) -> Consent:
    return Consent.objects.create(
        person_id=person_id, service_id="STARS", answer="yes", on=dt.date(2024, 3, 1),
        method="verbal", recorded_by=user,
    )  # fmt: skip


def test_a_merge_moves_records_events_referrals_and_the_persons_own_rows(
    two_people, officer
) -> None:
    kept, absorbed = person_of("POLICE", "P1"), person_of("HSCP_CJSW", "C1")
    consent = own_consent(absorbed, officer)
    change = merge_people(kept, absorbed, by=officer, reason="same NI number on both files")
    assert person_of("HSCP_CJSW", "C1") == kept
    assert set(Event.objects.values_list("person_id", flat=True)) == {kept}
    assert Referral.objects.get().person_id == kept
    consent.refresh_from_db()
    assert consent.person_id == kept
    assert not Person.objects.filter(pk=absorbed).exists()
    assert change.kind == LinkChange.Kind.MERGE
    assert set(AgencyRecord.objects.values_list("link_method", flat=True)) == {"reviewed"}


def test_a_merge_is_kept_as_an_accepted_decision_and_audited(two_people, officer) -> None:
    kept, absorbed = person_of("POLICE", "P1"), person_of("HSCP_CJSW", "C1")
    merge_people(kept, absorbed, by=officer, reason="same NI number")
    decision = LinkReview.objects.get()
    assert decision.status == LinkReview.Status.ACCEPTED
    assert decision.decided_by == officer and decision.reason == "same NI number"
    audit = AccessEvent.objects.get(action="link_merge")
    assert audit.username == "dq" and "same NI number" in audit.detail


def test_undoing_a_merge_puts_everything_back(two_people, officer) -> None:
    kept, absorbed = person_of("POLICE", "P1"), person_of("HSCP_CJSW", "C1")
    pending = LinkReview.objects.get()
    consent = own_consent(absorbed, officer)
    change = merge_people(kept, absorbed, by=officer, reason="looked alike", review=pending)
    undo(change, by=officer)
    assert person_of("HSCP_CJSW", "C1") == absorbed
    assert Event.objects.get(event_ref="E2").person_id == absorbed
    assert Event.objects.get(event_ref="E1").person_id == kept
    assert Referral.objects.get().person_id == absorbed
    consent.refresh_from_db()
    assert consent.person_id == absorbed
    methods = dict(AgencyRecord.objects.values_list("person_ref", "link_method"))
    assert methods == {"P1": "single", "C1": "single"}
    pending.refresh_from_db()
    assert pending.status == LinkReview.Status.PENDING and pending.decided_by is None
    assert Person.objects.get(pk=absorbed).family_name == "Smith"
    change.refresh_from_db()
    assert change.undone_by == officer
    assert AccessEvent.objects.filter(action="link_undo").count() == 1


def test_a_change_cannot_be_undone_twice(two_people, officer) -> None:
    change = merge_people(
        person_of("POLICE", "P1"), person_of("HSCP_CJSW", "C1"), by=officer, reason="x"
    )
    undo(change, by=officer)
    with pytest.raises(LinkChangeRefused, match="already been undone"):
        undo(change, by=officer)


def test_a_merge_needs_a_reason(two_people, officer) -> None:
    with pytest.raises(LinkChangeRefused, match="say why"):
        merge_people(person_of("POLICE", "P1"), person_of("HSCP_CJSW", "C1"), by=officer,
                     reason=" ")  # fmt: skip


@pytest.fixture
def one_person(load):
    """POLICE/P1 and HSCP_CJSW/C1 linked by the model; C1 has an event and a referral."""
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M")
    load("POLICE,E1,P1,custody,2024-03-01", "HSCP_CJSW,E2,C1,concern,2024-03-02",
         kind="events", header=EVENTS)  # fmt: skip
    load("R1,HSCP_CJSW,C1,STARS,2024-03-03", kind="referrals", header=REFERRALS)
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1")


def test_a_split_moves_the_record_and_what_came_from_it_only(one_person, officer) -> None:
    person = person_of("POLICE", "P1")
    consent = own_consent(person, officer)
    c1 = AgencyRecord.objects.get(person_ref="C1")
    change = split_records(person, [c1.pk], by=officer, reason="twin brother")
    new = person_of("HSCP_CJSW", "C1")
    assert new != person and new == change.other_person_id
    assert Event.objects.get(event_ref="E2").person_id == new
    assert Event.objects.get(event_ref="E1").person_id == person
    assert Referral.objects.get().person_id == new
    consent.refresh_from_db()
    assert consent.person_id == person  # the person's own consent stays
    assert AccessEvent.objects.filter(action="link_split").count() == 1


def test_a_split_is_kept_when_the_record_is_matched_again(one_person, officer) -> None:
    person = person_of("POLICE", "P1")
    c1 = AgencyRecord.objects.get(person_ref="C1")
    split_records(person, [c1.pk], by=officer, reason="twin brother")
    assert LinkReview.objects.get().status == LinkReview.Status.REJECTED
    record_changed(c1.pk, link_record_of(c1), was_linked=True, rematch=True)
    assert person_of("HSCP_CJSW", "C1") != person_of("POLICE", "P1")


def test_undoing_a_split_joins_them_again(one_person, officer) -> None:
    person = person_of("POLICE", "P1")
    c1 = AgencyRecord.objects.get(person_ref="C1")
    change = split_records(person, [c1.pk], by=officer, reason="twin brother")
    undo(change, by=officer)
    assert person_of("HSCP_CJSW", "C1") == person
    assert set(Event.objects.values_list("person_id", flat=True)) == {person}
    assert not Person.objects.filter(pk=change.other_person_id).exists()
    assert not LinkReview.objects.exists()
    assert AgencyRecord.objects.get(person_ref="C1").link_method == "probabilistic"


def test_a_split_must_leave_a_record_behind(one_person, officer) -> None:
    person = person_of("POLICE", "P1")
    with pytest.raises(LinkChangeRefused, match="leave at least one"):
        split_records(
            person, AgencyRecord.objects.values_list("pk", flat=True), by=officer, reason="x"
        )


def test_an_earlier_change_waits_for_a_later_one_to_be_undone(one_person, officer, load) -> None:
    person = person_of("POLICE", "P1")
    c1 = AgencyRecord.objects.get(person_ref="C1")
    first = split_records(person, [c1.pk], by=officer, reason="twin brother")
    merge_people(person, first.other_person_id, by=officer, reason="no, same man")
    with pytest.raises(LinkChangeRefused, match="undo it first"):
        undo(first, by=officer)


def test_after_a_split_the_person_left_keeps_their_name_not_a_records_typo(load, officer) -> None:
    """Issue 19: Jamie's three records, the latest with a typo; one correct record split
    off leaves a tie (Jamie, Jaime) and the name shown stays Jamie."""
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M")
    load("HSCP_CF,F1,Jaime,McDonald,2004-03-12,M")
    person = person_of("POLICE", "P1")
    assert person_of("HSCP_CF", "F1") == person
    assert Person.objects.get(pk=person).given_name == "Jamie"
    moved = AgencyRecord.objects.get(agency_id="HSCP_CJSW", person_ref="C1")
    split_records(person, [moved.pk], by=officer, reason="a different Jamie")
    assert Person.objects.get(pk=person).given_name == "Jamie"
    assert Person.objects.get(pk=person_of("HSCP_CJSW", "C1")).given_name == "Jamie"
