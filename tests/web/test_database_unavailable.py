"""While the database cannot be reached, every page answers a plain 503 page in the
service's look and every API endpoint a 503 JSON message, both with Retry-After and
never a stack trace; once it can be reached again, the next request succeeds.

The outage is simulated under Django's database layer: every new cursor fails with the
driver's own OperationalError, as psycopg's does when PostgreSQL is stopped, so the
error rises wherever the request first touches the database (the session behind the
sign-in check for pages, the token for the API)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from pathways.api.tokens import create_token
from pathways.web.unavailable import RETRY_AFTER_SECONDS, server_error
from tests.world import World

DRIVER_MESSAGE = "connection to server at 127.0.0.1, port 5432 failed: Connection refused"


@contextmanager
def database_down() -> Iterator[None]:
    """Every query fails as the driver fails when the server is stopped."""
    refused = connection.Database.OperationalError(DRIVER_MESSAGE)
    with mock.patch.object(connection, "create_cursor", side_effect=refused):
        yield


def assert_no_trace(body: str) -> None:
    for leak in ("Traceback", "OperationalError", DRIVER_MESSAGE, 'File "'):
        assert leak not in body


@pytest.fixture
def client() -> Client:
    # The test client re-raises a view's exception by default; a server answers instead.
    return Client(raise_request_exception=False)


def test_a_page_answers_the_plain_unavailable_page(client: Client, world: World) -> None:
    client.force_login(world.police)
    with database_down():
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert '<html lang="en-GB">' in html
    assert "ds_site-header" in html
    assert '<h1 class="ds_page-header__title">Sorry, the service is unavailable</h1>' in html
    assert "If you were saving something, it has not been saved." in html
    # Rendered without the session: no user named, no menu.
    assert "Signed in as" not in html
    assert "ds_site-navigation" not in html
    assert_no_trace(html)


def test_a_form_posted_during_the_outage_is_told_it_was_not_saved(
    client: Client, world: World
) -> None:
    client.force_login(world.police)
    with database_down():
        response = client.post(f"/people/{world.hidden.pk}/refer/", {"service": "ADAPT"})

    assert response.status_code == 503
    assert "it has not been saved" in response.content.decode()


def test_the_connection_lost_inside_a_view_answers_the_same(client: Client, world: World) -> None:
    client.force_login(world.police)
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch("pathways.web.views.person_page", side_effect=lost):
        response = client.get(f"/people/{world.referred.pk}/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert "Sorry, the service is unavailable" in html
    assert_no_trace(html)


def test_an_api_endpoint_answers_json_with_a_message(client: Client, world: World) -> None:
    token = create_token(world.police)
    with database_down():
        response = client.get("/api/v1/people?q=Jamie", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert "database cannot be reached" in response.json()["message"]
    assert set(response.json()) == {"message"}
    assert_no_trace(response.content.decode())


def test_the_next_request_after_the_outage_succeeds(client: Client, world: World) -> None:
    client.force_login(world.police)
    with database_down():
        assert client.get("/").status_code == 503
    response = client.get("/")
    assert response.status_code == 200
    assert "Signed in as police" in response.content.decode()


def handled(error: Exception) -> int:
    """The status the server-error handler answers while `error` is being handled."""
    try:
        raise error
    except Exception:
        return server_error(RequestFactory().get("/")).status_code


def test_only_the_database_unavailable_is_a_503(world: World) -> None:
    assert handled(OperationalError("server closed the connection unexpectedly")) == 503
    assert handled(InterfaceError("connection already closed")) == 503
    # Caused by a lost connection, whatever the exception it became.
    try:
        try:
            raise OperationalError("terminating connection due to administrator command")
        except OperationalError as lost:
            raise RuntimeError("the page could not be drawn") from lost
    except RuntimeError:
        assert server_error(RequestFactory().get("/")).status_code == 503
    # Any other error is still the service's own fault: the 500 page.
    assert handled(ValueError("a bug")) == 500
    assert handled(KeyError("a bug")) == 500
