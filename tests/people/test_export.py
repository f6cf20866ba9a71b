"""`pathways export persons`: which records belong to which person, exactly as stored."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command

from pathways.events.imports.runner import import_file

pytestmark = pytest.mark.django_db


def test_linked_records_share_a_person_and_a_lone_record_is_single(tmp_path, capsys) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        "agency,person_ref,given_name,family_name,date_of_birth\n"
        "POLICE,P1,Jamie,McDonald,2004-03-12\n"
        "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12\n"
        "POLICE,P2,=Ann,Reid,\n",
        encoding="utf-8",
    )
    import_file("people", people)
    call_command("export", "persons")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["person_id", "agency", "person_ref", "link_confidence", "link_method"]
    by_ref = {r["person_ref"]: r for r in rows}
    assert by_ref["P1"]["person_id"] == by_ref["C1"]["person_id"]
    assert (by_ref["P1"]["link_method"], by_ref["P1"]["link_confidence"]) == ("exact", "1")
    assert (by_ref["P2"]["link_method"], by_ref["P2"]["link_confidence"]) == ("single", "1")
    assert by_ref["P2"]["person_id"] != by_ref["P1"]["person_id"]
    assert len(rows) == 3
