"""One page of a long list, and the page numbers to link to."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def page_of(
    request: HttpRequest, items: QuerySet[Any], per_page: int, count: int | None = None
) -> tuple[Page[Any], list[int | str]]:
    """The requested page (a bad or out-of-range number gives the nearest page) and the
    page numbers to link to, with "…" for the ones left out. `count`, when the caller
    already knows how many items there are, saves counting them again."""
    paginator: Paginator[Any] = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    page = paginator.get_page(request.GET.get("page"))
    return page, page_links(page)


def page_links(page: Page[Any]) -> list[int | str]:
    """The page numbers to link to around `page`, with "…" for the ones left out."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
