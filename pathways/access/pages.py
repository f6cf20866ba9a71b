"""One page of a list of person data, read inside the door so that the caller gets rows,
not a query it could widen."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, Paginator
from django.db.models import QuerySet


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
