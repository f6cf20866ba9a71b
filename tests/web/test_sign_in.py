"""Signing in and out; every page needs a signed-in user."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.world import PASSWORD, World

PAGES = [
    "/",
    "/people/",
    "/people/?q=Referred",
    "/people/1/",
    "/imports/",
    "/imports/1/",
    "/imports/1/rejected.csv",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_send_anonymous_visitors_to_sign_in(client: Client, world: World, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_anonymous_look_at_a_person_is_not_logged_as_a_view(client: Client, world: World) -> None:
    from pathways.audit.models import AccessEvent

    client.get(f"/people/{world.referred.pk}/")
    assert AccessEvent.objects.count() == 0


def test_sign_in_page_has_labelled_fields(client: Client, world: World) -> None:
    html = client.get("/login/").content.decode()
    assert '<html lang="en-GB">' in html
    assert '<label class="ds_label" for="id_username">Username</label>' in html
    assert '<label class="ds_label" for="id_password">Password</label>' in html
    assert html.count("<h1") == 1


def test_sign_in_with_the_right_password_goes_home(client: Client, world: World) -> None:
    response = client.post("/login/", {"username": "police", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Hello, Police" in client.get("/").content.decode()


def test_sign_in_returns_to_the_page_asked_for(client: Client, world: World) -> None:
    response = client.post(
        "/login/", {"username": "police", "password": PASSWORD, "next": "/people/?q=Hidden"}
    )
    assert response["Location"] == "/people/?q=Hidden"


def test_wrong_password_is_refused_with_an_error_summary(client: Client, world: World) -> None:
    response = client.post("/login/", {"username": "police", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "correct username and password" in html
    assert "_auth_user_id" not in client.session


def test_sign_out_is_a_post_and_ends_the_session(client: Client, world: World) -> None:
    client.force_login(world.police)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302
