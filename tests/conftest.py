"""Shared test set-up: the Glasgow partnership in every test database, a user factory, a
check that the database server answers. The test settings and the run's working folder
are pathways/test_settings.py's. The tests' own queries are the operator's; the requests
they make are served with the door shut (pathways.people.scoping).

Fixtures for every test folder:
- `config_loaded`: the Glasgow configuration is in the database this test uses. Ordinary
  `db` tests have it anyway (it is loaded once, when the test database is created);
  transactional tests (`transactional_db`, `live_server`), whose tables are emptied after
  each test, must ask for this fixture to have it loaded again.
- `make_user(username, team=None, role=None, **fields)`: a user, with a membership of
  that team in that role when both are given. The password is `tests.factories.PASSWORD`.

Set `PATHWAYS_REQUIRE_ALL=1` (`make test` does under CI=true) to turn a missing component
(Chromium, a PostgreSQL server that does not answer) into a failure instead of a skip.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
from typing import Any

import pytest

REQUIRE_ALL = bool(os.environ.get("PATHWAYS_REQUIRE_ALL")) or os.environ.get("CI") == "true"


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Remove the working folder pathways/test_settings.py made for this run."""
    if os.environ.get("PATHWAYS_TEST_VAR_DIR_OWNER") == str(os.getpid()):
        shutil.rmtree(os.environ["PATHWAYS_VAR_DIR"], ignore_errors=True)


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
    """make_user(username, team=None, role=None, **fields) -> a user with that membership
    (tests.factories.UserFactory; the password is tests.factories.PASSWORD)."""
    from tests.factories import UserFactory

    def make(username: str, team: str | None = None, role: str | None = None, **fields: Any):
        return UserFactory(username=username, team=team, role=role, **fields)

    return make
