"""Runs keep the candidate queue in step: full and incremental runs, lapsing, re-running,
and the team's decisions (dismiss, refer) taken once."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.identification import runs
from pathways.identification.decisions import DecisionRefused, dismiss, refer
from pathways.identification.models import Candidate, Run
from pathways.partners.models import Service
from pathways.referrals.models import Referral, Transition
from pathways.referrals.transitions import TransitionRefused
from tests.world import make_user

from .test_rules import AS_OF, days_ago, offence, young

pytestmark = pytest.mark.django_db


def open_candidacies() -> list[tuple[int, str]]:
    return sorted(Candidate.objects.filter(status="open").values_list("person_id", "service_id"))


def test_a_full_run_opens_one_candidacy_per_person_and_a_rerun_changes_nothing() -> None:
    both = young(born=dt.date(2008, 1, 1))
    offence(both, days_ago(3), "violence")
    offence(both, days_ago(4), group="", kind="asb")
    asb = young(born=dt.date(2008, 1, 2))
    offence(asb, days_ago(5), group="", kind="asb")
    first = runs.identify(AS_OF, full=True)
    assert (first.scope, first.found, first.created, first.updated) == ("full", 2, 2, 0)
    assert open_candidacies() == [(both.pk, "ADAPT"), (asb.pk, "NRS_YIT")]
    candidate = Candidate.objects.get(person=both)
    assert (candidate.also_fits, candidate.events_counted, candidate.score) == (
        ["NRS_YIT"],
        1,
        6.0,
    )
    again = runs.identify(AS_OF, full=True)
    assert (again.created, again.updated, again.lapsed) == (0, 0, 0)
    assert Candidate.objects.count() == 2


def test_the_first_run_is_full_and_later_ones_look_only_at_people_with_new_events() -> None:
    quiet = young(born=dt.date(2008, 1, 1))
    offence(quiet, days_ago(80))
    busy = young(born=dt.date(2008, 1, 2))
    offence(busy, days_ago(80))
    assert runs.identify(days_ago(0)).scope == "full"
    assert open_candidacies() == [(quiet.pk, "ADAPT"), (busy.pk, "ADAPT")]
    # Twenty days on, both last offended 100 days ago (ADAPT wants one within 90), but
    # only the busy one has a new event (a road traffic offence: not counted).
    offence(busy, days_ago(-19), "road_traffic")
    later = runs.identify(AS_OF + dt.timedelta(days=20))
    assert (later.scope, later.people_evaluated, later.lapsed) == ("incremental", 1, 1)
    assert open_candidacies() == [(quiet.pk, "ADAPT")]
    assert Candidate.objects.get(person=busy).status == "lapsed"
    # A full run looks at everyone again.
    assert runs.identify(AS_OF + dt.timedelta(days=20), full=True).lapsed == 1
    assert open_candidacies() == []


def test_a_new_event_can_move_a_candidate_to_a_service_of_higher_precedence() -> None:
    person = young()
    offence(person, days_ago(10), group="", kind="asb")
    runs.identify(AS_OF)
    assert open_candidacies() == [(person.pk, "NRS_YIT")]
    offence(person, days_ago(1), group="", flags="cce", kind="concern")
    run = runs.identify(AS_OF)
    assert (run.updated, run.created) == (1, 0)
    assert open_candidacies() == [(person.pk, "SIDESTEP")]
    assert Candidate.objects.get().also_fits == ["NRS_YIT"]


def test_a_dismissed_candidate_is_not_found_again_while_the_dismissal_holds() -> None:
    person = young()
    offence(person, days_ago(3))
    runs.identify(AS_OF)
    team = make_user("analyst", "ONE_GLASGOW", "police_analyst")
    candidate = Candidate.objects.get()
    dismiss(candidate, by=team, reason="already_supported", note="", on=AS_OF)
    offence(person, days_ago(1))
    run = runs.identify(AS_OF)
    assert (run.found, run.created) == (0, 0)
    assert Candidate.objects.get().status == "dismissed"
    # ADAPT's dismissal holds 90 days: on the 90th day after it, a new offence counts.
    offence(person, days_ago(-89))
    assert runs.identify(AS_OF + dt.timedelta(days=89), full=True).found == 0
    later = runs.identify(AS_OF + dt.timedelta(days=90), full=True)
    assert (later.created, open_candidacies()) == (1, [(person.pk, "ADAPT")])


def test_a_decision_is_taken_once() -> None:
    person = young()
    offence(person, days_ago(3))
    runs.identify(AS_OF)
    team = make_user("analyst", "ONE_GLASGOW", "police_analyst")
    mine = Candidate.objects.get()
    theirs = Candidate.objects.get()
    dismiss(mine, by=team, reason="other", note="known to CAMHS", on=AS_OF)
    with pytest.raises(DecisionRefused, match="someone else decided"):
        refer(theirs, by=team, agency="POLICE", on=AS_OF)
    assert Referral.objects.count() == 0
    assert Candidate.objects.get().note == "known to CAMHS"


def test_other_needs_a_note_and_a_reason_must_be_known() -> None:
    person = young()
    offence(person, days_ago(3))
    runs.identify(AS_OF)
    candidate = Candidate.objects.get()
    with pytest.raises(DecisionRefused, match="say why"):
        dismiss(candidate, by=None, reason="other", note=" ", on=AS_OF)
    with pytest.raises(DecisionRefused, match="is not one of the reasons: not_appropriate"):
        dismiss(candidate, by=None, reason="bored", note="", on=AS_OF)
    assert Candidate.objects.get().status == "open"


def test_referring_a_candidate_proposes_a_referral_held_by_the_referring_agency() -> None:
    person = young()
    offence(person, days_ago(3))
    runs.identify(AS_OF)
    team = make_user("analyst", "ONE_GLASGOW", "police_analyst")
    candidate = Candidate.objects.get()
    referral = refer(candidate, by=team, agency="POLICE", on=AS_OF)
    assert (referral.state, referral.service_id, referral.record.agency_id) == (
        "proposed",
        "ADAPT",
        "POLICE",
    )
    step = Transition.objects.get(referral=referral)
    assert (step.from_state, step.to_state, step.by, step.on) == ("", "proposed", team, AS_OF)
    assert "score 6" in step.reason
    candidate.refresh_from_db()
    assert (candidate.status, candidate.referral, candidate.decided_by) == (
        "referred",
        referral,
        team,
    )
    # The open referral now excludes the person from ADAPT.
    assert runs.identify(AS_OF, full=True).found == 0


def test_an_agency_without_a_record_refers_under_the_identifying_agencys_record() -> None:
    person = young()
    offence(person, days_ago(3))
    runs.identify(AS_OF)
    referral = refer(Candidate.objects.get(), by=None, agency="AID_ABET", on=AS_OF)
    assert referral.record == person.records.get(agency_id="POLICE")


def test_a_second_open_referral_to_the_same_service_is_refused() -> None:
    from pathways.referrals.actions import do_propose as propose

    person = young()
    record = person.records.get()
    adapt = Service.objects.get(code="ADAPT")
    propose(person, adapt, record, on=AS_OF, by=None, reason="first")
    with pytest.raises(TransitionRefused, match="already has an open referral"):
        propose(person, adapt, record, on=AS_OF, by=None, reason="again")
    assert Referral.objects.count() == 1


def test_a_failed_run_is_recorded_and_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    person = young()
    offence(person, days_ago(3))

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(runs, "find", broken)
    with pytest.raises(RuntimeError):
        runs.identify(AS_OF)
    run = Run.objects.get()
    assert (run.status, run.error) == ("failed", "database went away")
    assert Candidate.objects.count() == 0
    monkeypatch.undo()
    assert runs.identify(AS_OF).scope == "full"  # a failed run is not a mark
