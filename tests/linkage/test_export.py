"""`pathways export persons`: which records belong to which person, exactly as stored."""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.feeds.runner import import_file
from pathways.linkage.internals.export import COLUMNS, format_confidence, iter_persons_rows
from pathways.people.models import AgencyRecord, Person
from pathways.setup.configuration import apply_config, load_config

pytestmark = pytest.mark.django_db

HEADER = "person_id,agency,person_ref,link_confidence,link_method"


@pytest.fixture(autouse=True)
def partnership(db: None) -> None:
    """The Glasgow configuration (idempotent: tests/conftest.py may have loaded it)."""
    apply_config(load_config(settings.PATHWAYS_CONFIG_DIR))


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", "persons", *args, stdout=out)
    return out.getvalue()


def record(person: Person, agency: str, ref: str, method: str, confidence: float) -> None:
    AgencyRecord.objects.create(
        agency_id=agency,
        person_ref=ref,
        person=person,
        family_name="Reid",
        link_method=method,
        link_confidence=confidence,
        content_hash="x",
    )


def test_linked_records_share_a_person_with_the_links_confidence_and_a_lone_record_is_single(
    tmp_path,
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "agency,person_ref,given_name,family_name,date_of_birth\n"
        "POLICE,P1,Jamie,McDonald,2004-03-12\n"
        "HSCP_CJSW,C1,Jamie,Mcdonald,2004-03-12\n"
        "POLICE,P2,Ann,Reid,\n",
        encoding="utf-8",
    )
    import_file("people", people)
    jamie = AgencyRecord.objects.get(person_ref="P1").person_id
    ann = AgencyRecord.objects.get(person_ref="P2").person_id
    confidence = AgencyRecord.objects.get(person_ref="P1").link_confidence
    assert 0.9 <= confidence < 1
    shown = format_confidence(confidence)
    assert float(shown) == confidence
    assert export().splitlines() == [
        HEADER,
        f"{jamie},HSCP_CJSW,C1,{shown},probabilistic",
        f"{jamie},POLICE,P1,{shown},probabilistic",
        f"{ann},POLICE,P2,1,single",
    ]
    assert jamie != ann


def test_rows_are_ordered_by_person_agency_and_reference() -> None:
    first, second = Person.objects.create(), Person.objects.create()
    record(second, "POLICE", "B", "single", 1.0)
    record(first, "POLICE", "Z9", "probabilistic", 0.9)
    record(first, "HSCP_CJSW", "X", "reviewed", 1.0)
    record(first, "POLICE", "A1", "probabilistic", 0.9)
    rows = [(r["person_id"], r["agency"], r["person_ref"]) for r in iter_persons_rows()]
    assert rows == [
        (first.pk, "HSCP_CJSW", "X"),
        (first.pk, "POLICE", "A1"),
        (first.pk, "POLICE", "Z9"),
        (second.pk, "POLICE", "B"),
    ]


def test_values_are_written_exactly_as_stored_not_neutralised() -> None:
    person = Person.objects.create()
    record(person, "POLICE", "=HYPERLINK(1)", "probabilistic", 0.8734)
    record(person, "SACRO", "-42", "probabilistic", 0.123456789012)
    record(person, "TPS", 'a "quoted", ref', "reviewed", 1.0)
    rows = list(csv.reader(io.StringIO(export())))
    assert rows == [
        list(COLUMNS),
        [str(person.pk), "POLICE", "=HYPERLINK(1)", "0.8734", "probabilistic"],
        [str(person.pk), "SACRO", "-42", "0.123456789012", "probabilistic"],
        [str(person.pk), "TPS", 'a "quoted", ref', "1", "reviewed"],
    ]


def test_iter_persons_rows_gives_dicts_of_the_stored_values() -> None:
    person = Person.objects.create()
    record(person, "POLICE", "P7", "probabilistic", 0.5)
    assert list(iter_persons_rows()) == [
        {
            "person_id": person.pk,
            "agency": "POLICE",
            "person_ref": "P7",
            "link_confidence": 0.5,
            "link_method": "probabilistic",
        }
    ]


@pytest.mark.parametrize(
    ("value", "text"), [(1.0, "1"), (0.0, "0"), (0.5, "0.5"), (0.1 + 0.2, "0.30000000000000004")]
)
def test_a_confidence_reads_back_as_the_same_number(value, text) -> None:
    assert format_confidence(value) == text
    assert float(text) == value


def test_an_empty_database_exports_the_header_only() -> None:
    assert export() == HEADER + "\n"


def test_out_writes_the_file_and_says_how_many_rows(tmp_path) -> None:
    person = Person.objects.create()
    record(person, "POLICE", "P1", "single", 1.0)
    target = tmp_path / "persons.csv"
    err = io.StringIO()
    call_command("export", "persons", "--out", str(target), stdout=io.StringIO(), stderr=err)
    assert target.read_text(encoding="utf-8") == f"{HEADER}\n{person.pk},POLICE,P1,1,single\n"
    assert "1 record(s) written" in err.getvalue()


def test_an_unwritable_out_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="cannot write"):
        export("--out", str(tmp_path / "no-such-folder" / "persons.csv"))


def test_only_persons_can_be_exported() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("export", "people")
