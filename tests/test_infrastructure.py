"""The test infrastructure does what docs/developers.md says: the settings follow
DATABASE_URL, each test database holds the Glasgow partnership, tests run with test
settings in a private folder, the front-end packages are installed, and the scripts the
stages run start a real PostgreSQL and refuse a run that tests nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from pathways.partners.models import Agency, Membership, Service, Team
from tests.factories import PASSWORD

REPO = Path(__file__).resolve().parent.parent
PYTHON = str(REPO / ".venv" / "bin" / "python")
REQUIRE_ALL = bool(os.environ.get("PATHWAYS_REQUIRE_ALL")) or os.environ.get("CI") == "true"
HAS_POSTGRES = any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def settings_database(database_url: str | None) -> str:
    """The database ENGINE and NAME pathways.settings chooses, read in a new process
    (settings are read once per process) with DATABASE_URL as given or unset."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PATHWAYS_VAR_DIR"] = "/nonexistent/var"
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    code = (
        "from pathways import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d.get('HOST', ''), d.get('PORT', ''))"
    )
    result = subprocess.run(
        [PYTHON, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=REPO
    )
    return result.stdout.strip()


# --- Settings and the database ------------------------------------------------------------


def test_database_url_selects_sqlite_or_postgresql() -> None:
    assert settings_database("sqlite:////tmp/a/b.sqlite3") == (
        "django.db.backends.sqlite3 /tmp/a/b.sqlite3"
    )
    assert settings_database("postgres://pw@db.example:6543/pathways") == (
        "django.db.backends.postgresql pathways db.example 6543"
    )
    # Unset: SQLite in the working folder.
    assert settings_database(None) == (
        "django.db.backends.sqlite3 /nonexistent/var/pathways.sqlite3"
    )


@pytest.mark.django_db
def test_the_tests_use_the_database_database_url_names() -> None:
    url = os.environ.get("DATABASE_URL") or settings.DEFAULT_DATABASE_URL
    expected = dj_database_url.parse(url)
    assert connection.settings_dict["ENGINE"] == expected["ENGINE"]
    assert connection.vendor == (
        "postgresql" if expected["ENGINE"].endswith("postgresql") else "sqlite"
    )
    if connection.vendor == "postgresql":
        # pytest-django's own database on the server named, never the named database.
        assert connection.settings_dict["HOST"] == expected["HOST"]
        assert connection.settings_dict["PORT"] == expected["PORT"]
        assert connection.settings_dict["NAME"] == f"test_{expected['NAME']}"


def test_tests_run_with_test_settings_in_a_private_folder() -> None:
    assert settings.PATHWAYS_ENV == "test"
    assert os.environ["PATHWAYS_ENV"] == "test"  # for `pathways` run in a subprocess
    assert settings.VAR_DIR == Path(os.environ["PATHWAYS_VAR_DIR"])
    assert settings.VAR_DIR != REPO / "var"  # never the demo's database and files
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Read from the test settings, not put right after they loaded: the background tasks
    # run at once and uploads land in the private folder.
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    assert Path(settings.MEDIA_ROOT).is_relative_to(settings.VAR_DIR)


def test_plain_pytest_reads_the_test_settings_too(tmp_path: Path) -> None:
    """Started without scripts/run-pytest.sh's environment, pytest still reads the test
    settings (pyproject.toml names them) before Django starts."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PATHWAYS_ENV", "PATHWAYS_VAR_DIR", "DJANGO_SETTINGS_MODULE")
    }
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import os\nfrom django.conf import settings\n\n"
        "def test_probe():\n"
        "    assert settings.PATHWAYS_ENV == 'test'\n"
        "    assert settings.TASKS['default']['BACKEND'].endswith('ImmediateBackend')\n"
        "    assert str(settings.MEDIA_ROOT).startswith(os.environ['PATHWAYS_VAR_DIR'])\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO),
         "-c", str(REPO / "pyproject.toml"), str(probe)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


# --- The partnership in the test database -------------------------------------------------


@pytest.mark.django_db
def test_the_glasgow_partnership_is_in_every_test_database() -> None:
    adapt = Service.objects.get(code="ADAPT")
    assert adapt.provider_id == "INCLUDEM"
    assert sorted(Service.objects.values_list("code", flat=True)) == sorted(
        "ADAPT SIDESTEP NRS_YIT BRAVEHEART POP POP_CUSTODY STARS ISMS ATR COS BRIDGING "
        "W218 SACRO_WMS".split()
    )
    assert Agency.objects.count() == 13
    partnership = Team.objects.get(code="ONE_GLASGOW")
    assert (partnership.partnership, partnership.agency_id) == (True, "POLICE")


@pytest.mark.django_db(transaction=True)
def test_config_loaded_reloads_the_partnership_for_transactional_tests(
    config_loaded: None,
) -> None:
    # Transactional tests run after the others and empty every table when they end, so
    # without the fixture a second one would find no agencies at all.
    assert Service.objects.get(code="ADAPT").provider_id == "INCLUDEM"
    assert Team.objects.filter(code="INCLUDEM_ADAPT", service_id="ADAPT").exists()


def test_make_user_gives_a_user_one_membership(make_user: Callable[..., Any]) -> None:
    mentor = make_user("mentor", "INCLUDEM_ADAPT", "partner_worker", first_name="Alex")
    loner = make_user("loner")

    assert mentor.check_password(PASSWORD)
    assert mentor.first_name == "Alex"
    assert list(Membership.objects.filter(user=mentor).values_list("team", "role")) == [
        ("INCLUDEM_ADAPT", "partner_worker")
    ]
    assert not Membership.objects.filter(user=loner).exists()
    assert get_user_model().objects.count() == 2
    with pytest.raises(ValueError, match="both a team and a role"):
        make_user("half", "INCLUDEM_ADAPT")


# --- What setup installs --------------------------------------------------------------------


def test_front_end_packages_are_installed_into_the_static_tree() -> None:
    vendor = REPO / "pathways" / "static" / "vendor"
    css = vendor / "design-system" / "css" / "design-system.min.css"
    htmx = vendor / "htmx" / "htmx.min.js"
    assert css.stat().st_size > 10_000
    assert htmx.read_text(encoding="utf-8").count("htmx") > 10
    # Installed at setup, never committed.
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(htmx)], cwd=REPO, check=False
    ).returncode
    assert ignored == 0


# --- The scripts the test stages run ---------------------------------------------------------


def test_with_postgres_runs_the_command_against_a_real_server_then_removes_it() -> None:
    if not HAS_POSTGRES:
        message = "PostgreSQL server binaries are missing"
        if REQUIRE_ALL:
            pytest.fail(message)
        pytest.skip(message)
    probe = (
        "import os, psycopg; url = os.environ['DATABASE_URL']; "
        "c = psycopg.connect(url); "
        "print(url); print(c.execute('SHOW fsync').fetchone()[0]); "
        "print(c.execute('SHOW data_directory').fetchone()[0]); raise SystemExit(7)"
    )
    result = subprocess.run(
        [str(REPO / "scripts" / "with-postgres.sh"), PYTHON, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 7, result.stderr  # the command's own exit status
    url, fsync, data_directory = result.stdout.strip().splitlines()[-3:]
    assert url.startswith("postgres://postgres@127.0.0.1:")
    assert url.endswith("/pathways")
    assert fsync == "off"
    assert Path(data_directory).name == "data"
    assert not Path(data_directory).parent.exists()  # stopped and removed


def test_a_pytest_run_that_collects_no_test_fails() -> None:
    result = subprocess.run(
        [
            str(REPO / "scripts" / "run-pytest.sh"),
            "tests/test_infrastructure.py",
            "-k",
            "no_test_has_this_name",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert "collected no tests" in result.stderr


def test_a_secret_file_that_cannot_be_read_is_named_without_a_traceback(tmp_path: Path) -> None:
    """`pathways` says which setting's file is missing, and stops (deployment.md: every
    *_FILE variable must name a readable file)."""
    missing = tmp_path / "smtp_password"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pathways.settings",
           "EMAIL_HOST_PASSWORD_FILE": str(missing)}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-m", "pathways.cli", "check"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"EMAIL_HOST_PASSWORD_FILE names {missing}, which cannot be read" in result.stderr
    assert "Traceback" not in result.stderr
