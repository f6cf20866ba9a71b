"""people.csv: row-level validation, repeated keys, idempotency and history.

(Identity linkage of the imported records is tested in tests/linkage/test_linkage.py.)
"""

from __future__ import annotations

import pytest

from pathways.feeds.models import SupersededRow
from pathways.feeds.runner import import_file
from pathways.people.models import AgencyRecord, Person

from .conftest import PEOPLE_HEADER

pytestmark = pytest.mark.django_db


def people(write_csv, *rows: str, header: str = PEOPLE_HEADER):
    return import_file("people", write_csv("people.csv", header, *rows))


def test_a_row_lands_as_an_agency_record_with_its_values(write_csv) -> None:
    people(write_csv, "POLICE,P1,Jamie,McDonald,2004-03-12,M,G31 2AB,NE")
    record = AgencyRecord.objects.get(agency="POLICE", person_ref="P1")
    assert (record.given_name, record.family_name, record.sex, record.area_id) == (
        "Jamie",
        "McDonald",
        "M",
        "NE",
    )
    assert record.date_of_birth.isoformat() == "2004-03-12"


def test_a_postcode_is_stored_upper_case_with_a_single_space(write_csv) -> None:
    people(write_csv, "POLICE,P1,Jamie,McDonald,,M, g31  2ab ,")
    assert AgencyRecord.objects.get().postcode == "G31 2AB"


def test_a_bad_date_rejects_its_row_with_line_and_column_and_the_good_rows_land(
    write_csv,
) -> None:
    run = people(
        write_csv,
        "POLICE,P1,Jamie,McDonald,2004-03-12,M,,",
        "POLICE,P2,Anne,Smith,31/02/2001,F,,",
        "POLICE,P3,Iain,Reid,2001-02-03,M,,",
    )
    assert (run.rows_read, run.created, run.rejected) == (3, 2, 1)
    assert sorted(AgencyRecord.objects.values_list("person_ref", flat=True)) == ["P1", "P3"]
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (3, "date_of_birth")
    assert rejected.reason == "date_of_birth: '31/02/2001' is not a valid date (YYYY-MM-DD)"
    assert rejected.row["person_ref"] == "P2"


def test_a_date_that_does_not_exist_is_a_bad_date(write_csv) -> None:
    run = people(write_csv, "POLICE,P1,Anne,Smith,2001-02-30,F,,")
    assert run.rejected_rows.get().reason == (
        "date_of_birth: '2001-02-30' is not a valid date (YYYY-MM-DD)"
    )


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("MI5,X1,Ann,Smith,,F,,", "agency", "'MI5' is not a known agency"),
        ("POLICE,P1,Ann,Smith,,F,,ZZ", "area", "'ZZ' is not a known area"),
        ("POLICE,P1,Ann,Smith,,Q,,", "sex", "'Q' is not a known sex (M, F, X or U)"),
        ("POLICE,P1,Ann,Smith,,F,NOT A POSTCODE,", "postcode", "'NOT A POSTCODE' is not a UK"),
        ("POLICE,P1,Ann,,,F,,", "family_name", "family_name: is required"),
        ("POLICE,,Ann,Smith,,F,,", "person_ref", "person_ref: is required"),
    ],
)
def test_a_bad_value_is_a_rejected_row_not_a_new_record(write_csv, row, column, reason) -> None:
    run = people(write_csv, row)
    assert (run.created, run.rejected) == (0, 1)
    rejected = run.rejected_rows.get()
    assert rejected.column == column
    assert reason in rejected.reason
    assert AgencyRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("column", "limit"),
    [("person_ref", 64), ("given_name", 200), ("family_name", 200), ("address", 500)],
)
def test_a_value_at_its_length_limit_is_kept(write_csv, column: str, limit: int) -> None:
    header = "agency,person_ref,given_name,family_name,address"
    row = {"agency": "POLICE", "person_ref": "P1", "given_name": "", "family_name": "Smith"}
    row[column] = "x" * limit
    run = people(write_csv, ",".join(row.get(c, "") for c in header.split(",")), header=header)
    assert run.created == 1
    assert len(getattr(AgencyRecord.objects.get(), column)) == limit


