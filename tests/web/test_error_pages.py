"""The 404, 403 and 500 pages look like the rest of the service."""

from __future__ import annotations

from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.world import World


def test_unknown_address_gets_the_designed_404(client: Client, world: World) -> None:
    client.force_login(world.police)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en-GB">' in html
    assert "ds_site-header" in html
    assert '<h1 class="ds_page-header__title">Page not found</h1>' in html


def test_forbidden_page_gets_the_designed_403(client: Client, world: World) -> None:
    client.force_login(world.police)
    response = client.get("/imports/")
    assert response.status_code == 403
    assert '<h1 class="ds_page-header__title">You cannot open this page</h1>' in (
        response.content.decode()
    )


def test_server_error_page_renders_without_a_request_context(world: World) -> None:
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "ds_site-footer" in html
    assert "Sign out" not in html
