"""The partnership configuration: Glasgow loads; every problem is named with file,
key and reason; `pathways init` is idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.partners.config import ConfigError, load_config
from pathways.partners.models import Agency, Area, Service, Team


@pytest.fixture
def config_copy(tmp_path: Path) -> Path:
    target = tmp_path / "config"
    shutil.copytree(settings.PATHWAYS_CONFIG_DIR, target)
    return target


def test_glasgow_has_its_areas_agencies_services_and_teams() -> None:
    config = load_config(settings.PATHWAYS_CONFIG_DIR)
    assert set(config.areas) == {"NE", "NW", "S"}
    assert {"POLICE", "HSCP_CJSW", "INCLUDEM", "AFC", "AID_ABET", "TPS"} <= set(config.agencies)
    assert len(config.agencies) == 13
    assert set(config.services) == {
        "ADAPT",
        "SIDESTEP",
        "NRS_YIT",
        "BRAVEHEART",
        "POP",
        "POP_CUSTODY",
        "STARS",
        "ISMS",
        "ATR",
        "COS",
        "BRIDGING",
        "W218",
        "SACRO_WMS",
    }
    adapt = config.services["ADAPT"]
    assert (adapt["provider"], adapt["min_age"], adapt["max_age"]) == ("INCLUDEM", 12, 25)
    assert adapt["joint_approval"] is True and adapt["kind"] == "diversion"
    assert config.services["POP"]["sexes"] == ["M"]
    assert config.teams["ONE_GLASGOW"]["partnership"] is True


@pytest.mark.django_db
def test_init_is_idempotent() -> None:
    call_command("init")
    counts = (
        Area.objects.count(),
        Agency.objects.count(),
        Service.objects.count(),
        Team.objects.count(),
    )
    call_command("init")
    assert (
        counts
        == (
            Area.objects.count(),
            Agency.objects.count(),
            Service.objects.count(),
            Team.objects.count(),
        )
        == (3, 13, 13, 20)
    )


def test_every_problem_is_reported_with_file_key_and_reason(config_copy: Path) -> None:
    services = config_copy / "services.toml"
    text = services.read_text(encoding="utf-8")
    text = text.replace('provider = "INCLUDEM"', 'provider = "INCLUDEME"', 1)
    text = text.replace('kind = "statutory"', 'kind = "compulsory"', 1)
    text = text.replace("min_age = 12\nmax_age = 25", "min_age = 12\nmax_age = 25\nmax_agee = 3", 1)
    services.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config_copy)
    problems = {(p.file, p.key): p.reason for p in raised.value.problems}
    assert "unknown agency 'INCLUDEME'" in problems[("services.toml", "services.ADAPT.provider")]
    assert "not 'compulsory'" in problems[("services.toml", "services.STARS.kind")]
    assert (
        "not a known setting" in problems[("services.toml", "services.ADAPT.eligibility.max_agee")]
    )


def test_a_file_that_is_not_toml_is_named(config_copy: Path) -> None:
    (config_copy / "areas.toml").write_text("[areas.NE\nname = 'North East'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config_copy)
    assert raised.value.problems[0].file == "areas.toml"
    assert "not valid TOML" in raised.value.problems[0].reason


@pytest.mark.django_db
def test_init_refuses_a_broken_configuration_and_names_the_problems(config_copy: Path) -> None:
    (config_copy / "teams.toml").write_text(
        '[teams.X]\nname = "X"\nagency = "NOBODY"\n', encoding="utf-8"
    )
    with pytest.raises(
        CommandError, match=r"teams\.toml: teams\.X\.agency: unknown agency 'NOBODY'"
    ):
        call_command("init", config=config_copy)
    assert not Team.objects.filter(code="X").exists()
