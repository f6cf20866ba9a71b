"""API v1: people and their events, through the door (`pathways.access`) only.

Every error is JSON with a `message`; a person the caller may not see answers exactly
as a person who does not exist (404), and the refusal is logged.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from pathways.access.people import chronology, person_record
from pathways.access.search import find_people as search
from pathways.api.alerts import router as alerts_router
from pathways.api.candidates import router as candidates_router
from pathways.api.casework import router as casework_router
from pathways.api.ids import an_id
from pathways.api.outcomes import router as outcomes_router
from pathways.api.referrals import people_router as people_referrals_router
from pathways.api.referrals import router as referrals_router
from pathways.api.schemas import EventOut, EventPage, Message, PersonOut, PersonSummary
from pathways.api.tokens import user_for_token
from pathways.events.models import EventKind

logger = logging.getLogger(__name__)
EVENTS_PER_PAGE = 50


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Pathways API",
    version="1",
    description="People, agency records, referrals and events — only what the caller may see.",
    urls_namespace="api-v1",
    auth=BearerToken(),
)


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"message": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    response = _error(request, 401, "a valid API token is required (Authorization: Bearer …)")
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, str(exc) or "not found")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "request"
        problems.append(f"{where}: {error.get('msg', 'is not valid')}")
    return _error(request, 422, "; ".join(problems) or "the request is not valid")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        # django-ninja's one 400: a body it cannot parse. Every operation documents 422
        # for a request it cannot take as sent (OpenAPI), so that is what this answers.
        return _error(request, 422, "the request body is not valid JSON")
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def _database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database cannot be reached: left to the server's error handler, which answers
    503 with a message on every endpoint and page alike (pathways.web.unavailable)."""
    raise exc


@api.exception_handler(Exception)
def _internal(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s", request.path)
    return _error(request, 500, "internal error")


def _given_once(request: HttpRequest, *names: str) -> None:
    """Refuse a query parameter given more than once (ninja would silently take the last)."""
    for name in names:
        if len(request.GET.getlist(name)) > 1:
            raise HttpError(422, f"{name}: give it once")


@api.get(
    "/people",
    response={200: list[PersonSummary], 401: Message, 422: Message},
    summary="Find people",
)
def find_people(request: HttpRequest, q: str = Query(..., min_length=2, max_length=200)) -> Any:
    """People the caller may see whose name, date of birth or agency reference matches `q`.

    At most 25: exact agency references first, then people whose family name starts with
    a word of `q` (by family name, given name, date of birth), then those whose given
    name does (by given name, family name, date of birth).
    """
    _given_once(request, "q")
    # No name or reference holds a NUL character, and PostgreSQL text cannot.
    q = q.replace("\x00", "")
    return search(request.user, q).people


@api.get(
    "/people/{person_id}",
    response={200: PersonOut, 401: Message, 404: Message, 422: Message},
    summary="One person",
)
def person(request: HttpRequest, person_id: int = an_id()) -> Any:
    """A person with the agency records and referrals the caller may see."""
    shown = person_record(request.user, person_id)
    found = shown.person
    return {
        "id": found.pk,
        "given_name": found.given_name,
        "family_name": found.family_name,
        "date_of_birth": found.date_of_birth,
        "sex": found.sex,
        "records": [
            {
                "agency": r.agency_id,
                "person_ref": r.person_ref,
                "given_name": r.given_name,
                "family_name": r.family_name,
                "date_of_birth": r.date_of_birth,
                "sex": r.sex,
                "postcode": r.postcode,
                "area": r.area_id,
                "link_method": r.link_method,
            }
            for r in shown.records
        ],
        "referrals": [
            {
                "id": r.pk,
                "service": r.service_id,
                "referred_on": r.referred_on,
                "state": r.state,
                "decision": r.decision,
                "decided_on": r.decided_on,
                "consent_on": r.consent_on,
                "started_on": r.started_on,
                "ended_on": r.ended_on,
                "end_reason": r.end_reason,
            }
            for r in shown.referrals
        ],
    }


@api.get(
    "/people/{person_id}/events",
    response={200: EventPage, 401: Message, 404: Message, 422: Message},
    summary="A person's events, newest first",
)
def person_events(
    request: HttpRequest,
    person_id: int = an_id(),
    kind: EventKind | None = None,
    page: int = Query(1, ge=1),
) -> Any:
    """The person's events the caller may see, newest first, 50 a page.

    A page past the last is empty (with the total), so a client paging on stops cleanly.
    """
    _given_once(request, "kind", "page")
    _, events = chronology(request.user, person_id, action="view_events")
    if kind:
        events = events.filter(kind=kind)
    paginator = Paginator(events, EVENTS_PER_PAGE)
    try:
        current = list(paginator.page(page))
    except EmptyPage:
        current = []
    return {
        "total": paginator.count,
        "page": page,
        "pages": paginator.num_pages,
        "per_page": EVENTS_PER_PAGE,
        "events": [
            EventOut(
                agency=e.agency_id,
                event_ref=e.event_ref,
                kind=e.kind,
                occurred_at=e.occurred_at,
                occurred_on=e.occurred_on,
                crime_group=e.crime_group,
                category=e.category,
                area=e.area_id,
                flags=e.flag_list,
                disposal=e.disposal,
                offence_date=e.offence_date,
            )
            for e in current
        ],
    }


api.add_router("/candidates", candidates_router)
api.add_router("/referrals", referrals_router)
api.add_router("/people", people_referrals_router)
api.add_router("", alerts_router)
api.add_router("", outcomes_router)
api.add_router("", casework_router)
# Last, so every real endpoint above (and in the routers) is matched first.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False, auth=None
)
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything else under /api/v1/ is a JSON 404, not an HTML page."""
    return _error(request, 404, f"no such endpoint: /api/v1/{rest}")


api.add_router("", fallback)
