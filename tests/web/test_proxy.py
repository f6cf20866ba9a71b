"""Behind the TLS proxy the access audit records the client's address, not the proxy's;
without a trusted proxy, or from anywhere else, a request keeps its own address whatever
X-Forwarded-For claims."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from pathways.audit.models import AccessEvent
from pathways.web.proxy import client_address, trusted_networks
from tests.world import World

LOOPBACK = trusted_networks(["127.0.0.1", "::1"])


def test_the_last_forwarded_address_from_a_trusted_proxy() -> None:
    assert client_address("127.0.0.1", "203.0.113.9", LOOPBACK) == "203.0.113.9"
    # Whatever the client wrote before it, the proxy's own entry is the last.
    assert client_address("127.0.0.1", "10.9.9.9, 203.0.113.9", LOOPBACK) == "203.0.113.9"
    assert client_address("::1", "2001:db8::7", LOOPBACK) == "2001:db8::7"
    networks = trusted_networks(["10.0.0.0/8"])
    assert client_address("10.1.2.3", "198.51.100.4", networks) == "198.51.100.4"


def test_anything_else_keeps_its_own_address() -> None:
    assert client_address("198.51.100.20", "203.0.113.9", LOOPBACK) == "198.51.100.20"
    assert client_address("127.0.0.1", None, LOOPBACK) == "127.0.0.1"
    assert client_address("127.0.0.1", "not-an-address", LOOPBACK) == "127.0.0.1"
    assert client_address("127.0.0.1", "203.0.113.9", []) == "127.0.0.1"


def test_a_setting_that_is_not_an_address_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="PATHWAYS_TRUSTED_PROXIES: 'proxy'"):
        trusted_networks(["proxy"])


def last_audited_address(client: Client, world: World, **meta: str) -> str:
    client.force_login(world.police)
    assert client.get(f"/people/{world.referred.pk}/", **meta).status_code == 200
    return AccessEvent.objects.order_by("-id").values_list("client_address", flat=True)[0]


@override_settings(PATHWAYS_TRUSTED_PROXIES=["127.0.0.1"])
def test_the_audit_records_the_client_behind_the_proxy(client: Client, world: World) -> None:
    forwarded = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert last_audited_address(client, world, **forwarded) == "203.0.113.9"


def test_without_a_trusted_proxy_the_header_is_ignored(client: Client, world: World) -> None:
    forwarded = {"REMOTE_ADDR": "198.51.100.20", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert last_audited_address(client, world, **forwarded) == "198.51.100.20"