@pytest.mark.parametrize(
    ("column", "limit"),
    [("person_ref", 64), ("given_name", 200), ("family_name", 200), ("address", 500)],
)
def test_a_value_one_over_its_length_limit_is_a_rejected_row(
    write_csv, column: str, limit: int
) -> None:
    header = "agency,person_ref,given_name,family_name,address"
    row = {"agency": "POLICE", "person_ref": "P1", "given_name": "", "family_name": "Smith"}
    row[column] = "x" * (limit + 1)
    run = people(write_csv, ",".join(row.get(c, "") for c in header.split(",")), header=header)
    assert (run.created, run.rejected) == (0, 1)
    rejected = run.rejected_rows.get()
    assert rejected.column == column
    assert rejected.reason == (
        f"{column}: is {limit + 1} characters long; at most {limit} are allowed"
    )


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+44 141", "-Smith", "@SUM(A1)"])
def test_a_value_starting_like_a_formula_is_kept_exactly_as_data(write_csv, value: str) -> None:
    quoted = '"' + value.replace('"', '""') + '"'
    run = people(write_csv, f"POLICE,P1,Ann,{quoted},,F,,")
    assert run.created == 1
    assert AgencyRecord.objects.get().family_name == value


def test_two_identical_rows_count_once_and_the_second_is_unchanged(write_csv) -> None:
    run = people(write_csv, "POLICE,P1,Ann,Smith,,F,,", "POLICE,P1,Ann,Smith,,F,,")
    assert (run.rows_read, run.created, run.unchanged, run.rejected) == (2, 1, 1, 0)
    assert AgencyRecord.objects.count() == 1


def test_two_rows_with_one_key_and_different_content_are_both_rejected(write_csv) -> None:
    run = people(
        write_csv,
        "POLICE,P1,Ann,Smith,,F,,",
        "POLICE,P2,Bob,Jones,,M,,",
        "POLICE,P1,Ann,Smyth,,F,,",
    )
    assert (run.created, run.rejected) == (1, 2)
    assert list(AgencyRecord.objects.values_list("person_ref", flat=True)) == ["P2"]
    assert sorted(run.rejected_rows.values_list("line", "column")) == [
        (2, "person_ref"),
        (4, "person_ref"),
    ]
    assert "conflicts with another row of the file" in run.rejected_rows.first().reason


def test_a_repeat_of_a_conflicting_row_is_rejected_too(write_csv) -> None:
    run = people(
        write_csv,
        "POLICE,P1,Ann,Smith,,F,,",
        "POLICE,P1,Ann,Smith,,F,,",
        "POLICE,P1,Ann,Smyth,,F,,",
    )
    assert (run.created, run.unchanged, run.rejected) == (0, 0, 3)
    assert sorted(run.rejected_rows.values_list("line", flat=True)) == [2, 3, 4]


def test_importing_the_same_file_twice_finds_every_row_unchanged(write_csv) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Jamie,McDonald,2004-03-12,M,G31 2AB,NE",
        "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M,,",
    )
    import_file("people", path)
    again = import_file("people", path)
    assert (again.rows_read, again.created, again.updated, again.unchanged) == (2, 0, 0, 2)


def test_importing_the_same_file_twice_leaves_the_database_as_it_was(write_csv) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Jamie,McDonald,2004-03-12,M,G31 2AB,NE",
        "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M,,",
    )
    import_file("people", path)
    records = list(AgencyRecord.objects.order_by("pk").values())
    persons = list(Person.objects.order_by("pk").values())
    import_file("people", path)
    assert list(AgencyRecord.objects.order_by("pk").values()) == records
    assert list(Person.objects.order_by("pk").values()) == persons
    assert not SupersededRow.objects.exists()


def test_a_changed_row_is_an_update_and_the_previous_version_is_kept(write_csv) -> None:
    import_file("people", write_csv("a.csv", PEOPLE_HEADER, "POLICE,P1,Jamie,Reid,2004-03-12,M,,"))
    run = import_file(
        "people", write_csv("b.csv", PEOPLE_HEADER, "POLICE,P1,Jamie,Reid,2004-03-12,M,G31 2AB,")
    )
    assert (run.created, run.updated, run.unchanged) == (0, 1, 0)
    assert AgencyRecord.objects.get().postcode == "G31 2AB"
    previous = SupersededRow.objects.get()
    assert (previous.kind, previous.key, previous.run_id) == ("people", "POLICE/P1", run.pk)
    assert previous.content == {
        "agency": "POLICE",
        "person_ref": "P1",
        "given_name": "Jamie",
        "family_name": "Reid",
        "date_of_birth": "2004-03-12",
        "sex": "M",
        "postcode": "",
        "area": "",
        "address": "",
    }


def test_the_same_person_ref_in_two_agencies_is_two_records(write_csv) -> None:
    run = people(write_csv, "POLICE,X1,Ann,Smith,,F,,", "HSCP_CJSW,X1,Bob,Jones,,M,,")
    assert (run.created, run.rejected) == (2, 0)
