"""Each web and API request is served with the door shut (`people.scoping`): person data
only through the door's functions, which open it for their own work."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pathways.people.scoping import door_shut


class DoorShut:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with door_shut():
            return self.get_response(request)
