"""The data protection officer's pages: the agreements in plain language, and the access
audit — who looked at a person, whom a user looked at, and unusual access. None of them
shows case content: people appear by their Pathways id only."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from pathways.access.audit import unusual_access
from pathways.governance.audit_queries import looks_at_person, looks_by_user
from pathways.partners.capabilities import CONFIGURE, READ_AUDIT
from pathways.sharing.plain_language import agreements_in_words
from pathways.web.pagination import page_of
from pathways.web.permissions import capability_required

EVENTS_PER_PAGE = 100


@require_GET
@capability_required(READ_AUDIT, CONFIGURE)
def agreements(request: HttpRequest) -> HttpResponse:
    """Every information-sharing agreement as a sentence, overdue reviews first."""
    today = timezone.localdate()
    described = agreements_in_words(today)
    return render(
        request,
        "governance/agreements.html",
        {
            "agreements": described,
            "overdue": [d for d in described if d.review_overdue],
            "today": today,
        },
    )


@require_GET
@capability_required(READ_AUDIT)
def audit_home(request: HttpRequest) -> HttpResponse:
    """Look up the audit by person or by user."""
    person = request.GET.get("person", "").strip()
    username = request.GET.get("user", "").strip()
    if person.isdigit():
        return redirect("audit-person", person_id=int(person))
    if username:
        return redirect("audit-user", username=username)
    error = "Give a person's Pathways id (a number)." if person else ""
    return render(request, "audit/home.html", {"error": error, "person": person})


@require_GET
@capability_required(READ_AUDIT)
def audit_person(request: HttpRequest, person_id: int) -> HttpResponse:
    """Who looked at this person: every access event about them, newest first."""
    page, numbers = page_of(request, looks_at_person(person_id), EVENTS_PER_PAGE)
    return render(
        request,
        "audit/events.html",
        {"title": f"Who looked at person {person_id}", "events": page, "page_numbers": numbers},
    )


@require_GET
@capability_required(READ_AUDIT)
def audit_user(request: HttpRequest, username: str) -> HttpResponse:
    """Whom this user looked at: every access event by them, newest first."""
    page, numbers = page_of(request, looks_by_user(username), EVENTS_PER_PAGE)
    return render(
        request,
        "audit/events.html",
        {
            "title": f"Whom {username} looked at",
            "events": page,
            "page_numbers": numbers,
            "by_user": True,
        },
    )


@require_GET
@capability_required(READ_AUDIT)
def audit_unusual(request: HttpRequest) -> HttpResponse:
    """Users whose access looks unusual: many people with no referral linking them, or
    many refusals."""
    return render(
        request,
        "audit/unusual.html",
        {
            "unusual": unusual_access(),
            "days": settings.PATHWAYS_UNUSUAL_DAYS,
            "people": settings.PATHWAYS_UNUSUAL_PEOPLE,
            "refusals": settings.PATHWAYS_UNUSUAL_REFUSALS,
        },
    )
