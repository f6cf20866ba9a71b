"""An event an agency sends again changed is not silently overwritten: the chronology
says what changed and when, and the subject access request holds the row as first sent
(issue 19: superseded import rows become visible the same way as corrections)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from pathways.feeds.runner import import_file
from tests.world import make_user

pytestmark = pytest.mark.django_db
PEOPLE = "agency,person_ref,given_name,family_name,date_of_birth,sex\nPOLICE,PV1,Vic,Version,1990-02-02,M\n"
EVENTS = "agency,event_ref,person_ref,kind,occurred_at,crime_group,category\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_changed_event_says_what_changed(client: Client, partnership: None, tmp_path) -> None:
    import_file("people", write(tmp_path, "people.csv", PEOPLE))
    first = EVENTS + "POLICE,EV1,PV1,offence,2024-05-01T21:00:00,violence,Assault\n"
    import_file("events", write(tmp_path, "events-1.csv", first))
    again = EVENTS + "POLICE,EV1,PV1,offence,2024-05-01T21:00:00,violence,serious_assault\n"
    assert import_file("events", write(tmp_path, "events-2.csv", again)).updated == 1
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    from pathways.people.models import AgencyRecord

    person_id = AgencyRecord.objects.get(person_ref="PV1").person_id
    html = client.get(f"/people/{person_id}/").content.decode()
    assert "<td>Serious assault</td>" in html
    assert "Changed by Police Scotland, Greater Glasgow Division on " in html
    assert "category was “Assault”, now “Serious assault”." in html
    call_command("sar", person_id, out=tmp_path / "sar")
    bundle = json.loads((tmp_path / "sar" / f"person-{person_id}-subject-access.json").read_text())
    [earlier] = bundle["earlier_versions"]
    assert (earlier["kind"], earlier["key"]) == ("events", "POLICE/EV1")
    assert earlier["content"]["category"] == "Assault"
