"""Who is asking, from where: the request id and client address the access audit records.

The middleware sets them for each web and API request; commands set them for the run.
Kept in a context variable so the policy point can write the audit without every caller
passing the request down.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_address: str
    channel: str  # web, api, cli


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "pathways_request_context", default=None
)


def current() -> RequestContext:
    """The context of the request or command being served (a fresh one if none is set)."""
    return _current.get() or RequestContext(uuid.uuid4().hex, "", "cli")


@contextmanager
def serving(context: RequestContext) -> Iterator[RequestContext]:
    """Run a block as `context` (commands use it to name their run)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def request_id_of(request: HttpRequest) -> str:
    """The id a proxy gave the request (X-Request-ID), if it is safe to keep, else a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Sets the request context and echoes the request id in the response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith("/api/") else "web"
        context = RequestContext(
            request_id_of(request), request.META.get("REMOTE_ADDR", ""), channel
        )
        with serving(context):
            response = self.get_response(request)
        response["X-Request-ID"] = context.request_id
        return response
