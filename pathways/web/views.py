"""The pages. Thin: person data comes only through `pathways.sharing.policy` and
`pathways.access.search`; the views turn requests into calls and results into pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from pathways.access.search import search_people
from pathways.events.models import EventKind
from pathways.feeds.models import ImportRun
from pathways.people.models import Person
from pathways.referrals.consents import services_acted_for
from pathways.sharing.policy import (
    get_person_for,
    record_search,
    visible_events,
    visible_records,
    visible_referrals,
)
from pathways.web.downloads import chronology_csv, rejected_rows_csv
from pathways.web.forms import ChronologyFilterForm, PersonSearchForm
from pathways.web.pagination import page_of
from pathways.web.permissions import (
    capability_required,
    has_capability,
    memberships_of,
    signed_in,
)

RESULTS_SHOWN = 25
EVENTS_PER_PAGE = 50
RUNS_PER_PAGE = 50
REJECTED_PER_PAGE = 100


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Who the user is, their teams and roles, and what their roles let them do."""
    memberships = list(memberships_of(request.user))
    capabilities = {c for m in memberships for c in (m.role.capabilities or [])}
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "can_view": "view" in capabilities,
            "can_manage_imports": has_capability(request.user, "manage_imports"),
            "can_read_audit": has_capability(request.user, "read_audit"),
            "can_configure": request.user.is_staff,
            "search_form": PersonSearchForm(),
        },
    )


@require_GET
@capability_required("view")
def people_search(request: HttpRequest) -> HttpResponse:
    """Search the people the user may see; htmx asks for the results region only."""
    form = PersonSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    people: list[Person] = []
    more = False
    if query:
        found = list(search_people(request.user, query, limit=RESULTS_SHOWN + 1))
        more = len(found) > RESULTS_SHOWN
        people = found[:RESULTS_SHOWN]
        # The query text is kept: the audit log must show what was looked for.
        record_search(
            request.user,
            people,
            detail=f"{len(people)}{'+' if more else ''} result(s) for: {query}",
        )
    context = {"form": form, "query": query, "people": people, "more": more, "shown": RESULTS_SHOWN}
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
    user = request.user
    found = get_person_for(user, person_id, action="view_person")
    events = visible_events(user, found)
    counts = dict(events.order_by().values_list("kind").annotate(n=Count("id")))
    filter_form = ChronologyFilterForm(request.GET, counts=counts)
    kind = filter_form.chosen_kind()
    if kind:
        events = events.filter(kind=kind)
    shown = counts.get(kind, 0) if kind else sum(counts.values())
    page, page_numbers = page_of(request, events, EVENTS_PER_PAGE, count=shown)
    return render(
        request,
        "people/person.html",
        {
            "person": found,
            "records": list(visible_records(user, found)),
            "referrals": list(visible_referrals(user, found)),
            "acts_for": services_acted_for(signed_in(request)),
            "can_refer": has_capability(user, "refer"),
            "events": page,
            "page_numbers": page_numbers,
            "kind": kind,
            "kind_label": EventKind(kind).label if kind else "",
            "all_events": sum(counts.values()),
            "filter_form": filter_form,
        },
    )


@require_GET
@capability_required("manage_imports")
def import_runs(request: HttpRequest) -> HttpResponse:
    """Every import run, newest first, with its counts."""
    runs = ImportRun.objects.select_related("user").order_by("-started_at", "-id")
    page, page_numbers = page_of(request, runs, RUNS_PER_PAGE)
    return render(request, "imports/runs.html", {"runs": page, "page_numbers": page_numbers})


@require_GET
@capability_required("manage_imports")
def import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """One import run: its summary and the rows it rejected, with why."""
    run = get_object_or_404(ImportRun.objects.select_related("user"), pk=run_id)
    page, page_numbers = page_of(
        request, run.rejected_rows.order_by("line", "id"), REJECTED_PER_PAGE
    )
    return render(
        request,
        "imports/run.html",
        {"run": run, "rejected_rows": page, "page_numbers": page_numbers},
    )


@require_GET
@capability_required("manage_imports")
def import_run_rejected_csv(request: HttpRequest, run_id: int) -> StreamingHttpResponse:
    """The run's rejected rows as a CSV file, safe to open in a spreadsheet."""
    run = get_object_or_404(ImportRun, pk=run_id)
    response = StreamingHttpResponse(rejected_rows_csv(run), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-run-{run.pk}-rejected.csv"'
    return response


@require_GET
@login_required
def person_events_csv(request: HttpRequest, person_id: int) -> StreamingHttpResponse:
    """The chronology the user may see, as a CSV download (audited as an export)."""
    found = get_person_for(request.user, person_id, action="export_events")
    events = visible_events(request.user, found)
    response = StreamingHttpResponse(chronology_csv(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="person-{found.pk}-events.csv"'
    return response
