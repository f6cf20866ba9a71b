"""A new partner pathway is a configuration change only (issue 2 §3): a new agency, its
service, its team and the agreement that shares referrals with it are added to the TOML
files, `pathways init --config` loads them,
and referrals to the new service are imported and seen, with no code changed."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from pathways.feeds.runner import import_file
from pathways.partners.models import Service, Team
from pathways.referrals.models import Referral
from pathways.sharing.policy import visible_people

pytestmark = pytest.mark.django_db

NEW_AGENCY = """
[agencies.STREETWISE]
name = "Streetwise Glasgow"
sector = "third_sector"
"""
NEW_SERVICE = """
[services.STREETWISE_MENTOR]
name = "Streetwise mentoring"
description = "Peer mentoring for young people leaving custody."
provider = "STREETWISE"
kind = "support"
voluntary = true
requires_consent = true
joint_approval = false
[services.STREETWISE_MENTOR.eligibility]
min_age = 16
max_age = 21
areas = ["NE", "NW"]
"""
NEW_AGREEMENT = """
[agreements.POLICE_STREETWISE_REFERRAL]
title = "Referral details for Streetwise mentoring"
owner = "Police Scotland Greater Glasgow Division"
from = "POLICE"
to_service = "STREETWISE_MENTOR"
categories = ["identity", "referral"]
purpose = "to contact the person about the referral"
legal_basis = "UK GDPR Art 6(1)(e)"
condition = "active_referral"
valid_from = 2024-01-01
review_on = 2030-01-01
"""
NEW_TEAM = """
[teams.STREETWISE_NE]
name = "Streetwise mentors, North East"
agency = "STREETWISE"
area = "NE"
service = "STREETWISE_MENTOR"
"""


@pytest.fixture
def with_streetwise(tmp_path: Path) -> Path:
    """config/glasgow/ plus the Streetwise pathway, loaded with `pathways init --config`."""
    config = tmp_path / "config"
    shutil.copytree(settings.PATHWAYS_CONFIG_DIR, config)
    additions = (
        ("agencies", NEW_AGENCY),
        ("services", NEW_SERVICE),
        ("teams", NEW_TEAM),
        ("agreements", NEW_AGREEMENT),
    )
    for name, text in additions:
        with (config / f"{name}.toml").open("a", encoding="utf-8") as handle:
            handle.write(text)
    call_command("init", config=config, stdout=io.StringIO())
    return config


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def referred(with_streetwise: Path, tmp_path: Path) -> None:
    """Ryan Kerr (police P1) referred to Streetwise mentoring: engaged since February."""
    people = write(
        tmp_path, "people.csv", "agency,person_ref,given_name,family_name", "POLICE,P1,Ryan,Kerr"
    )
    assert import_file("people", people).created == 1
    referrals = write(
        tmp_path,
        "referrals.csv",
        "referral_ref,agency,person_ref,service,referred_on,decision,decided_on,consent_on,started_on",
        "SW1,POLICE,P1,STREETWISE_MENTOR,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01",
    )
    run = import_file("referrals", referrals)
    assert (run.created, run.rejected) == (1, 0)


def test_the_new_service_is_loaded_with_its_provider_and_eligibility(with_streetwise) -> None:
    service = Service.objects.get(code="STREETWISE_MENTOR")
    assert (service.provider_id, service.provider.name) == ("STREETWISE", "Streetwise Glasgow")
    assert (service.kind, service.min_age, service.max_age, service.areas) == (
        "support",
        16,
        21,
        ["NE", "NW"],
    )


def test_the_new_team_delivers_the_new_service(with_streetwise) -> None:
    team = Team.objects.get(code="STREETWISE_NE")
    assert (team.agency_id, team.area_id, team.service_id) == (
        "STREETWISE",
        "NE",
        "STREETWISE_MENTOR",
    )


def test_the_rest_of_the_partnership_is_unchanged(with_streetwise) -> None:
    assert Service.objects.count() == 14
    assert Service.objects.get(code="ADAPT").provider_id == "INCLUDEM"


def test_a_referral_to_the_new_service_is_imported_and_stored(referred) -> None:
    referral = Referral.objects.get(referral_ref="SW1")
    assert (referral.service_id, referral.state) == ("STREETWISE_MENTOR", "engaged")
    assert referral.service.provider_id == "STREETWISE"


def test_the_new_teams_practitioner_sees_the_person_referred_to_it(referred, make_user) -> None:
    mentor = make_user("mentor", team="STREETWISE_NE", role="partner_worker")
    assert [p.family_name for p in visible_people(mentor)] == ["Kerr"]


def test_the_new_teams_practitioner_sees_no_one_else(referred, make_user, tmp_path) -> None:
    other = write(
        tmp_path, "more.csv", "agency,person_ref,given_name,family_name", "POLICE,P2,Ann,Reid"
    )
    import_file("people", other)
    mentor = make_user("mentor", team="STREETWISE_NE", role="partner_worker")
    assert [p.family_name for p in visible_people(mentor)] == ["Kerr"]
