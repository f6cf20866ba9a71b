"""Shared test set-up: test settings and a private working folder, the Glasgow partnership
in every test database, a user factory, and a check that the database server answers.

Fixtures for every test folder:
- `config_loaded`: the Glasgow configuration is in the database this test uses. Ordinary
  `db` tests have it anyway (it is loaded once, when the test database is created);
  transactional tests (`transactional_db`, `live_server`), whose tables are emptied after
  each test, must ask for this fixture to have it loaded again.
- `make_user(username, team=None, role=None, **fields)`: a user, with a membership of
  that team in that role when both are given. The password is `PASSWORD`.

Set `PATHWAYS_REQUIRE_ALL=1` (`make test` does under CI=true) to turn a missing component
(Chromium, a PostgreSQL server that does not answer) into a failure instead of a skip.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "test-password"
REQUIRE_ALL = bool(os.environ.get("PATHWAYS_REQUIRE_ALL")) or os.environ.get("CI") == "true"

# The environment first, for everything a test starts (`pathways` commands in
# subprocesses read it): test settings and a working folder of this session's own.
os.environ.setdefault("PATHWAYS_ENV", "test")
_OWN_VAR_DIR: Path | None = None
if not os.environ.get("PATHWAYS_VAR_DIR"):
    _OWN_VAR_DIR = Path(tempfile.mkdtemp(prefix="pathways-test-var-"))
    os.environ["PATHWAYS_VAR_DIR"] = str(_OWN_VAR_DIR)


def _use_test_settings() -> None:
    """pytest-django reads the settings before this file is imported, so when pytest was
    started without PATHWAYS_ENV=test (plain `.venv/bin/pytest`), what settings.py derives
    from the environment is put right here, the way Django's override_settings does."""
    from django.conf import settings

    if not settings.configured or os.environ["PATHWAYS_ENV"] != "test":
        return
    var_dir = Path(os.environ["PATHWAYS_VAR_DIR"])
    if settings.PATHWAYS_ENV == "test" and settings.VAR_DIR == var_dir:
        return
    from django.test.utils import override_settings

    override_settings(
        PATHWAYS_ENV="test",
        VAR_DIR=var_dir,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ).enable()


_use_test_settings()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _OWN_VAR_DIR is not None:
        shutil.rmtree(_OWN_VAR_DIR, ignore_errors=True)


# --- Is the database server there? ----------------------------------------------------

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


def _postgres_problem() -> str | None:
    """Why the PostgreSQL server DATABASE_URL names cannot be used, or None if it answers
    (or DATABASE_URL names no PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    where = f"{db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"
    try:
        # The maintenance database, as Django uses to create the test database.
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as error:
        reason = " ".join(str(error).split())
        return f"the PostgreSQL server at {where} does not answer ({reason})"
    return None


_DB_PROBLEM = pytest.StashKey[str | None]()


def pytest_sessionstart(session: pytest.Session) -> None:
    problem = _postgres_problem()
    session.config.stash[_DB_PROBLEM] = problem
    if problem and REQUIRE_ALL:
        pytest.exit(f"{problem} (PATHWAYS_REQUIRE_ALL: a failure, not a skip)", returncode=1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = config.stash.get(_DB_PROBLEM, None)
    if not problem:
        return
    skip = pytest.mark.skip(reason=problem)
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & DB_FIXTURES:
            item.add_marker(skip)


# --- The partnership and its users -------------------------------------------------------


@functools.cache
def _glasgow() -> Any:
    """The default partnership configuration, read and validated once per session."""
    from django.conf import settings

    from pathways.setup.configuration import load_config

    return load_config(settings.PATHWAYS_CONFIG_DIR)


def load_glasgow() -> None:
    """Load the default partnership configuration into the current database."""
    from pathways.setup.configuration import apply_config

    apply_config(_glasgow())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The test database, created once, with the Glasgow partnership loaded."""
    with django_db_blocker.unblock():
        load_glasgow()


@pytest.fixture
def config_loaded(db: None) -> None:
    """The Glasgow partnership is in this test's database (see the module docstring).
    With `transactional_db` also requested, that takes precedence over `db`."""
    from pathways.partners.models import Agency

    if not Agency.objects.exists():
        load_glasgow()


@pytest.fixture
def glasgow(config_loaded: None) -> None:
    """The same as `config_loaded` (an older name)."""


@pytest.fixture
def make_user(db: None) -> Callable[..., Any]:
    """make_user(username, team=None, role=None, **fields) -> a user with that membership."""
    from django.contrib.auth import get_user_model

    from pathways.partners.models import Membership

    def make(username: str, team: str | None = None, role: str | None = None, **fields: Any):
        if (team is None) != (role is None):
            raise ValueError("make_user: give both a team and a role, or neither")
        user = get_user_model().objects.create_user(username, password=PASSWORD, **fields)
        if team is not None:
            Membership.objects.create(user=user, team_id=team, role_id=role)
        return user

    return make
