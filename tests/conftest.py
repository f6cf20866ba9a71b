"""Shared test set-up: test settings, the Glasgow partnership in every test database,
and a user factory with team memberships."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable

# Before Django reads its settings: fast password hashing, and a private working folder.
os.environ.setdefault("PATHWAYS_ENV", "test")
os.environ.setdefault("PATHWAYS_VAR_DIR", tempfile.mkdtemp(prefix="pathways-test-var-"))

import pytest  # noqa: E402

REQUIRE_ALL = os.environ.get("CI") == "true"


def load_glasgow() -> None:
    """Load the default partnership configuration into the current database."""
    from django.conf import settings

    from pathways.partners.config import apply_config, load_config

    apply_config(load_config(settings.PATHWAYS_CONFIG_DIR))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """The test database, created once, with the Glasgow partnership loaded."""
    with django_db_blocker.unblock():
        load_glasgow()


@pytest.fixture
def glasgow(transactional_db: None) -> None:
    """For transactional tests, whose tables are emptied after each test."""
    load_glasgow()


@pytest.fixture
def make_user(db: None) -> Callable[..., object]:
    """make_user(username, team, role) -> a user with that membership (more may follow)."""
    from django.contrib.auth import get_user_model

    from pathways.partners.models import Membership

    def make(username: str, team: str | None = None, role: str | None = None, **extra: object):
        user = get_user_model().objects.create_user(username, password="test-password", **extra)
        if team and role:
            Membership.objects.create(user=user, team_id=team, role_id=role)
        return user

    return make
