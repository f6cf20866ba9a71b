"""people.csv: row-level validation, idempotency, history and identity."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.events.imports.csvfile import FileRefused
from pathways.events.imports.runner import import_file
from pathways.events.models import ImportRun, SupersededRow
from pathways.people.models import AgencyRecord, Person

from .conftest import PEOPLE_HEADER

pytestmark = pytest.mark.django_db


def test_good_rows_land_and_bad_rows_are_rejected_with_line_and_column(write_csv) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Jamie,McDonald,2004-03-12,M,g312ab,NE",
        "POLICE,P2,Anne,Smith,31/02/2001,F,,",
        "POLICE,P3,Iain,Reid,2001-02-03,M,,",
    )
    run = import_file("people", path)
    assert (run.rows_read, run.created, run.rejected) == (3, 2, 1)
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (3, "date_of_birth")
    assert "'31/02/2001' is not a valid date" in rejected.reason
    assert rejected.row["person_ref"] == "P2"
    assert AgencyRecord.objects.get(person_ref="P1").postcode == "G31 2AB"


def test_importing_the_same_file_twice_changes_nothing(write_csv) -> None:
    path = write_csv("people.csv", PEOPLE_HEADER, "POLICE,P1,Jamie,McDonald,2004-03-12,M,,NE")
    import_file("people", path)
    before = list(AgencyRecord.objects.values())
    again = import_file("people", path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    after = list(AgencyRecord.objects.values())
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in before] == [
        {k: v for k, v in r.items() if k != "updated_at"} for r in after
    ]


def test_a_changed_row_is_an_update_and_the_previous_version_is_kept(write_csv) -> None:
    import_file("people", write_csv("a.csv", PEOPLE_HEADER, "POLICE,P1,Jamie,Reid,2004-03-12,M,,"))
    run = import_file(
        "people", write_csv("b.csv", PEOPLE_HEADER, "POLICE,P1,Jamie,Reid,2004-03-12,M,G31 2AB,")
    )
    assert (run.created, run.updated) == (0, 1)
    assert AgencyRecord.objects.get(person_ref="P1").postcode == "G31 2AB"
    previous = SupersededRow.objects.get(kind="people", key="POLICE/P1")
    assert previous.content["postcode"] == ""


def test_records_in_two_agencies_with_the_same_name_and_birth_date_are_one_person(
    write_csv,
) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Seán,O'Neill,1999-05-06,M,,",
        "HSCP_CJSW,C1,sean,ONEILL,1999-05-06,M,,",
        "HSCP_CJSW,C2,Sean,O'Neill,,M,,",
    )
    import_file("people", path)
    police = AgencyRecord.objects.get(person_ref="P1")
    cjsw = AgencyRecord.objects.get(person_ref="C1")
    assert police.person_id == cjsw.person_id
    assert (police.link_method, cjsw.link_method) == ("exact", "exact")
    # No date of birth: too little to link on.
    assert AgencyRecord.objects.get(person_ref="C2").person_id != police.person_id
    assert Person.objects.count() == 2


def test_two_records_of_one_agency_are_never_merged(write_csv) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Anne,Smith,1990-01-01,F,,",
        "POLICE,P2,Anne,Smith,1990-01-01,F,,",
    )
    import_file("people", path)
    assert Person.objects.count() == 2


@pytest.mark.parametrize(
    ("column", "value", "limit"),
    [("person_ref", "R", 64), ("family_name", "F", 200), ("address", "A", 500)],
)
def test_values_at_their_length_limit_are_kept_and_one_longer_rejected(
    write_csv, column: str, value: str, limit: int
) -> None:
    header = "agency,person_ref,family_name,address"
    base = {"agency": "POLICE", "person_ref": "P1", "family_name": "Smith", "address": ""}
    rows = []
    for n, length in enumerate((limit, limit + 1), start=1):
        row = dict(base, person_ref=f"P{n}")
        row[column] = value * length if column != "person_ref" else value * (length - 1) + str(n)
        rows.append(",".join(row[c] for c in header.split(",")))
    run = import_file("people", write_csv("long.csv", header, *rows))
    assert (run.created, run.rejected) == (1, 1)
    rejected = run.rejected_rows.get()
    assert rejected.line == 3 and rejected.column == column
    assert f"at most {limit}" in rejected.reason


def test_unknown_agency_and_area_are_rejected_rows_not_new_records(write_csv) -> None:
    run = import_file(
        "people",
        write_csv(
            "people.csv", PEOPLE_HEADER, "MI5,X1,Ann,Smith,,F,,", "POLICE,P1,Ann,Smith,,F,,ZZ"
        ),
    )
    assert run.rejected == 2 and run.created == 0
    reasons = {r.column: r.reason for r in run.rejected_rows.all()}
    assert "'MI5' is not a known agency" in reasons["agency"]
    assert "'ZZ' is not a known area" in reasons["area"]


def test_formula_like_values_are_kept_exactly_as_data(write_csv) -> None:
    run = import_file(
        "people", write_csv("people.csv", PEOPLE_HEADER, "POLICE,P1,=cmd|calc,-Smith,,M,,")
    )
    assert run.created == 1
    record = AgencyRecord.objects.get(person_ref="P1")
    assert (record.given_name, record.family_name) == ("=cmd|calc", "-Smith")


def test_a_file_of_zero_bytes_is_refused_whole(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileRefused, match="empty"):
        import_file("people", empty)
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_an_unknown_column_refuses_the_file_and_names_the_column(write_csv) -> None:
    path = write_csv("people.csv", PEOPLE_HEADER + ",shoe_size", "POLICE,P1,A,B,,M,,,9")
    with pytest.raises(FileRefused, match="'shoe_size'"):
        import_file("people", path)
    assert AgencyRecord.objects.count() == 0


def test_a_missing_required_column_refuses_the_file(write_csv) -> None:
    with pytest.raises(FileRefused, match="family_name"):
        import_file("people", write_csv("people.csv", "agency,person_ref", "POLICE,P1"))


def test_a_header_only_file_is_valid_and_does_nothing(write_csv) -> None:
    run = import_file("people", write_csv("people.csv", PEOPLE_HEADER))
    assert (run.rows_read, run.rejected, run.status) == (0, 0, ImportRun.Status.FINISHED)


def test_a_bom_columns_in_any_order_and_left_out_optional_columns(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("\ufefffamily_name,person_ref,agency\nReid,P1,POLICE\n".encode())
    run = import_file("people", path)
    assert run.created == 1
    assert AgencyRecord.objects.get(person_ref="P1").date_of_birth is None


def test_bytes_that_are_not_utf8_reject_only_their_row(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(
        b"agency,person_ref,family_name\nPOLICE,P1,Reid\nPOLICE,P2,M\xfcller\nPOLICE,P3,Kerr\n"
    )
    run = import_file("people", path)
    assert (run.created, run.rejected) == (2, 1)
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (3, "family_name")
    assert "not valid UTF-8" in rejected.reason


def test_line_numbers_are_physical_lines_after_a_quoted_multi_line_value(write_csv) -> None:
    path = write_csv(
        "people.csv",
        "agency,person_ref,family_name,address",
        'POLICE,P1,Reid,"1 Duke Street\nGlasgow"',
        "POLICE,P2,Kerr,",
        "POLICE,,Bell,",
    )
    run = import_file("people", path)
    assert run.rejected_rows.get().line == 5


def test_two_rows_with_one_key_and_different_content_are_both_rejected(write_csv) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Ann,Smith,,F,,",
        "POLICE,P2,Bob,Jones,,M,,",
        "POLICE,P1,Ann,Smyth,,F,,",
        "POLICE,P2,Bob,Jones,,M,,",
    )
    run = import_file("people", path)
    assert (run.created, run.unchanged, run.rejected) == (1, 1, 2)
    assert sorted(run.rejected_rows.values_list("line", flat=True)) == [2, 4]
    assert not AgencyRecord.objects.filter(person_ref="P1").exists()


def test_a_row_with_too_many_values_is_rejected_saying_how_many(write_csv) -> None:
    path = write_csv(
        "people.csv", "agency,person_ref,family_name", "POLICE,P1,Reid", "POLICE,P2,Kerr,extra"
    )
    run = import_file("people", path)
    assert (run.created, run.rejected) == (1, 1)
    assert run.rejected_rows.get().reason == "has 4 values but the header has 3 columns"
