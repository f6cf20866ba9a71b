"""`pathways import` as scripts use it: standard output, exit codes, the quarantine file,
and the rejected rows kept in the database."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.feeds.formats import PEOPLE_COLUMNS
from pathways.feeds.models import ImportRun
from pathways.people.models import AgencyRecord

from .conftest import PEOPLE_HEADER, query, summary

# The command as a separate process, as scripts run it.


def test_prints_exactly_the_five_summary_lines(pathways_cli, write_csv) -> None:
    path = write_csv("p.csv", PEOPLE_HEADER, "POLICE,P1,Ann,Reid,,F,,", "POLICE,P2,Bob,Reid,,M,,")
    done = pathways_cli("import", "people", str(path))
    assert done.stdout.splitlines() == [
        "read: 2",
        "created: 2",
        "updated: 0",
        "unchanged: 0",
        "rejected: 0",
    ]


def test_exits_zero_when_no_row_is_rejected(pathways_cli, write_csv) -> None:
    path = write_csv("p.csv", PEOPLE_HEADER, "POLICE,P1,Ann,Reid,,F,,")
    assert pathways_cli("import", "people", str(path)).returncode == 0


def test_exits_one_when_a_row_is_rejected_and_still_imports_the_rest(
    pathways_cli, write_csv
) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Ann,Reid,2001-02-30,F,,",
        "POLICE,P2,Bob,Kerr,2001-02-03,M,,",
    )
    done = pathways_cli("import", "people", str(path))
    assert done.returncode == 1
    assert summary(done.stdout) == {
        "read": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }


def test_a_second_run_of_the_same_file_reports_every_row_unchanged(pathways_cli, write_csv) -> None:
    path = write_csv("p.csv", PEOPLE_HEADER, "POLICE,P1,Ann,Reid,,F,,", "POLICE,P2,Bob,Reid,,M,,")
    pathways_cli("import", "people", str(path), check=True)
    again = pathways_cli("import", "people", str(path))
    assert (again.returncode, summary(again.stdout)) == (
        0,
        {"read": 2, "created": 0, "updated": 0, "unchanged": 2, "rejected": 0},
    )


def test_the_quarantine_file_has_file_line_column_reason_then_the_rows_columns(
    pathways_cli, write_csv, tmp_path: Path
) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Ann,Reid,2001-02-30,F,,",
        "POLICE,P2,Bob,Kerr,2001-02-03,M,,",
        "MI5,X1,Cat,Bell,,F,,",
    )
    out = tmp_path / "rejected.csv"
    pathways_cli("import", "people", str(path), "--quarantine", str(out))
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["file", "line", "column", "reason", *PEOPLE_COLUMNS]
    assert rows[1] == [
        "people.csv",
        "2",
        "date_of_birth",
        "date_of_birth: '2001-02-30' is not a valid date (YYYY-MM-DD)",
        *["POLICE", "P1", "Ann", "Reid", "2001-02-30", "F", "", "", ""],
    ]
    assert rows[2][:3] == ["people.csv", "4", "agency"]
    assert rows[2][4:6] == ["MI5", "X1"]
    assert len(rows) == 3


def test_a_file_with_an_unknown_column_is_refused_naming_it_and_exits_non_zero(
    pathways_cli, write_csv
) -> None:
    path = write_csv("p.csv", "agency,person_ref,surname", "POLICE,P1,Reid")
    done = pathways_cli("import", "people", str(path))
    assert done.returncode == 2
    assert "unknown column(s) 'surname'" in done.stderr
    assert "required column(s) missing: family_name" in done.stderr


def test_a_refused_file_stores_nothing(pathways_cli, write_csv) -> None:
    path = write_csv("p.csv", PEOPLE_HEADER + ",shoe_size", "POLICE,P1,Ann,Reid,,F,,,9")
    pathways_cli("import", "people", str(path))
    assert query(pathways_cli.url, "SELECT COUNT(*) FROM people_agencyrecord") == [(0,)]
    assert query(pathways_cli.url, "SELECT status FROM events_importrun") == [("failed",)]


# The same command in this process (faster), for what it records.


def run_import(*args: str) -> tuple[int, str]:
    """Run `pathways import ARGS…` here: (exit status, standard output)."""
    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.mark.django_db
def test_rejected_rows_are_kept_as_rows_of_the_import_run(write_csv) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Ann,Reid,2001-02-30,F,,",
        "POLICE,P2,Bob,Kerr,2001-02-03,M,,",
    )
    status, _ = run_import("people", str(path))
    assert status == 1
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.rows_read, run.created, run.rejected) == (
        "people",
        ImportRun.Status.FINISHED,
        2,
        1,
        1,
    )
    assert run.operator.startswith("cli")
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (2, "date_of_birth")
    assert rejected.row == {
        "agency": "POLICE",
        "person_ref": "P1",
        "given_name": "Ann",
        "family_name": "Reid",
        "date_of_birth": "2001-02-30",
        "sex": "F",
        "postcode": "",
        "area": "",
        "address": "",
    }


@pytest.mark.django_db
def test_a_header_only_file_exits_zero_and_does_nothing(write_csv) -> None:
    status, out = run_import("people", str(write_csv("people.csv", PEOPLE_HEADER)))
    assert status == 0
    assert out.splitlines() == [
        "read: 0",
        "created: 0",
        "updated: 0",
        "unchanged: 0",
        "rejected: 0",
    ]
    assert AgencyRecord.objects.count() == 0


@pytest.mark.django_db
def test_a_file_of_zero_bytes_is_refused_with_a_non_zero_exit(tmp_path: Path) -> None:
    empty = tmp_path / "people.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError) as refused:
        call_command("import", "people", str(empty), stdout=io.StringIO())
    assert refused.value.returncode == 2
    assert ImportRun.objects.get().error.startswith("people.csv is empty (zero bytes)")


@pytest.mark.django_db
def test_several_files_are_summed_in_one_summary(write_csv) -> None:
    first = write_csv("a.csv", PEOPLE_HEADER, "POLICE,P1,Ann,Reid,,F,,")
    second = write_csv("b.csv", PEOPLE_HEADER, "POLICE,P1,Ann,Reid,,F,,", "POLICE,P2,Bo,Kerr,,M,,")
    status, out = run_import("people", str(first), str(second))
    assert (status, summary(out)) == (
        0,
        {"read": 3, "created": 2, "updated": 0, "unchanged": 1, "rejected": 0},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["=HYPERLINK(x)", "+44 141", "-Smith", "@SUM(A1)"])
def test_a_value_starting_like_a_formula_is_neutralised_in_the_quarantine_file(
    write_csv, tmp_path: Path, value: str
) -> None:
    path = write_csv("people.csv", PEOPLE_HEADER, f"POLICE,P1,Ann,{value},31/01/2001,F,,")
    out = tmp_path / "rejected.csv"
    run_import("people", str(path), "--quarantine", str(out))
    with out.open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["family_name"] == "'" + value
    assert row["given_name"] == "Ann"
    assert ImportRun.objects.get().rejected_rows.get().row["family_name"] == value


@pytest.mark.django_db
def test_a_value_starting_like_a_formula_is_kept_as_data_by_the_command(write_csv) -> None:
    path = write_csv("people.csv", PEOPLE_HEADER, "POLICE,P1,=1+2,-Smith,,F,,")
    run_import("people", str(path))
    record = AgencyRecord.objects.get()
    assert (record.given_name, record.family_name) == ("=1+2", "-Smith")
