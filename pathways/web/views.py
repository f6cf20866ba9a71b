"""The home page, search, the person page and the import runs. Thin: person data comes
only through the door (`pathways.access`); the views turn requests into calls and
results into pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from pathways.access.data_quality import dates_out_of_order as dates_listed
from pathways.access.imports import rejected_rows, rejected_rows_download
from pathways.access.people import chronology, events_changed, person_page
from pathways.access.search import find_people
from pathways.events.models import EventKind
from pathways.feeds.models import ImportRun
from pathways.partners.capabilities import (
    MANAGE_IMPORTS,
    REFER,
    VIEW,
    has_capability,
    services_acted_for,
)
from pathways.web.downloads import chronology_csv, rejected_rows_csv
from pathways.web.forms.people import ChronologyFilterForm, PersonSearchForm
from pathways.web.pagination import page_links, page_of
from pathways.web.permissions import capability_required, signed_in

RESULTS_SHOWN = 25
MAX_SEARCH_PAGE = 40  # 1,000 people: narrow the search beyond that
EVENTS_PER_PAGE = 50
RUNS_PER_PAGE = 50
REJECTED_PER_PAGE = 100


@require_GET
@capability_required(VIEW)
def people_search(request: HttpRequest) -> HttpResponse:
    """Search the people the user may see; htmx asks for the results region only."""
    form = PersonSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    asked = request.GET.get("page", "")
    # ASCII digits only ("²" is a digit to isdigit), and no further than MAX_SEARCH_PAGE:
    # a search is for finding someone, not for walking the whole index.
    page = min(int(asked), MAX_SEARCH_PAGE) if asked.isascii() and asked.isdecimal() else 1
    found = find_people(request.user, query, limit=RESULTS_SHOWN, page=page) if query else None
    context = {
        "form": form,
        "query": query,
        "people": found.people if found else [],
        "latest": found.latest if found else {},
        "more": found.more if found else False,
        "page": found.page if found else 1,
        "first": (found.page - 1) * RESULTS_SHOWN + 1 if found else 1,
        "last": (found.page - 1) * RESULTS_SHOWN + len(found.people) if found else 0,
        "shown": RESULTS_SHOWN,
    }
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "people/_results.html" if partial else "people/search.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person: identity, the agency records, referrals and events the user may see.

    People the user may not see get the same 404 as people who do not exist.
    """
    user = signed_in(request)
    shown = person_page(user, person_id)
    filter_form = ChronologyFilterForm(request.GET, counts=shown.counts)
    kind = filter_form.chosen_kind()
    events = shown.events.filter(kind=kind) if kind else shown.events
    total = sum(shown.counts.values())
    page, page_numbers = page_of(
        request, events, EVENTS_PER_PAGE, count=shown.counts.get(kind, 0) if kind else total
    )
    return render(
        request,
        "people/person.html",
        {
            "person": shown.person,
            "records": shown.records,
            "referrals": shown.referrals,
            "orders": shown.orders,
            "acts_for": services_acted_for(user),
            "can_refer": has_capability(user, REFER),
            "events": page,
            "page_numbers": page_numbers,
            "kind": kind,
            "kind_label": EventKind(kind).label if kind else "",
            "all_events": total,
            "filter_form": filter_form,
            "changed": events_changed(user, list(page.object_list)),
        },
    )


@require_GET
@capability_required(MANAGE_IMPORTS)
def import_runs(request: HttpRequest) -> HttpResponse:
    """Every import run, newest first, with its counts."""
    runs = ImportRun.objects.select_related("user").order_by("-started_at", "-id")
    page, page_numbers = page_of(request, runs, RUNS_PER_PAGE)
    return render(request, "imports/runs.html", {"runs": page, "page_numbers": page_numbers})


@require_GET
@capability_required(MANAGE_IMPORTS)
def dates_out_of_order(request: HttpRequest) -> HttpResponse:
    """Referrals held whose dates break the order things happen in, with why."""
    page = dates_listed(signed_in(request), page=request.GET.get("page"), per_page=RUNS_PER_PAGE)
    return render(request, "imports/dates.html", {"rows": page, "page_numbers": page_links(page)})


@require_GET
@capability_required(MANAGE_IMPORTS)
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """One import run: its summary and the rows it rejected, with why."""
    run, page = rejected_rows(
        signed_in(request), run_id, page=request.GET.get("page"), per_page=REJECTED_PER_PAGE
    )
    return render(
        request,
        "imports/run.html",
        {"run": run, "rejected_rows": page, "page_numbers": page_links(page)},
    )


@require_GET
@capability_required(MANAGE_IMPORTS)
def import_run_rejected_csv(request: HttpRequest, run_id: int) -> StreamingHttpResponse:
    """The run's rejected rows as a CSV file, safe to open in a spreadsheet (audited)."""
    run = rejected_rows_download(signed_in(request), run_id)
    response = StreamingHttpResponse(rejected_rows_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-run-{run.pk}-rejected.csv"'
    return response


@require_GET
@login_required
def person_events_csv(request: HttpRequest, person_id: int) -> StreamingHttpResponse:
    """The chronology the user may see, as a CSV download (audited as an export)."""
    found, events = chronology(signed_in(request), person_id, action="export_events")
    response = StreamingHttpResponse(chronology_csv(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{found.pk}-events.csv"'
    return response
