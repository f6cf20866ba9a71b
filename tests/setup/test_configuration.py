"""The partnership configuration: Glasgow loads as issue 2 §3 names it; `pathways init`
is idempotent; a broken configuration names every problem with file, key and reason."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.partners.models import Agency, Area, Role, Service, Team
from pathways.setup.configuration import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]
PATHWAYS = str(REPO / ".venv" / "bin" / "pathways")

SERVICES = {
    "ADAPT": "INCLUDEM",
    "SIDESTEP": "AFC",
    "NRS_YIT": "GCC_NRS",
    "BRAVEHEART": "BRAVEHEART",
    "POP": "AID_ABET",
    "POP_CUSTODY": "AID_ABET",
    "STARS": "HSCP_CJSW",
    "ISMS": "HSCP_CJSW",
    "ATR": "HSCP_CJSW",
    "COS": "HSCP_ADRS",
    "BRIDGING": "GRA",
    "W218": "TPS",
    "SACRO_WMS": "SACRO",
}


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    """A copy of config/glasgow/ to break or extend."""
    target = tmp_path / "config"
    shutil.copytree(settings.PATHWAYS_CONFIG_DIR, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# Glasgow, as loaded into the database (every test database has it).


@pytest.mark.django_db
def test_glasgow_has_three_areas() -> None:
    assert set(Area.objects.values_list("code", flat=True)) == {"NE", "NW", "S"}


@pytest.mark.django_db
def test_glasgow_has_its_thirteen_agencies() -> None:
    assert set(Agency.objects.values_list("code", flat=True)) == {
        "POLICE",
        "HSCP_CJSW",
        "HSCP_CF",
        "HSCP_ADRS",
        "CJ_GLASGOW",
        "INCLUDEM",
        "AFC",
        "GCC_NRS",
        "BRAVEHEART",
        "AID_ABET",
        "GRA",
        "SACRO",
        "TPS",
    }


@pytest.mark.django_db
def test_glasgow_has_its_thirteen_services_each_with_its_provider() -> None:
    assert dict(Service.objects.values_list("code", "provider")) == SERVICES


@pytest.mark.django_db
def test_glasgow_has_twenty_teams_and_fourteen_roles() -> None:
    assert (Team.objects.count(), Role.objects.count()) == (20, 14)


@pytest.mark.django_db
def test_adapt_takes_young_people_of_12_to_25_and_needs_joint_approval() -> None:
    adapt = Service.objects.get(code="ADAPT")
    assert (adapt.min_age, adapt.max_age) == (12, 25)
    assert adapt.joint_approval is True
    assert (adapt.kind, adapt.voluntary, adapt.requires_consent) == ("diversion", True, True)
    assert set(adapt.crime_groups) >= {"violence", "antisocial"}


@pytest.mark.django_db
def test_pop_is_for_men_of_16_and_over_in_the_city() -> None:
    pop = Service.objects.get(code="POP")
    assert (pop.sexes, pop.min_age, pop.max_age) == (["M"], 16, None)


@pytest.mark.django_db
def test_stars_is_statutory_and_needs_no_consent() -> None:
    stars = Service.objects.get(code="STARS")
    assert (stars.kind, stars.voluntary, stars.requires_consent) == ("statutory", False, False)


@pytest.mark.django_db
def test_the_one_glasgow_team_is_the_partnership_team_of_the_police() -> None:
    team = Team.objects.get(code="ONE_GLASGOW")
    assert (team.agency_id, team.partnership) == ("POLICE", True)
    assert list(Team.objects.filter(partnership=True).values_list("code", flat=True)) == [
        "ONE_GLASGOW"
    ]


@pytest.mark.django_db
def test_the_includem_adapt_team_delivers_adapt() -> None:
    team = Team.objects.get(code="INCLUDEM_ADAPT")
    assert (team.agency_id, team.service_id) == ("INCLUDEM", "ADAPT")


# `pathways init`.


def partnership_tables() -> list[list[dict[str, object]]]:
    return [
        list(model.objects.order_by("pk").values()) for model in (Area, Agency, Role, Service, Team)
    ]


@pytest.mark.django_db
def test_init_run_twice_leaves_the_configuration_as_it_was() -> None:
    call_command("init", stdout=open(os.devnull, "w"))  # noqa: SIM115
    before = partnership_tables()
    call_command("init", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert partnership_tables() == before


@pytest.mark.django_db
def test_init_applies_a_changed_setting_to_the_existing_entry(config_copy: Path) -> None:
    edit(config_copy / "services.toml", "min_age = 12\nmax_age = 25", "min_age = 10\nmax_age = 25")
    call_command("init", config=config_copy, stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Service.objects.get(code="ADAPT").min_age == 10
    assert Service.objects.count() == 13


# A broken configuration.


@pytest.fixture
def broken(config_copy: Path) -> Path:
    """Four problems in three files: an unknown provider agency, a kind that does not
    exist, a misspelt setting, and a file that is not TOML."""
    services = config_copy / "services.toml"
    edit(services, 'provider = "INCLUDEM"', 'provider = "INCLUDEME"')
    edit(services, 'kind = "statutory"', 'kind = "compulsory"')  # the first: STARS
    edit(services, "min_age = 12\nmax_age = 25", "min_age = 12\nmax_agee = 25")
    (config_copy / "roles.toml").write_text(
        '[roles.police_analyst\nname = "Police analyst"\n', encoding="utf-8"
    )
    return config_copy


def test_every_problem_is_reported_at_once(broken: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(broken)
    assert {(p.file, p.key) for p in raised.value.problems} == {
        ("services.toml", "services.ADAPT.provider"),
        ("services.toml", "services.STARS.kind"),
        ("services.toml", "services.ADAPT.eligibility.max_agee"),
        ("roles.toml", "-"),
    }


def test_an_unknown_provider_agency_is_named(broken: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(broken)
    problems = {(p.file, p.key): p.reason for p in raised.value.problems}
    assert problems[("services.toml", "services.ADAPT.provider")] == "unknown agency 'INCLUDEME'"


def test_a_kind_that_does_not_exist_is_named_with_the_kinds_that_do(broken: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(broken)
    problems = {(p.file, p.key): p.reason for p in raised.value.problems}
    assert problems[("services.toml", "services.STARS.kind")] == (
        "must be one of diversion, statutory, support, treatment, not 'compulsory'"
    )


def test_a_misspelt_setting_is_named_as_unknown(broken: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(broken)
    problems = {(p.file, p.key): p.reason for p in raised.value.problems}
    assert problems[("services.toml", "services.ADAPT.eligibility.max_agee")] == (
        "is not a known setting (a typo?)"
    )


def test_a_file_that_is_not_toml_is_named_with_where_it_breaks(broken: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config(broken)
    problems = {(p.file, p.key): p.reason for p in raised.value.problems}
    assert problems[("roles.toml", "-")].startswith("is not valid TOML")
    assert "line 1" in problems[("roles.toml", "-")]


def test_a_team_of_an_unknown_agency_is_named(config_copy: Path) -> None:
    with (config_copy / "teams.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[teams.X]\nname = "X"\nagency = "NOBODY"\n')
    with pytest.raises(
        ConfigError, match=r"teams\.toml: teams\.X\.agency: unknown agency 'NOBODY'"
    ):
        load_config(config_copy)


def test_a_missing_file_is_named(config_copy: Path) -> None:
    (config_copy / "areas.toml").unlink()
    with pytest.raises(ConfigError) as raised:
        load_config(config_copy)
    assert raised.value.problems[0].file == "areas.toml"
    assert raised.value.problems[0].reason.startswith("file is missing")


@pytest.mark.django_db
def test_init_refuses_a_broken_configuration_and_changes_nothing(broken: Path) -> None:
    before = partnership_tables()
    with pytest.raises(CommandError, match="has 4 problem"):
        call_command("init", config=broken)
    assert partnership_tables() == before


def test_the_init_command_exits_non_zero_naming_every_problem(broken: Path, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'never.sqlite3'}",
        "PATHWAYS_VAR_DIR": str(tmp_path / "var"),
        "PATHWAYS_ENV": "test",
    }
    done = subprocess.run(
        [PATHWAYS, "init", "--config", str(broken)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    for line in (
        "services.toml: services.ADAPT.provider: unknown agency 'INCLUDEME'",
        "services.toml: services.STARS.kind: must be one of",
        "services.toml: services.ADAPT.eligibility.max_agee: is not a known setting",
        "roles.toml: -: is not valid TOML",
    ):
        assert line in done.stderr


# The reason lists (reasons.toml).


@pytest.mark.django_db
def test_glasgow_has_its_four_reason_lists_each_with_other() -> None:
    from pathways.partners.reasons import reason_choices

    for name, first in (("decline", "not_eligible"), ("withdraw", "moved_away"),
                        ("consent_withdrawal", "no_longer_wants"),
                        ("dismiss", "not_appropriate")):  # fmt: skip
        codes = [code for code, _ in reason_choices(name)]
        assert codes[0] == first and codes[-1] == "other", name


def test_a_reason_list_without_other_or_unknown_is_named(config_copy: Path) -> None:
    reasons = config_copy / "reasons.toml"
    edit(reasons, 'died = "died"\nother = "other"', 'died = "died"')
    with reasons.open("a", encoding="utf-8") as handle:
        handle.write('\n[reasons.closing]\nother = "other"\n')
    edit(reasons, 'capacity = "no capacity"', 'Capacity = "no capacity"')
    with pytest.raises(ConfigError) as raised:
        load_config(config_copy)
    problems = {(p.file, p.key): p.reason for p in raised.value.problems}
    assert problems == {
        ("reasons.toml", "reasons.withdraw"): "needs `other` (with words beside it)",
        ("reasons.toml", "reasons.closing"): (
            "is not a list Pathways asks for (decline, withdraw, consent_withdrawal, dismiss)"
        ),
        ("reasons.toml", "reasons.decline.Capacity"): "a code is lower case, a-z, 0-9 and _",
    }


@pytest.mark.django_db
def test_a_reason_is_offered_as_configured(config_copy: Path, client) -> None:
    """A new withdrawal reason, by configuration alone, is offered and kept."""
    from pathways.referrals.models import Referral
    from tests.world import make_person, make_user, refer

    edit(config_copy / "reasons.toml", 'no_longer_wants = "no longer wants the service"',
         'no_longer_wants = "no longer wants the service"\n'
         'school = "too much at school this year"')  # fmt: skip
    call_command("init", config=config_copy, stdout=open(os.devnull, "w"))  # noqa: SIM115
    person = make_person("Ola", "Reason", None, records=(("POLICE", "R9"),))
    referral = refer(person, "POLICE", "ADAPT", dt.date(2026, 11, 2))
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    form = client.get(f"/referrals/{referral.pk}/consent/withdraw/").content.decode()
    assert "Too much at school this year" in form
    client.post(f"/referrals/{referral.pk}/consent/withdraw/",
                {"on": "03/11/2026", "reason": "school"})  # fmt: skip
    step = Referral.objects.get(pk=referral.pk).transitions.get(to_state="opted_out")
    assert step.reason == "too much at school this year"
