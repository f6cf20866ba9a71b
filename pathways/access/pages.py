"""What the door's functions share: one page of a list of person data, read inside the
door so that the caller gets rows, not a query it could widen; and a fetched row held
for a step to act on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet

from pathways.people.scoping import door_open


def page_of_rows(
    items: QuerySet[Any], number: object, per_page: int, *, nearest: bool = True
) -> Page[Any]:
    """Page `number` of `items`, its rows read now (call it with the door open). A bad or
    out-of-range number gives the nearest page, or with `nearest` False (the API: a client
    paging on stops cleanly) an empty page of that number."""
    paginator = Paginator(items, per_page)
    if nearest:
        page = paginator.get_page(number)  # type: ignore[arg-type]
    else:
        try:
            page = paginator.page(number)  # type: ignore[arg-type]
        except EmptyPage:
            page = Page([], number, paginator)  # type: ignore[arg-type]
    page.object_list = list(page.object_list)
    return page


class Versioned(Protocol):
    version: int


_V = TypeVar("_V", bound=Versioned)


@contextmanager
def acting_on(found: _V, version: int | None) -> Iterator[_V]:
    """Hold `found` (already fetched and audited by the door) for a step to act on, with
    the `version` the user's page or request showed (a changed row then refuses the step
    as stale); the block runs with the door open, for the step's own queries."""
    if version is not None:
        found.version = version
    with door_open():
        yield found
