"""events.csv: validation, time zones, idempotency and conflicts in the staged merge."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.events.imports.runner import import_file
from pathways.events.models import Event, SupersededRow

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


def test_events_land_on_the_person_of_their_agency_record(people, write_csv) -> None:
    run = import_file(
        "events",
        write_csv(
            "events.csv",
            EVENTS_HEADER,
            "POLICE,E1,P1,offence,2024-03-01T14:05:00,dishonesty,substance",
            "POLICE,E2,P1,custody,2024-03-01,,",
        ),
    )
    assert (run.created, run.rejected) == (2, 0)
    offence = Event.objects.get(event_ref="E1")
    assert offence.person_id == offence.record.person_id
    assert offence.flags == "substance" and offence.crime_group == "dishonesty"


def test_local_time_is_europe_london_and_the_date_is_the_local_date(people, write_csv) -> None:
    import_file(
        "events",
        write_csv(
            "events.csv",
            EVENTS_HEADER,
            "POLICE,WINTER,P1,custody,2024-01-15T14:05:00,,",
            "POLICE,SUMMER,P1,custody,2024-07-01T00:30:00,,",
            "POLICE,OFFSET,P1,custody,2024-07-01T00:30:00+00:00,,",
        ),
    )
    winter = Event.objects.get(event_ref="WINTER")
    assert winter.occurred_at == dt.datetime(2024, 1, 15, 14, 5, tzinfo=dt.UTC)
    summer = Event.objects.get(event_ref="SUMMER")
    assert summer.occurred_at == dt.datetime(2024, 6, 30, 23, 30, tzinfo=dt.UTC)
    assert summer.occurred_on == dt.date(2024, 7, 1)
    offset = Event.objects.get(event_ref="OFFSET")
    assert offset.occurred_at == dt.datetime(2024, 7, 1, 0, 30, tzinfo=dt.UTC)
    assert offset.occurred_on == dt.date(2024, 7, 1)  # 01:30 in London


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("POLICE,E1,NOBODY,offence,2024-03-01,violence,", "person_ref", "not a person_ref"),
        ("POLICE,E1,C1,offence,2024-03-01,violence,", "person_ref", "not a person_ref"),
        ("NOPE,E1,P1,offence,2024-03-01,violence,", "agency", "not a known agency"),
        ("POLICE,E1,P1,burglary,2024-03-01,violence,", "kind", "not a known event kind"),
        ("POLICE,E1,P1,offence,2024-03-01,theft,", "crime_group", "not a known crime group"),
        ("POLICE,E1,P1,offence,2024-03-01,,", "crime_group", "required for an event of kind"),
        ("POLICE,E1,P1,offence,01/03/2024,violence,", "occurred_at", "not a valid date"),
        ("POLICE,E1,P1,offence,2024-03-01,violence,drunk", "flags", "unknown flag"),
    ],
)
def test_a_bad_row_is_rejected_naming_its_column(people, write_csv, row, column, words) -> None:
    run = import_file(
        "events",
        write_csv("events.csv", EVENTS_HEADER, "POLICE,GOOD,P1,asb,2024-03-01,,", row),
    )
    assert (run.created, run.rejected) == (1, 1)
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (3, column)
    assert words in rejected.reason


def test_a_conviction_needs_a_disposal(people, write_csv) -> None:
    header = "agency,event_ref,person_ref,kind,occurred_at,crime_group,disposal,offence_date"
    run = import_file(
        "events",
        write_csv(
            "events.csv",
            header,
            "HSCP_CJSW,V1,C1,conviction,2024-05-01,violence,cpo,2024-03-01",
            "HSCP_CJSW,V2,C1,conviction,2024-05-01,violence,,",
        ),
    )
    assert (run.created, run.rejected) == (1, 1)
    assert Event.objects.get(event_ref="V1").offence_date == dt.date(2024, 3, 1)
    assert run.rejected_rows.get().column == "disposal"


def test_reimport_is_unchanged_and_a_changed_row_keeps_its_previous_version(
    people, write_csv
) -> None:
    first = write_csv("a.csv", EVENTS_HEADER, "POLICE,E1,P1,offence,2024-03-01,violence,")
    import_file("events", first)
    again = import_file("events", first)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    changed = write_csv("b.csv", EVENTS_HEADER, "POLICE,E1,P1,offence,2024-03-02,violence,")
    run = import_file("events", changed)
    assert (run.created, run.updated, run.unchanged) == (0, 1, 0)
    assert Event.objects.get(event_ref="E1").occurred_on == dt.date(2024, 3, 2)
    previous = SupersededRow.objects.get(kind="events", key="POLICE/E1")
    assert previous.content["occurred_at"].startswith("2024-03-01T00:00:00")


def test_repeated_keys_in_one_file(people, write_csv) -> None:
    run = import_file(
        "events",
        write_csv(
            "events.csv",
            EVENTS_HEADER,
            "POLICE,SAME,P1,asb,2024-03-01,,",
            "POLICE,SAME,P1,asb,2024-03-01,,",
            "POLICE,CLASH,P1,asb,2024-03-01,,",
            "POLICE,CLASH,P1,asb,2024-03-02,,",
        ),
    )
    assert (run.rows_read, run.created, run.unchanged, run.rejected) == (4, 1, 1, 2)
    assert sorted(run.rejected_rows.values_list("line", flat=True)) == [4, 5]
    assert not Event.objects.filter(event_ref="CLASH").exists()
