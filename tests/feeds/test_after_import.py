"""An import of events ends with identification for the people it brought events for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from pathways.identification.models import Candidate, Run

pytestmark = pytest.mark.django_db


def load(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    call_command("import", name.split(".")[0].rstrip("0123456789"), str(path))


def people_and_an_offence(tmp_path: Path) -> None:
    today = timezone.localdate()
    born = today.replace(year=today.year - 17) - dt.timedelta(days=10)
    load(tmp_path, "people.csv", "agency,person_ref,family_name,date_of_birth,sex\n"
         f"POLICE,P1,Young,{born},M\nPOLICE,P2,Old,1950-01-01,M\n")  # fmt: skip
    load(tmp_path, "events.csv", "agency,event_ref,person_ref,kind,occurred_at,crime_group\n"
         f"POLICE,E1,P1,offence,{today - dt.timedelta(days=2)},violence\n"
         f"POLICE,E2,P2,offence,{today - dt.timedelta(days=2)},violence\n")  # fmt: skip


def test_importing_events_opens_candidacies_for_the_people_they_concern(tmp_path: Path) -> None:
    people_and_an_offence(tmp_path)
    candidate = Candidate.objects.get()
    assert (candidate.person.family_name, candidate.service_id) == ("Young", "ADAPT")
    assert Run.objects.get().status == "finished"
    # The same file again brings nothing new: no second run.
    load(tmp_path, "events2.csv", (tmp_path / "events.csv").read_text())
    assert Run.objects.count() == 1


def test_the_run_after_import_can_be_switched_off(tmp_path: Path, settings) -> None:
    settings.PATHWAYS_IDENTIFY_AFTER_IMPORT = False
    people_and_an_offence(tmp_path)
    assert (Run.objects.count(), Candidate.objects.count()) == (0, 0)


def test_a_referral_history_import_looks_at_everyone_again(tmp_path: Path) -> None:
    people_and_an_offence(tmp_path)
    today = timezone.localdate()
    load(tmp_path, "referrals.csv", "referral_ref,agency,person_ref,service,referred_on\n"
         f"R1,POLICE,P1,ADAPT,{today - dt.timedelta(days=1)}\n")  # fmt: skip
    assert Run.objects.order_by("pk").last().scope == "full"
    # The person now has an open (sent) referral to ADAPT: the candidacy lapses.
    assert Candidate.objects.get().status == "lapsed"
