"""`pathways sar PERSON_ID --out DIR`: everything held about a person from every agency,
with the access log about them, as JSON and a readable PDF; the request is audited."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from pathways.audit.models import AccessEvent
from tests.conftest import REQUIRE_ALL
from tests.world import add_event, at, make_person, make_user, refer

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture
def person(config_loaded):
    """Ryan Stewart, known to police and justice social work, referred to ADAPT; looked
    at once by the police and refused once to a partner."""
    ryan = make_person(
        "Ryan", "Stewart", dt.date(2003, 8, 14), records=(("POLICE", "PR1"), ("HSCP_CJSW", "CR1"))
    )
    add_event(ryan, "POLICE", at(2024, 2, 3), crime_group="violence", category="Assault")
    add_event(ryan, "POLICE", at(2024, 3, 4), kind="overdose")
    add_event(ryan, "HSCP_CJSW", at(2024, 4, 5), kind="concern", category="Missed appointment")
    refer(ryan, "POLICE", "ADAPT", dt.date(2024, 5, 1))
    client = Client()
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    client.get(f"/people/{ryan.pk}/")
    client.force_login(make_user("sidestep", "AFC_SIDESTEP", "partner_worker"))
    client.get(f"/people/{ryan.pk}/")
    return ryan


def test_everything_from_every_agency_is_in_the_json(person, tmp_path: Path) -> None:
    call_command("sar", person.pk, out=tmp_path / "sar")
    bundle = json.loads((tmp_path / "sar" / f"person-{person.pk}-subject-access.json").read_text())
    assert bundle["person"]["family_name"] == "Stewart"
    assert sorted(r["person_ref"] for r in bundle["agency_records"]) == ["CR1", "PR1"]
    assert [e["kind"] for e in bundle["events"]] == ["offence", "overdose", "concern"]
    assert [r["service_id"] for r in bundle["referrals"]] == ["ADAPT"]
    looks = [(a["roles"], a["action"], a["decision"]) for a in bundle["access_log"]]
    assert looks == [
        ("police_analyst", "view_person", "allowed"),
        ("partner_worker", "view_person", "refused"),
    ]
    # Staff are named by role, not by username or address.
    assert "sidestep" not in json.dumps(bundle["access_log"])


def test_the_pdf_is_readable(person, tmp_path: Path) -> None:
    call_command("sar", person.pk, out=tmp_path)
    pdf = tmp_path / f"person-{person.pk}-subject-access.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        assert not REQUIRE_ALL, "pdftotext (poppler-utils) is missing"
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Information Pathways holds about Ryan Stewart" in text
    assert "Missed appointment" in text and "Assault" in text
    assert "Who looked at your information (2)" in text
    # The first page as a picture, to look at (test-artifacts/ is kept by CI).
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        out = ARTIFACTS / "sar-page"
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([pdftoppm, "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(out)])


def test_the_request_itself_is_audited(person, tmp_path: Path) -> None:
    call_command("sar", person.pk, out=tmp_path)
    event = AccessEvent.objects.get(action="subject_access")
    assert (event.person_id, event.channel, event.decision) == (person.pk, "cli", "allowed")
    assert "UK GDPR Art 15" in event.basis


def test_an_unknown_person_is_a_clear_error(config_loaded, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no person has id 424242"):
        call_command("sar", 424242, out=tmp_path)


def test_the_services_records_and_their_corrections_are_in_it(person, tmp_path: Path) -> None:
    """The engagement's contacts, the custody mentors' visit and every correction of
    them, with the old and new values, reach the person."""
    from pathways.cases.amendments import amend_contact
    from pathways.referrals.models import Referral

    referral = Referral.objects.get(person=person)
    contact = referral.contacts.create(person=referral.person, on=dt.date(2024, 5, 3), attendance="attended",
                                       notes="Met at hom.")  # fmt: skip
    mentor = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker")
    amend_contact(mentor, contact, why="Typo", notes="Met at home.")
    call_command("sar", person.pk, out=tmp_path)
    bundle = json.loads((tmp_path / f"person-{person.pk}-subject-access.json").read_text())
    assert [(c["on"], c["notes"]) for c in bundle["contacts"]] == [("2024-05-03", "Met at home.")]
    assert [(a["kind"], a["field"], a["old"], a["new"], a["why"])
            for a in bundle["corrections"]] == [
        ("contact", "engagement and progress", "Met at hom.", "Met at home.", "Typo")
    ]  # fmt: skip
