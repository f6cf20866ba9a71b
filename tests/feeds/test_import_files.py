"""Rules every interchange file follows, whatever its format: the header, the encoding,
and physical line numbers (INTERCHANGE.md, "All files")."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.events.models import Event
from pathways.feeds.csvfile import FileRefused
from pathways.feeds.models import ImportRun
from pathways.feeds.runner import import_file
from pathways.people.models import AgencyRecord
from pathways.referrals.models import Referral

from .conftest import EVENTS_HEADER, PEOPLE_HEADER, REFERRALS_HEADER

pytestmark = pytest.mark.django_db

# One good row of each format, for a person POLICE/P1 (imported by the `person` fixture).
GOOD = {
    "people": (PEOPLE_HEADER, "POLICE,P2,Ann,Reid,,F,,"),
    "events": (EVENTS_HEADER, "POLICE,E1,P1,asb,2024-03-01,,"),
    "referrals": (REFERRALS_HEADER, "R1,POLICE,P1,ADAPT,2024-01-10,,,,,,"),
}
STORED = {
    "people": lambda: AgencyRecord.objects.exclude(person_ref="P1").count(),
    "events": lambda: Event.objects.count(),
    "referrals": lambda: Referral.objects.count(),
}


@pytest.fixture
def person(write_csv) -> None:
    import_file("people", write_csv("p1.csv", PEOPLE_HEADER, "POLICE,P1,Ryan,Kerr,2006-01-01,M,,"))


@pytest.mark.parametrize("kind", ["people", "events", "referrals"])
def test_an_unknown_column_refuses_the_whole_file_naming_the_column(
    person, write_csv, kind: str
) -> None:
    header, row = GOOD[kind]
    path = write_csv(f"{kind}.csv", header + ",shoe_size", row + ",9")
    with pytest.raises(FileRefused, match="unknown column.*'shoe_size'"):
        import_file(kind, path)
    assert STORED[kind]() == 0


def test_a_misspelt_column_is_named_as_unknown_and_the_one_it_replaced_as_missing(
    write_csv,
) -> None:
    path = write_csv("people.csv", "agency,person_ref,surname", "POLICE,P1,Reid")
    with pytest.raises(FileRefused) as refused:
        import_file("people", path)
    assert "'surname'" in str(refused.value)
    assert "required column(s) missing: family_name" in str(refused.value)


def test_a_refused_file_is_recorded_as_a_failed_run_with_the_reason(write_csv) -> None:
    path = write_csv("people.csv", PEOPLE_HEADER + ",shoe_size", "POLICE,P1,A,B,,M,,,9")
    with pytest.raises(FileRefused):
        import_file("people", path)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "'shoe_size'" in run.error
    assert run.rows_read == 0


@pytest.mark.parametrize(
    ("kind", "header", "missing"),
    [
        ("people", "agency,person_ref,given_name", "family_name"),
        ("events", "agency,event_ref,person_ref,kind", "occurred_at"),
        ("referrals", "referral_ref,agency,person_ref,service", "referred_on"),
    ],
)
def test_a_missing_required_column_refuses_the_file_naming_it(
    write_csv, kind: str, header: str, missing: str
) -> None:
    path = write_csv(f"{kind}.csv", header, ",".join("x" for _ in header.split(",")))
    with pytest.raises(FileRefused, match=f"required column\\(s\\) missing: {missing}$"):
        import_file(kind, path)


def test_a_file_of_zero_bytes_is_refused_whole(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileRefused, match="empty.csv is empty"):
        import_file("people", empty)


def test_a_file_whose_first_line_is_blank_has_no_header_and_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("\nagency,person_ref,family_name\nPOLICE,P1,Reid\n", encoding="utf-8")
    with pytest.raises(FileRefused, match="no header row"):
        import_file("people", path)
    assert AgencyRecord.objects.count() == 0


def test_a_header_only_file_is_valid_and_does_nothing(write_csv) -> None:
    run = import_file("people", write_csv("people.csv", PEOPLE_HEADER))
    assert run.status == ImportRun.Status.FINISHED
    assert (run.rows_read, run.created, run.rejected) == (0, 0, 0)
    assert AgencyRecord.objects.count() == 0


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(b"\xef\xbb\xbfagency,person_ref,family_name\nPOLICE,P1,Reid\n")
    run = import_file("people", path)
    assert (run.created, run.rejected) == (1, 0)
    assert AgencyRecord.objects.get(agency="POLICE", person_ref="P1").family_name == "Reid"


def test_columns_may_come_in_any_order(write_csv) -> None:
    path = write_csv(
        "people.csv", "date_of_birth,family_name,person_ref,agency", "2001-02-03,Reid,P1,POLICE"
    )
    import_file("people", path)
    record = AgencyRecord.objects.get()
    assert (record.agency_id, record.person_ref, record.family_name) == ("POLICE", "P1", "Reid")
    assert record.date_of_birth.isoformat() == "2001-02-03"


def test_optional_columns_left_out_of_the_header_read_as_empty(write_csv) -> None:
    import_file(
        "people", write_csv("people.csv", "agency,person_ref,family_name", "POLICE,P1,Reid")
    )
    record = AgencyRecord.objects.get()
    assert (record.given_name, record.date_of_birth, record.postcode, record.area_id) == (
        "",
        None,
        "",
        None,
    )


def test_bytes_that_are_not_utf8_reject_only_their_row(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(
        b"agency,person_ref,family_name\nPOLICE,P1,Reid\nPOLICE,P2,M\xfcller\nPOLICE,P3,Kerr\n"
    )
    run = import_file("people", path)
    assert (run.rows_read, run.created, run.rejected) == (3, 2, 1)
    assert sorted(AgencyRecord.objects.values_list("person_ref", flat=True)) == ["P1", "P3"]
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (3, "family_name")
    assert rejected.reason == "family_name: contains bytes that are not valid UTF-8"


def test_a_row_with_bytes_that_are_not_utf8_is_kept_with_the_bytes_shown(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(b"agency,person_ref,family_name\nPOLICE,P2,M\xfcller\n")
    run = import_file("people", path)
    assert run.rejected_rows.get().row["family_name"] == "M\\xfcller"


def test_line_numbers_are_physical_lines_after_a_quoted_multi_line_value(write_csv) -> None:
    path = write_csv(
        "people.csv",
        "agency,person_ref,family_name,address",
        'POLICE,P1,Reid,"1 Duke Street\nGlasgow\nG31 1AA"',  # lines 2 to 4
        "POLICE,P2,Kerr,",  # line 5
        "POLICE,P3,Bell,",  # line 6
        "POLICE,,Bell,",  # line 7: no person_ref
    )
    run = import_file("people", path)
    assert (run.created, run.rejected) == (3, 1)
    assert run.rejected_rows.get().line == 7
    assert AgencyRecord.objects.get(person_ref="P1").address == "1 Duke Street\nGlasgow\nG31 1AA"


def test_blank_lines_are_not_rows_but_still_count_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "agency,person_ref,family_name\nPOLICE,P1,Reid\n\nPOLICE,,Kerr\n", encoding="utf-8"
    )
    run = import_file("people", path)
    assert (run.rows_read, run.created) == (2, 1)
    assert run.rejected_rows.get().line == 4


def test_a_row_with_too_many_values_is_rejected_saying_how_many(write_csv) -> None:
    path = write_csv(
        "people.csv", "agency,person_ref,family_name", "POLICE,P1,Reid", "POLICE,P2,Kerr,extra"
    )
    run = import_file("people", path)
    assert (run.created, run.rejected) == (1, 1)
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.reason) == (3, "has 4 values but the header has 3 columns")
