"""The site's own security: password policy, sign-in throttling, two-factor for roles
that see health or offending data, session expiry, the content security policy, and a
production configuration that `manage.py check --deploy` finds nothing wrong with."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.world import PASSWORD, World

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_carries_a_strict_content_security_policy(client: Client, world) -> None:
    client.force_login(world.police)
    response = client.get("/people/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    # No inline script for the policy to block: every <script> has a src.
    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html) == []
    assert " style=" not in html


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pw", "too short"),
        ("123456789012345", "entirely numeric"),
        ("password1234", "too common"),
    ],
)
def test_weak_passwords_are_refused(password: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        validate_password(password)


def test_a_long_unusual_password_is_accepted() -> None:
    validate_password("correct horse battery staple")


def sign_in(client: Client, username: str, password: str) -> str:
    response = client.post("/login/", {"username": username, "password": password})
    return response.content.decode() if response.status_code == 200 else "signed in"


def test_repeated_failures_lock_the_username_for_a_while(client: Client, world: World) -> None:
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        for _ in range(5):
            assert "Please enter a correct username" in sign_in(client, "police", "wrong")
        # Now even the right password is refused, with a reason.
        assert "Too many failed sign-ins" in sign_in(client, "police", PASSWORD)
        assert "Too many failed sign-ins" in sign_in(client, "POLICE", PASSWORD)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 16, tzinfo=dt.UTC), tick=False):
        assert sign_in(client, "police", PASSWORD) == "signed in"


def test_other_users_are_not_locked_by_someone_elses_failures(client, world) -> None:
    for _ in range(5):
        sign_in(client, "police", "wrong")
    assert sign_in(client, "adapt", PASSWORD) == "signed in"


def test_a_session_ends_after_thirty_minutes_without_a_request(client, world) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        assert sign_in(client, "police", PASSWORD) == "signed in"
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get("/people/").status_code == 200  # and the clock restarts
    with time_machine.travel(start + dt.timedelta(minutes=58), tick=False):
        assert client.get("/people/").status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=89), tick=False):
        response = client.get("/people/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


@override_settings(PATHWAYS_TWO_FACTOR=True)
def test_roles_that_see_offending_set_up_and_give_a_second_factor(client, world) -> None:
    client.force_login(world.police)
    response = client.get("/people/")
    assert response["Location"] == "/account/two-factor/?next=/people/"
    setup = client.get("/account/two-factor/").content.decode()
    assert "Set up two-factor authentication" in setup
    device = TOTPDevice.objects.get(user=world.police)
    assert not device.confirmed
    code = f"{totp(device.bin_key):06d}"
    done = client.post("/account/two-factor/?next=/people/", {"code": code})
    assert done["Location"] == "/people/"
    assert client.get("/people/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    # The next sign-in asks for the code again, without setting up.
    client.logout()
    client.force_login(world.police)
    assert client.get("/").status_code == 302
    assert "Enter your code" in client.get("/account/two-factor/").content.decode()
    wrong = client.post("/account/two-factor/", {"code": "000000" if code != "000000" else "1"})
    assert "That code is not right" in wrong.content.decode()
    assert client.get("/people/").status_code == 302


@override_settings(PATHWAYS_TWO_FACTOR=True)
def test_roles_without_health_or_offending_data_are_not_asked(client, world) -> None:
    for user in (world.dpo, world.dataquality):
        client.force_login(user)
        assert client.get("/").status_code == 200


def production_environment() -> dict[str, str]:
    """The test run's environment, less what only tests set (Playwright's async switch)."""
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the test settings
    return env


def test_the_production_settings_pass_djangos_deployment_checks(tmp_path: Path) -> None:
    env = {
        **production_environment(),
        "PATHWAYS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "PATHWAYS_AUDIT_KEY": secrets.token_hex(32),
        "ALLOWED_HOSTS": "pathways.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_an_audit_key(tmp_path: Path) -> None:
    env = {
        **production_environment(),
        "PATHWAYS_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "pathways.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    env.pop("PATHWAYS_AUDIT_KEY", None)
    env.pop("PATHWAYS_AUDIT_KEY_FILE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "PATHWAYS_AUDIT_KEY" in result.stderr
