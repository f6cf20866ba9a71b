"""API tokens: the service, and `pathways token create|revoke`."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.api.models import ApiToken
from pathways.api.tokens import create_token, revoke_all, revoke_token, user_for_token

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"pw_[A-Za-z0-9_-]{43}")
PATHWAYS = str(Path(sys.executable).parent / "pathways")


def token_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_only_a_hash_and_a_short_prefix_of_a_token_are_stored(make_user) -> None:
    token = create_token(make_user("alex"))
    assert TOKEN.fullmatch(token)
    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.prefix == token[:10]
    assert token not in {stored.key_hash, stored.prefix}


def test_each_token_is_new(make_user) -> None:
    user = make_user("alex")
    assert len({create_token(user) for _ in range(5)}) == 5


def test_a_token_finds_its_user_and_records_its_use(make_user) -> None:
    alex, sam = make_user("alex"), make_user("sam")
    token = create_token(alex)
    create_token(sam)
    assert ApiToken.objects.get(user=alex).last_used_at is None
    assert user_for_token(token) == alex
    assert ApiToken.objects.get(user=alex).last_used_at is not None
    assert ApiToken.objects.get(user=sam).last_used_at is None


def test_unknown_revoked_and_inactive_users_tokens_find_no_one(make_user) -> None:
    alex, sam = make_user("alex"), make_user("sam")
    revoked, inactive = create_token(alex), create_token(sam)
    assert revoke_token(revoked) is True
    assert revoke_token(revoked) is False
    sam.is_active = False
    sam.save()
    for raw in (revoked, inactive, "", "pw_", "pw_unknown", revoked.upper()):
        assert user_for_token(raw) is None


def test_revoke_all_revokes_only_that_users_live_tokens(make_user) -> None:
    alex, sam = make_user("alex"), make_user("sam")
    first, second, already = (create_token(alex) for _ in range(3))
    revoke_token(already)
    other = create_token(sam)
    assert revoke_all(alex) == 2
    assert [user_for_token(t) for t in (first, second, already)] == [None, None, None]
    assert user_for_token(other) == sam


def test_token_create_prints_only_a_token_that_works(client, world) -> None:
    out, _ = token_command("create", "cjsw")
    assert TOKEN.fullmatch(out.strip()) and out.endswith("\n") and out.count("\n") == 1
    response = client.get(
        f"/api/v1/people/{world.id_of('callum')}", HTTP_AUTHORIZATION=f"Bearer {out.strip()}"
    )
    assert response.status_code == 200


def test_token_revoke_stops_that_token_only(client, call, world) -> None:
    path = f"/api/v1/people/{world.id_of('owen')}"
    second, _ = token_command("create", "police")
    _, err = token_command("revoke", world.tokens["police"])
    assert "revoked" in err
    assert call("police", path).status_code == 401
    response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {second.strip()}")
    assert response.status_code == 200


def test_token_revoke_user_stops_all_of_that_users_tokens(client, call, world) -> None:
    path = f"/api/v1/people/{world.id_of('callum')}"
    second, _ = token_command("create", "police")
    _, err = token_command("revoke", "--user", "police")
    assert "revoked 2 token(s) of police" in err
    for token in (world.tokens["police"], second.strip()):
        assert client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert call("cjsw", path).status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("create", "nobody"), "no user named 'nobody'"),
        (("revoke", "--user", "nobody"), "no user named 'nobody'"),
        (("revoke", "pw_never-issued"), "no live token matches"),
        (("revoke",), "give either a TOKEN"),
    ],
)
def test_token_command_errors_are_clear(make_user, args, message) -> None:
    with pytest.raises(CommandError, match=message):
        token_command(*args)


def test_no_token_for_an_inactive_user(make_user) -> None:
    make_user("gone", is_active=False)
    with pytest.raises(CommandError, match="not active"):
        token_command("create", "gone")
    assert not ApiToken.objects.exists()


def test_the_pathways_command_exits_non_zero_for_an_unknown_user(tmp_path) -> None:
    """The real console script, on its own database: what scripts rely on."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "PATHWAYS_VAR_DIR": str(tmp_path),
        "PATHWAYS_ENV": "test",
    }

    def pathways(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PATHWAYS, *args], env=env, capture_output=True, text=True, timeout=120
        )

    assert pathways("migrate", "--verbosity", "0").returncode == 0
    unknown = pathways("token", "create", "nobody")
    assert unknown.returncode == 1
    assert unknown.stdout == ""
    assert "no user named 'nobody'" in unknown.stderr
