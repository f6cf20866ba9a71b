"""One page of a long list, and the page numbers to link to."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def page_of(
    request: HttpRequest, items: QuerySet[Any], per_page: int
) -> tuple[Page[Any], list[int | str]]:
    """The requested page (a bad or out-of-range number gives the nearest page) and the
    page numbers to link to, with "…" for the ones left out."""
    paginator: Paginator[Any] = Paginator(items, per_page)
    page = paginator.get_page(request.GET.get("page"))
    numbers = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, numbers
