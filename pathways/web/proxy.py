"""Behind the TLS proxy, the client's own address: the access audit records the address a
request came from (`audit.context`), and every request reaches gunicorn from the proxy.

When a request comes from one of `PATHWAYS_TRUSTED_PROXIES` (addresses or networks; none
by default, so nothing changes without a proxy), its `REMOTE_ADDR` becomes the last
address of `X-Forwarded-For`: the one the proxy itself saw and added (nginx's
`$proxy_add_x_forwarded_for`, Caddy's default). Addresses before it were written by the
client or proxies outside the partnership's control, and are not believed. A request
from anywhere else keeps its own address, whatever it claims.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: list[str]) -> list[Network]:
    """The proxies' networks from the setting's entries (an address is a network of one)."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(f"PATHWAYS_TRUSTED_PROXIES: {entry!r}: {error}") from None
    return networks


def client_address(peer: str, forwarded_for: str | None, trusted: list[Network]) -> str:
    """The client's address: the last of `forwarded_for` when `peer` is a trusted proxy
    and that entry is an IP address, `peer` otherwise."""
    if not forwarded_for or not trusted:
        return peer
    try:
        if not any(ipaddress.ip_address(peer) in network for network in trusted):
            return peer
        last = forwarded_for.split(",")[-1].strip()
        return str(ipaddress.ip_address(last))
    except ValueError:
        return peer


class ClientAddressFromProxy:
    """Sets `REMOTE_ADDR` to the client's address behind a trusted proxy (module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = trusted_networks(settings.PATHWAYS_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR"),
                self.trusted,
            )
        return self.get_response(request)
