"""/healthz says the server process answers, without the database; /readyz says whether
the database answers and a background worker beat recently, naming what is wrong. Both
open to anyone, never redirected, never audited, and say nothing of anyone's records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from pathways.audit.models import AccessEvent
from pathways.background import heartbeat
from pathways.background.models import WorkerBeat
from tests.world import World


@contextmanager
def database_down() -> Iterator[None]:
    """Every new query fails as psycopg fails when PostgreSQL is stopped."""
    refused = connection.Database.OperationalError("connection refused")
    with mock.patch.object(connection, "create_cursor", side_effect=refused):
        yield


def beat_seconds_ago(seconds: float) -> None:
    heartbeat.register("worker-1")
    WorkerBeat.objects.filter(worker_id="worker-1").update(
        last_beat_at=timezone.now() - dt.timedelta(seconds=seconds)
    )


def checks(response: Any) -> dict[str, str]:
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.json()["checks"]


def test_healthz_answers_without_a_query(
    client: Client, django_assert_num_queries: Any, partnership: None
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_while_the_database_is_down(client: Client, partnership: None) -> None:
    with database_down():
        assert client.get("/healthz").status_code == 200


def test_readyz_is_ready_with_the_database_and_a_fresh_heartbeat(
    client: Client, partnership: None
) -> None:
    beat_seconds_ago(2)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert checks(response) == {"database": "ok", "worker": "ok"}


def test_readyz_names_a_worker_that_stopped_beating(client: Client, partnership: None) -> None:
    beat_seconds_ago(heartbeat.STALE_AFTER_SECONDS + 15)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    found = checks(response)
    assert found["database"] == "ok"
    assert found["worker"].startswith("the background worker's last heartbeat was 4")
    assert f"(more than {heartbeat.STALE_AFTER_SECONDS} s)" in found["worker"]


def test_readyz_names_a_missing_worker(client: Client, partnership: None) -> None:
    response = client.get("/readyz")  # no worker ever started
    assert response.status_code == 503
    assert checks(response)["worker"].startswith("no background worker is running")

    beat_seconds_ago(1)
    heartbeat.stopped("worker-1")  # stopped cleanly: not running either
    assert client.get("/readyz").status_code == 503


def test_readyz_names_the_database_when_it_does_not_answer(
    client: Client, partnership: None
) -> None:
    beat_seconds_ago(1)
    with database_down():
        response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response)["database"] == "the database does not answer"
    assert "connection refused" not in response.content.decode()


@override_settings(SECURE_SSL_REDIRECT=True)
def test_answered_on_plain_http_where_pages_are_sent_to_https(
    client: Client, partnership: None
) -> None:
    beat_seconds_ago(1)
    assert client.get("/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@override_settings(PATHWAYS_TWO_FACTOR=True)
def test_answered_to_a_user_who_still_owes_a_second_factor(client: Client, world: World) -> None:
    beat_seconds_ago(1)
    client.force_login(world.police)
    assert client.get("/")["Location"].startswith("/account/two-factor/")
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_not_audited_and_nothing_written_to_the_audit(
    client: Client, partnership: None, path: str
) -> None:
    beat_seconds_ago(1)
    before = AccessEvent.objects.count()
    client.get(path)
    assert AccessEvent.objects.count() == before


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_only_read(client: Client, partnership: None, path: str) -> None:
    assert client.post(path).status_code == 405
