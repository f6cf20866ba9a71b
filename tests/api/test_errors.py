"""Every API error is JSON with a `message`: 401, 404, 405, 500; and the OpenAPI document."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

import pathways.access.search
import pathways.api.endpoints
from pathways.api.tokens import revoke_token

pytestmark = pytest.mark.django_db


def _is_json_message(response) -> bool:
    body = response.json()
    return response["Content-Type"].startswith("application/json") and isinstance(
        body.get("message"), str
    )


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic cG9saWNlOnRlc3QtcGFzc3dvcmQ=",
        "Bearer pw_not-a-real-token",
        "Bearer not-even-our-format",
        "Bearer pw_" + "x" * 500,
    ],
)
def test_a_missing_or_invalid_token_is_a_json_401(client, world, authorization) -> None:
    headers = {} if authorization is None else {"HTTP_AUTHORIZATION": authorization}
    for path in (
        "/api/v1/people?q=Baird",
        f"/api/v1/people/{world.id_of('owen')}",
        f"/api/v1/people/{world.id_of('owen')}/events",
    ):
        response = client.get(path, **headers)
        assert response.status_code == 401
        assert _is_json_message(response)
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_is_a_json_401(call, world) -> None:
    path = f"/api/v1/people/{world.id_of('owen')}"
    assert call("police", path).status_code == 200
    assert revoke_token(world.tokens["police"]) is True
    response = call("police", path)
    assert response.status_code == 401 and _is_json_message(response)


def test_a_deactivated_users_token_is_a_json_401(call, world) -> None:
    get_user_model().objects.filter(username="police").update(is_active=False)
    response = call("police", f"/api/v1/people/{world.id_of('owen')}")
    assert response.status_code == 401 and _is_json_message(response)


def test_a_signed_in_browser_session_is_not_an_api_credential(client, world) -> None:
    client.force_login(world.users["police"])
    assert client.get(f"/api/v1/people/{world.id_of('owen')}").status_code == 401


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing", "/api/v1/people/1/photos", "/api/v1/", "/api/v1/people/"]
)
def test_an_unknown_api_path_is_a_json_404(client, call, world, path) -> None:
    for response in (call("police", path), client.get(path)):
        assert response.status_code == 404
        assert _is_json_message(response)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_method_the_endpoint_does_not_take_is_a_json_405(call, world, method) -> None:
    for path in ("/api/v1/people", f"/api/v1/people/{world.id_of('owen')}"):
        response = call("police", path, method=method)
        assert response.status_code == 405
        assert response.json() == {"message": "method not allowed"}
        assert "GET" in response["Allow"]


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_is_a_json_500_without_details(
    call, world, settings, monkeypatch, debug
) -> None:
    settings.DEBUG = debug

    def broken(*args, **kwargs):
        raise RuntimeError("secret table name people_agencyrecord")

    monkeypatch.setattr(pathways.access.search, "search_people", broken)
    response = call("police", "/api/v1/people?q=Baird")
    assert response.status_code == 500
    assert response.json() == {"message": "internal error"}
    assert b"secret" not in response.content and b"Traceback" not in response.content


def test_the_openapi_document_lists_every_endpoint_and_bearer_auth(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Pathways API"
    assert document["info"]["version"] == "1"
    assert set(document["paths"]) == {
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/people/{person_id}/events",
        "/api/v1/candidates",
        "/api/v1/candidates/{candidate_id}",
        "/api/v1/candidates/{candidate_id}/dismiss",
        "/api/v1/candidates/{candidate_id}/refer",
        "/api/v1/referrals",
        "/api/v1/referrals/{referral_id}",
        "/api/v1/referrals/{referral_id}/{action}",
        "/api/v1/referrals/{referral_id}/consent",
        "/api/v1/referrals/{referral_id}/engagement",
        "/api/v1/referrals/{referral_id}/contacts",
        "/api/v1/referrals/{referral_id}/end",
        "/api/v1/alerts",
        "/api/v1/alerts/{alert_id}/read",
        "/api/v1/custody",
        "/api/v1/custody/{visit_id}",
        "/api/v1/people/{person_id}/referrals",
        "/api/v1/outcomes",
        "/api/v1/casework/due",
        "/api/v1/casework/orders/{order_id}",
        "/api/v1/casework/orders/{order_id}/sessions",
        "/api/v1/casework/orders/{order_id}/sessions/{session_id}/attendance",
        "/api/v1/casework/orders/{order_id}/warnings",
        "/api/v1/casework/orders/{order_id}/breaches",
        "/api/v1/casework/reports/{report_id}",
        "/api/v1/casework/reports/{report_id}/submit",
        "/api/v1/casework/squads/{project}/{on}",
        "/api/v1/casework/figures",
    }
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert sorted(method for ops in document["paths"].values() for method in ops) == (
        ["get"] * 15 + ["post"] * 16
    )
    for operation in operations:
        assert {"401", "422"} <= set(operation["responses"])
        assert {"200", "201"} & set(operation["responses"])
    schemes = document["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
