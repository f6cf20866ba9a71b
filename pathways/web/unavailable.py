"""The answer every request gets while the database is unavailable: a plain 503 page in
the service's look (JSON `{"message": ...}` under /api/), with `Retry-After`, never a
stack trace.

Django turns an exception into a response at every middleware layer
(`django.core.handlers.exception.convert_exception_to_response`), so no middleware sees
an exception raised in another: an error in the session middleware, the sign-in check or
a view all reach the one place they share, the server-error handler (`handler500` in
`pathways.urls`). `server_error` below answers 503 when what went wrong is the database
connection (`OperationalError`, `InterfaceError`), and Django's own 500 page otherwise.

Nothing here touches the database or the session: the page is rendered without the
request's context (no user, no messages), like Django's 500 page. Once the database is
back, the next request succeeds by itself: Django closes a connection that failed at the
end of its request, and checks a kept one before reusing it (`CONN_HEALTH_CHECKS`).
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
# Seconds a client should wait before trying again (the Retry-After header).
RETRY_AFTER_SECONDS = 10
API_MESSAGE = "the service is unavailable: its database cannot be reached; try again shortly"


def is_database_unavailable(error: BaseException | None) -> bool:
    """Whether `error`, or an exception that caused it, is a lost database connection."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 response to `request`: JSON under /api/, the plain page elsewhere."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": API_MESSAGE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # A proxy or browser must not keep the outage's page for the address.
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """The server-error handler (`handler500`): 503 when the exception being handled is
    the database's unavailability, Django's 500 page (500.html) for anything else."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request)
