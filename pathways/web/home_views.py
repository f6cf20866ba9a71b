"""The home page, which says what to do first, and the caseload. Thin: the counts come
from `access.work_waiting`, the cases from `access.caseload`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from pathways.access.caseload import caseload_for
from pathways.access.work_waiting import Waiting, work_waiting
from pathways.partners.capabilities import (
    MANAGE_IMPORTS,
    READ_AUDIT,
    RESEARCH_EXTRACT,
    VIEW,
    has_capability,
    services_acted_for,
)
from pathways.partners.memberships import memberships_of
from pathways.web.forms.people import PersonSearchForm
from pathways.web.permissions import signed_in

# The page each kind of waiting work leads to: its address name and the part of it.
WAITING_PAGES = {
    "to_decide": ("referral-inbox", "#to-decide"),
    "overdue": ("referral-inbox", "#overdue"),
    "to_approve": ("referral-inbox", "#to-approve"),
    "to_send": ("referral-inbox", "#to-send"),
    "to_engage": ("referral-inbox", "#to-engage"),
    "alerts": ("alerts", ""),
    "casework": ("casework-due", "#due"),
    "caseload": ("caseload", "#mine"),
    "candidates": ("candidate-queue", ""),
    "custody": ("custody-visits", ""),
    "pairs": ("link-queue", ""),
    "imports": ("import-runs", ""),
    "dates": ("dates-out-of-order", ""),
    "unusual": ("audit-unusual", ""),
    "agreements": ("agreements", ""),
}
# How many of the user's own cases the home page lists (the caseload page has them all).
CASES_ON_HOME = 10


def _linked(waiting: list[Waiting]) -> list[tuple[Waiting, str]]:
    return [(w, reverse(WAITING_PAGES[w.key][0]) + WAITING_PAGES[w.key][1]) for w in waiting]


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What needs doing first, then the user's cases, then search and their teams."""
    user = signed_in(request)
    today = timezone.localdate()
    can_view = has_capability(user, VIEW)
    caseload = (
        caseload_for(user, today, mine_shown=CASES_ON_HOME)
        if can_view and services_acted_for(user)
        else None
    )
    return render(
        request,
        "home.html",
        {
            "waiting": _linked(work_waiting(user, today, caseload)) if user.is_active else [],
            "caseload": caseload,
            "my_cases": caseload.mine[:CASES_ON_HOME] if caseload else [],
            "memberships": list(memberships_of(user)),
            "can_view": can_view,
            "can_manage_imports": has_capability(user, MANAGE_IMPORTS),
            "can_read_audit": has_capability(user, READ_AUDIT),
            "can_extract": has_capability(user, RESEARCH_EXTRACT),
            "can_configure": user.is_staff,
            "search_form": PersonSearchForm(),
        },
    )


@require_GET
@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    """The user's own cases, the rest of their team's (with the worker), and the cases
    ended in the last few months, read-only."""
    user = signed_in(request)
    if not (has_capability(user, VIEW) and services_acted_for(user)):
        return render(request, "caseload.html", {"caseload": None}, status=200)
    return render(request, "caseload.html", {"caseload": caseload_for(user, timezone.localdate())})
