"""referrals.csv: migrated history is checked for order and rules, and becomes a state
and dated transitions."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.feeds.models import SupersededRow
from pathways.feeds.runner import import_file
from pathways.referrals.models import Referral, Transition

from .conftest import PEOPLE_HEADER, REFERRALS_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(write_csv) -> None:
    import_file(
        "people", write_csv("people.csv", PEOPLE_HEADER, "POLICE,P1,Ryan,Kerr,2006-01-01,M,,")
    )


def referrals(write_csv, *rows: str, name: str = "referrals.csv"):
    return import_file("referrals", write_csv(name, REFERRALS_HEADER, *rows))


def steps(referral_ref: str) -> list[tuple[str, str, str, str]]:
    referral = Referral.objects.get(referral_ref=referral_ref)
    return [
        (t.from_state, t.to_state, t.on.isoformat(), t.reason)
        for t in referral.transitions.order_by("on", "id")
    ]


# What the history becomes.


def test_a_completed_engagement_is_completed_with_every_step_and_its_date(
    person, write_csv
) -> None:
    referrals(
        write_csv,
        "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,2024-08-01,completed",
    )
    assert Referral.objects.get().state == "completed"
    assert steps("R1") == [
        ("", "sent", "2024-01-10", "migrated referral history"),
        ("sent", "accepted", "2024-01-15", ""),
        ("accepted", "consented", "2024-01-20", ""),
        ("consented", "engaged", "2024-02-01", ""),
        ("engaged", "completed", "2024-08-01", ""),
    ]


def test_a_referral_lands_on_the_person_of_its_agency_record(person, write_csv) -> None:
    referrals(write_csv, "R1,POLICE,P1,ADAPT,2024-01-10,,,,,,")
    referral = Referral.objects.select_related("record").get()
    assert (referral.record.agency_id, referral.record.person_ref) == ("POLICE", "P1")
    assert referral.person_id == referral.record.person_id
    assert (referral.service_id, referral.referred_on) == ("ADAPT", dt.date(2024, 1, 10))


def test_a_referral_without_a_decision_is_sent(person, write_csv) -> None:
    referrals(write_csv, "R1,POLICE,P1,ADAPT,2024-01-10,,,,,,")
    assert Referral.objects.get().state == "sent"
    assert steps("R1") == [("", "sent", "2024-01-10", "migrated referral history")]


def test_a_declined_referral_is_declined_on_its_decision_date(person, write_csv) -> None:
    referrals(write_csv, "R1,POLICE,P1,ADAPT,2024-01-10,declined,2024-01-12,,,,")
    assert Referral.objects.get().state == "declined"
    assert steps("R1")[-1] == ("sent", "declined", "2024-01-12", "")


def test_moving_away_closes_the_referral_with_that_reason(person, write_csv) -> None:
    referrals(
        write_csv,
        "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,2024-03-01,moved_away",
    )
    referral = Referral.objects.get()
    assert (referral.state, referral.closing_reason) == ("closed", "moved_away")
    assert steps("R1")[-1] == ("engaged", "closed", "2024-03-01", "moved_away")


def test_opting_out_is_its_own_state_without_a_closing_reason(person, write_csv) -> None:
    referrals(
        write_csv,
        "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,2024-03-01,opted_out",
    )
    referral = Referral.objects.get()
    assert (referral.state, referral.closing_reason) == ("opted_out", "")


def test_a_statutory_service_can_start_without_consent(person, write_csv) -> None:
    run = referrals(write_csv, "R1,POLICE,P1,STARS,2024-01-10,accepted,2024-01-11,,2024-01-12,,")
    assert (run.created, run.rejected) == (1, 0)
    assert Referral.objects.get().state == "engaged"
    assert [s[1] for s in steps("R1")] == ["sent", "accepted", "engaged"]


def test_history_is_not_checked_against_todays_eligibility(person, write_csv) -> None:
    # W218 is a service for women; Ryan Kerr is recorded as male.
    run = referrals(write_csv, "R1,POLICE,P1,W218,2024-01-10,,,,,,")
    assert (run.created, run.rejected) == (1, 0)


# What is refused, row by row, with the column named.


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-05,,,,",
            "decided_on",
            "decided_on: decided on 5 January 2024 is before referred on 10 January 2024; the "
            "dates must read in the order things happened",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-11,2024-01-20,2024-01-15,,",
            "started_on",
            "started_on: engagement started on 15 January 2024 is before consent given on 20 "
            "January 2024; the dates must read in the order things happened",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,,,,2024-01-12,,",
            "started_on",
            "started_on: an engagement cannot start unless the decision is accepted",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,declined,2024-01-11,,2024-01-12,,",
            "started_on",
            "started_on: an engagement cannot start unless the decision is accepted",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-11,,2024-01-12,,",
            "consent_on",
            "consent_on: ADAPT needs consent before engagement can start",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,,,,,",
            "decided_on",
            "decided_on: is required when decision is given",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,approved,2024-01-11,,,,",
            "decision",
            "decision: 'approved' is not a decision",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-11,2024-01-12,2024-01-13,2024-02-01,",
            "end_reason",
            "end_reason: is required when ended_on is given",
        ),
        (
            "R1,POLICE,P1,ADAPT,2024-02-30,,,,,,",
            "referred_on",
            "referred_on: '2024-02-30' is not a valid date (YYYY-MM-DD)",
        ),
        ("R1,POLICE,P1,ADAPT,,,,,,,", "referred_on", "referred_on: is required"),
        ("R1,POLICE,P1,NOSUCH,2024-01-10,,,,,,", "service", "service: 'NOSUCH' is not a known"),
        ("R1,MI5,P1,ADAPT,2024-01-10,,,,,,", "agency", "agency: 'MI5' is not a known agency"),
        (
            "R1,POLICE,NOBODY,ADAPT,2024-01-10,,,,,,",
            "person_ref",
            "person_ref: 'NOBODY' is not a person_ref of agency POLICE",
        ),
        (
            "R1,HSCP_CJSW,P1,ADAPT,2024-01-10,,,,,,",  # P1 is a police reference
            "person_ref",
            "person_ref: 'P1' is not a person_ref of agency HSCP_CJSW",
        ),
        (
            f"{'R' * 65},POLICE,P1,ADAPT,2024-01-10,,,,,,",
            "referral_ref",
            "referral_ref: is 65 characters long; at most 64 are allowed",
        ),
    ],
)
def test_a_bad_history_row_is_rejected_naming_its_column_and_the_good_row_lands(
    person, write_csv, row: str, column: str, reason: str
) -> None:
    run = referrals(write_csv, row, "R2,POLICE,P1,ADAPT,2024-01-10,,,,,,")
    assert (run.created, run.rejected) == (1, 1)
    assert list(Referral.objects.values_list("referral_ref", flat=True)) == ["R2"]
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (2, column)
    assert rejected.reason.startswith(reason)


def test_a_referral_ref_of_64_characters_is_kept(person, write_csv) -> None:
    referrals(write_csv, f"{'R' * 64},POLICE,P1,ADAPT,2024-01-10,,,,,,")
    assert Referral.objects.get().referral_ref == "R" * 64


def test_two_rows_with_one_referral_ref_and_different_content_are_both_rejected(
    person, write_csv
) -> None:
    run = referrals(
        write_csv,
        "R1,POLICE,P1,ADAPT,2024-01-10,,,,,,",
        "R2,POLICE,P1,ADAPT,2024-01-10,,,,,,",
        "R1,POLICE,P1,POP,2024-01-10,,,,,,",
    )
    assert (run.created, run.rejected) == (1, 2)
    assert sorted(run.rejected_rows.values_list("line", "column")) == [
        (2, "referral_ref"),
        (4, "referral_ref"),
    ]


def test_importing_the_same_history_twice_finds_every_row_unchanged(person, write_csv) -> None:
    path = write_csv(
        "referrals.csv",
        REFERRALS_HEADER,
        "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,,",
    )
    import_file("referrals", path)
    again = import_file("referrals", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Transition.objects.count() == 4


def test_a_changed_history_is_an_update_whose_previous_version_is_kept(person, write_csv) -> None:
    referrals(
        write_csv, "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,,"
    )
    run = referrals(
        write_csv,
        "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,2024-06-01,completed",
        name="later.csv",
    )
    assert (run.created, run.updated) == (0, 1)
    referral = Referral.objects.get()
    assert (referral.state, referral.version) == ("completed", 2)
    assert [s[1] for s in steps("R1")] == ["sent", "accepted", "consented", "engaged", "completed"]
    previous = SupersededRow.objects.get()
    assert (previous.kind, previous.key) == ("referrals", "R1")
    assert (previous.content["ended_on"], previous.content["end_reason"]) == ("", "")


def test_an_updated_referral_keeps_when_it_was_first_created(person, write_csv) -> None:
    referrals(write_csv, "R1,POLICE,P1,ADAPT,2024-01-10,,,,,,")
    created_at = Referral.objects.get().created_at
    referrals(write_csv, "R1,POLICE,P1,ADAPT,2024-01-10,declined,2024-01-12,,,,", name="b.csv")
    assert Referral.objects.get().created_at == created_at
