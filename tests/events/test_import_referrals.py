"""referrals.csv: migrated history becomes states and dated transitions."""

from __future__ import annotations

import pytest

from pathways.events.imports.runner import import_file
from pathways.referrals.models import Referral

from .conftest import PEOPLE_HEADER, REFERRALS_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(write_csv) -> None:
    import_file(
        "people", write_csv("people.csv", PEOPLE_HEADER, "POLICE,P1,Ryan,Kerr,2006-01-01,M,,")
    )


def referral_rows(write_csv, *rows: str):
    return import_file("referrals", write_csv("referrals.csv", REFERRALS_HEADER, *rows))


def test_a_completed_engagement_has_every_step_with_its_date(person, write_csv) -> None:
    run = referral_rows(
        write_csv,
        "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,2024-08-01,completed",
    )
    assert run.created == 1
    referral = Referral.objects.get(referral_ref="R1")
    assert referral.state == "completed"
    steps = [(t.from_state, t.to_state, t.on.isoformat()) for t in referral.transitions.all()]
    assert steps == [
        ("", "sent", "2024-01-10"),
        ("sent", "accepted", "2024-01-15"),
        ("accepted", "consented", "2024-01-20"),
        ("consented", "engaged", "2024-02-01"),
        ("engaged", "completed", "2024-08-01"),
    ]


def test_moved_away_closes_the_referral_with_that_reason(person, write_csv) -> None:
    referral_rows(
        write_csv,
        "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-15,2024-01-20,2024-02-01,2024-03-01,moved_away",
    )
    referral = Referral.objects.get(referral_ref="R1")
    assert (referral.state, referral.closing_reason) == ("closed", "moved_away")


def test_a_statutory_service_can_start_without_consent(person, write_csv) -> None:
    run = referral_rows(
        write_csv, "R1,POLICE,P1,STARS,2024-01-10,accepted,2024-01-11,,2024-01-12,,"
    )
    assert run.created == 1
    assert Referral.objects.get().state == "engaged"


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-05,,,,",
            "decided_on",
            "dates must be in order",
        ),
        ("R1,POLICE,P1,ADAPT,2024-01-10,,,,2024-01-12,,", "started_on", "cannot start unless"),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-11,,2024-01-12,,",
            "consent_on",
            "needs consent",
        ),
        ("R1,POLICE,P1,ADAPT,2024-01-10,accepted,,,,,", "decided_on", "required when decision"),
        ("R1,POLICE,P1,NOSUCH,2024-01-10,,,,,,", "service", "not a known service"),
        ("R1,POLICE,NOBODY,ADAPT,2024-01-10,,,,,,", "person_ref", "not a person_ref"),
        (
            "R1,POLICE,P1,ADAPT,2024-01-10,accepted,2024-01-11,2024-01-12,2024-01-13,2024-02-01,",
            "end_reason",
            "required when ended_on",
        ),
    ],
)
def test_a_bad_history_row_is_rejected_naming_its_column(
    person, write_csv, row, column, words
) -> None:
    run = referral_rows(write_csv, row, "R2,POLICE,P1,ADAPT,2024-01-10,,,,,,")
    assert (run.created, run.rejected) == (1, 1)
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (2, column)
    assert words in rejected.reason


def test_a_new_partner_pathway_from_configuration_takes_referrals(
    person, write_csv, tmp_path
) -> None:
    import shutil

    from django.conf import settings

    from pathways.partners.config import apply_config, load_config

    config = tmp_path / "config"
    shutil.copytree(settings.PATHWAYS_CONFIG_DIR, config)
    with (config / "agencies.toml").open("a") as handle:
        handle.write(
            '\n[agencies.STREETWISE]\nname = "Streetwise Glasgow"\nsector = "third_sector"\n'
        )
    with (config / "services.toml").open("a") as handle:
        handle.write(
            '\n[services.STREETWISE_MENTOR]\nname = "Streetwise mentoring"\nprovider = "STREETWISE"\n'
            'kind = "diversion"\nvoluntary = true\nrequires_consent = true\njoint_approval = true\n'
            "[services.STREETWISE_MENTOR.eligibility]\nmin_age = 14\nmax_age = 21\n"
        )
    with (config / "teams.toml").open("a") as handle:
        handle.write(
            '\n[teams.STREETWISE]\nname = "Streetwise team"\nagency = "STREETWISE"\n'
            'service = "STREETWISE_MENTOR"\n'
        )
    apply_config(load_config(config))
    run = referral_rows(write_csv, "R9,POLICE,P1,STREETWISE_MENTOR,2024-01-10,,,,,,")
    assert run.created == 1
    assert Referral.objects.get(referral_ref="R9").service.provider_id == "STREETWISE"
