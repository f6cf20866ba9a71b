"""events.csv: validation, time zones, repeated keys, idempotency and history."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.events.models import Event
from pathways.feeds.models import SupersededRow
from pathways.feeds.runner import import_file
from pathways.people.models import AgencyRecord

from .conftest import EVENTS_HEADER, PEOPLE_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(write_csv) -> None:
    import_file(
        "people",
        write_csv(
            "people.csv",
            PEOPLE_HEADER,
            "POLICE,P1,Jamie,McDonald,2004-03-12,M,,NE",
            "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M,,NE",
        ),
    )


def events(write_csv, *rows: str, header: str = EVENTS_HEADER):
    return import_file("events", write_csv("events.csv", header, *rows))


def test_an_event_lands_on_its_agency_record_and_that_records_person(people, write_csv) -> None:
    run = events(write_csv, "POLICE,E1,P1,offence,2024-03-01T14:05:00,dishonesty,substance")
    assert (run.created, run.rejected) == (1, 0)
    event = Event.objects.get()
    record = AgencyRecord.objects.get(agency="POLICE", person_ref="P1")
    assert (event.record_id, event.person_id) == (record.pk, record.person_id)
    assert (event.kind, event.crime_group, event.flags) == ("offence", "dishonesty", "substance")


def test_flags_are_stored_sorted_once_each(people, write_csv) -> None:
    events(write_csv, "POLICE,E1,P1,offence,2024-03-01,violence, weapon;cce;weapon ")
    assert Event.objects.get().flags == "cce;weapon"


# Time: a date-time without an offset is Europe/London local time; the event's date is
# its instant's date in Europe/London.


def test_a_winter_date_time_is_london_local_time_which_is_utc(people, write_csv) -> None:
    events(write_csv, "POLICE,E1,P1,custody,2024-03-01T14:05:00,,")
    event = Event.objects.get()
    assert event.occurred_at == dt.datetime(2024, 3, 1, 14, 5, tzinfo=dt.UTC)
    assert event.occurred_on == dt.date(2024, 3, 1)


def test_a_summer_date_time_is_british_summer_time(people, write_csv) -> None:
    events(write_csv, "POLICE,E1,P1,custody,2024-07-01T00:30:00,,")
    event = Event.objects.get()
    assert event.occurred_at == dt.datetime(2024, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert event.occurred_on == dt.date(2024, 7, 1)


def test_a_given_offset_is_honoured(people, write_csv) -> None:
    events(write_csv, "POLICE,E1,P1,custody,2024-07-01T00:30:00+00:00,,")
    event = Event.objects.get()
    assert event.occurred_at == dt.datetime(2024, 7, 1, 0, 30, tzinfo=dt.UTC)
    assert event.occurred_on == dt.date(2024, 7, 1)  # 01:30 in London


def test_the_date_of_an_instant_given_with_an_offset_is_the_london_date(people, write_csv) -> None:
    events(write_csv, "POLICE,E1,P1,custody,2024-07-01T01:30:00+05:00,,")
    event = Event.objects.get()
    assert event.occurred_at == dt.datetime(2024, 6, 30, 20, 30, tzinfo=dt.UTC)
    assert event.occurred_on == dt.date(2024, 6, 30)  # 21:30 in London


def test_a_date_alone_is_midnight_london_time(people, write_csv) -> None:
    events(write_csv, "POLICE,E1,P1,custody,2024-07-01,,")
    event = Event.objects.get()
    assert event.occurred_at == dt.datetime(2024, 6, 30, 23, 0, tzinfo=dt.UTC)
    assert event.occurred_on == dt.date(2024, 7, 1)


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("NOPE,E1,P1,offence,2024-03-01,violence,", "agency", "'NOPE' is not a known agency"),
        (
            "POLICE,E1,NOBODY,offence,2024-03-01,violence,",
            "person_ref",
            "'NOBODY' is not a person_ref of agency POLICE",
        ),
        (
            "POLICE,E1,C1,offence,2024-03-01,violence,",  # C1 is a social-work reference
            "person_ref",
            "'C1' is not a person_ref of agency POLICE",
        ),
        ("POLICE,E1,P1,burglary,2024-03-01,,", "kind", "'burglary' is not a known event kind"),
        (
            "POLICE,E1,P1,offence,2024-03-01,theft,",
            "crime_group",
            "'theft' is not a known crime group",
        ),
        (
            "POLICE,E1,P1,offence,2024-03-01,,",
            "crime_group",
            "is required for an event of kind offence",
        ),
        (
            "POLICE,E1,P1,offence,01/03/2024,violence,",
            "occurred_at",
            "'01/03/2024' is not a valid date or date-time",
        ),
        (
            "POLICE,E1,P1,offence,2024-02-30T10:00:00,violence,",
            "occurred_at",
            "'2024-02-30T10:00:00' is not a valid date or date-time",
        ),
        ("POLICE,E1,P1,offence,,violence,", "occurred_at", "occurred_at: is required"),
        ("POLICE,E1,P1,offence,2024-03-01,violence,drunk", "flags", "unknown flag(s) 'drunk'"),
    ],
)
def test_a_bad_row_is_rejected_naming_its_column_and_the_good_row_lands(
    people, write_csv, row: str, column: str, reason: str
) -> None:
    run = events(write_csv, "POLICE,GOOD,P1,asb,2024-03-01,,", row)
    assert (run.created, run.rejected) == (1, 1)
    assert list(Event.objects.values_list("event_ref", flat=True)) == ["GOOD"]
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (3, column)
    assert reason in rejected.reason


def test_a_conviction_needs_a_disposal(people, write_csv) -> None:
    header = "agency,event_ref,person_ref,kind,occurred_at,crime_group,disposal,offence_date"
    run = events(write_csv, "HSCP_CJSW,V1,C1,conviction,2024-05-01,violence,,", header=header)
    rejected = run.rejected_rows.get()
    assert (rejected.column, rejected.reason) == (
        "disposal",
        "disposal: is required for a conviction",
    )


def test_a_conviction_keeps_its_offence_date(people, write_csv) -> None:
    header = "agency,event_ref,person_ref,kind,occurred_at,crime_group,disposal,offence_date"
    events(
        write_csv, "HSCP_CJSW,V1,C1,conviction,2024-05-01,violence,cpo,2024-03-01", header=header
    )
    conviction = Event.objects.get()
    assert (conviction.disposal, conviction.offence_date) == ("cpo", dt.date(2024, 3, 1))


@pytest.mark.parametrize(("column", "limit"), [("event_ref", 64), ("category", 200)])
def test_a_value_at_its_length_limit_is_kept(people, write_csv, column: str, limit: int) -> None:
    row = {"agency": "POLICE", "event_ref": "E1", "person_ref": "P1", "kind": "asb"}
    row |= {"occurred_at": "2024-03-01", column: "x" * limit}
    header = "agency,event_ref,person_ref,kind,occurred_at,category"
    run = events(write_csv, ",".join(row.get(c, "") for c in header.split(",")), header=header)
    assert run.created == 1
    assert len(getattr(Event.objects.get(), column)) == limit


@pytest.mark.parametrize(
    ("column", "limit"), [("event_ref", 64), ("person_ref", 64), ("category", 200)]
)
def test_a_value_one_over_its_length_limit_is_a_rejected_row(
    people, write_csv, column: str, limit: int
) -> None:
    row = {"agency": "POLICE", "event_ref": "E1", "person_ref": "P1", "kind": "asb"}
    row |= {"occurred_at": "2024-03-01", column: "x" * (limit + 1)}
    header = "agency,event_ref,person_ref,kind,occurred_at,category"
    run = events(write_csv, ",".join(row.get(c, "") for c in header.split(",")), header=header)
    assert (run.created, run.rejected) == (0, 1)
    rejected = run.rejected_rows.get()
    assert (rejected.column, rejected.reason) == (
        column,
        f"{column}: is {limit + 1} characters long; at most {limit} are allowed",
    )


@pytest.mark.parametrize("value", ["=HYPERLINK(x)", "+1", "-shoplifting", "@theft"])
def test_a_value_starting_like_a_formula_is_kept_exactly_as_data(
    people, write_csv, value: str
) -> None:
    header = "agency,event_ref,person_ref,kind,occurred_at,category"
    events(write_csv, f"POLICE,E1,P1,asb,2024-03-01,{value}", header=header)
    assert Event.objects.get().category == value


def test_two_identical_rows_count_once_and_the_second_is_unchanged(people, write_csv) -> None:
    run = events(write_csv, "POLICE,SAME,P1,asb,2024-03-01,,", "POLICE,SAME,P1,asb,2024-03-01,,")
    assert (run.rows_read, run.created, run.unchanged, run.rejected) == (2, 1, 1, 0)
    assert Event.objects.count() == 1


def test_two_rows_with_one_key_and_different_content_are_both_rejected(people, write_csv) -> None:
    run = events(
        write_csv,
        "POLICE,CLASH,P1,asb,2024-03-01,,",
        "POLICE,OTHER,P1,asb,2024-03-01,,",
        "POLICE,CLASH,P1,asb,2024-03-02,,",
    )
    assert (run.created, run.rejected) == (1, 2)
    assert list(Event.objects.values_list("event_ref", flat=True)) == ["OTHER"]
    assert sorted(run.rejected_rows.values_list("line", "column")) == [
        (2, "event_ref"),
        (4, "event_ref"),
    ]


def test_a_repeat_of_a_conflicting_row_is_rejected_too(people, write_csv) -> None:
    run = events(
        write_csv,
        "POLICE,CLASH,P1,asb,2024-03-01,,",
        "POLICE,CLASH,P1,asb,2024-03-01,,",
        "POLICE,CLASH,P1,asb,2024-03-02,,",
    )
    assert (run.created, run.unchanged, run.rejected) == (0, 0, 3)


def test_the_same_event_ref_in_two_agencies_is_two_events(people, write_csv) -> None:
    run = events(write_csv, "POLICE,X1,P1,asb,2024-03-01,,", "HSCP_CJSW,X1,C1,concern,2024-03-01,,")
    assert (run.created, run.rejected) == (2, 0)


def test_importing_the_same_file_twice_finds_every_row_unchanged(people, write_csv) -> None:
    path = write_csv(
        "events.csv",
        EVENTS_HEADER,
        "POLICE,E1,P1,offence,2024-03-01T14:05:00,violence,weapon",
        "HSCP_CJSW,E2,C1,concern,2024-07-01,,cce",
    )
    import_file("events", path)
    again = import_file("events", path)
    assert (again.rows_read, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)


def test_importing_the_same_file_twice_leaves_the_events_as_they_were(people, write_csv) -> None:
    path = write_csv(
        "events.csv",
        EVENTS_HEADER,
        "POLICE,E1,P1,offence,2024-03-01T14:05:00,violence,weapon",
        "HSCP_CJSW,E2,C1,concern,2024-07-01,,cce",
    )
    import_file("events", path)
    before = list(Event.objects.order_by("pk").values())
    import_file("events", path)
    assert list(Event.objects.order_by("pk").values()) == before
    assert not SupersededRow.objects.exists()


def test_a_changed_row_is_an_update_and_the_previous_version_is_kept(people, write_csv) -> None:
    import_file(
        "events", write_csv("a.csv", EVENTS_HEADER, "POLICE,E1,P1,offence,2024-03-01,violence,")
    )
    run = import_file(
        "events",
        write_csv("b.csv", EVENTS_HEADER, "POLICE,E1,P1,offence,2024-03-02T09:00:00,damage,"),
    )
    assert (run.created, run.updated, run.unchanged) == (0, 1, 0)
    event = Event.objects.get()
    assert (event.occurred_on, event.crime_group) == (dt.date(2024, 3, 2), "damage")
    previous = SupersededRow.objects.get()
    assert (previous.kind, previous.key, previous.run_id) == ("events", "POLICE/E1", run.pk)
    assert (previous.content["occurred_at"], previous.content["crime_group"]) == (
        "2024-03-01T00:00:00+00:00",
        "violence",
    )


def test_a_stored_row_sent_again_beside_a_conflicting_one_is_rejected_with_it(
    people, write_csv
) -> None:
    events(write_csv, "POLICE,E1,P1,custody,2024-03-01,,")
    run = events(
        write_csv, "POLICE,E1,P1,custody,2024-03-01,,", "POLICE,E1,P1,custody,2024-03-02,,"
    )
    assert (run.rejected, run.unchanged, run.updated) == (2, 0, 0)
    assert Event.objects.get().occurred_on == dt.date(2024, 3, 1)
