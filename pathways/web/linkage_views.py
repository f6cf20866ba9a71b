"""The linkage review: the queue of doubtful pairs, one pair side by side with what the
model made of each field, a person's records to split, the changes made, to undo, and
each agency's own duplicates, to tell it. Thin: the records come through the door
(`pathways.access.linkage`), the decisions are linkage's (`pathways.linkage.services`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from pathways.access.linkage import (
    PairShown,
    agency_duplicates_download,
    agency_duplicates_for,
    decide_pair,
    link_changes,
    mark_duplicates_sent,
    pair_for,
    person_records_for_review,
    review_queue,
    split_off,
    undo_change,
)
from pathways.linkage.models import LinkRun
from pathways.linkage.services import DUPLICATE_COLUMNS, LinkChangeRefused, thresholds
from pathways.partners.capabilities import MANAGE_IMPORTS, REVIEW_LINKS
from pathways.partners.models import Agency
from pathways.web.downloads import csv_lines
from pathways.web.forms.linkage import (
    DuplicatesFilterForm,
    LinkDecisionForm,
    MarkSentForm,
    SplitForm,
)
from pathways.web.forms.refusals import as_sentence
from pathways.web.pagination import page_links, page_of
from pathways.web.permissions import capability_required, signed_in

PER_PAGE = 50


@require_GET
@capability_required(REVIEW_LINKS)
def queue(request: HttpRequest) -> HttpResponse:
    """The pairs waiting for a decision, most likely first."""
    page = review_queue(signed_in(request), page=request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request, "linkage/queue.html", {"reviews": page, "page_numbers": page_links(page)}
    )


def _pair_page(
    request: HttpRequest, shown: PairShown, form: LinkDecisionForm | None = None
) -> HttpResponse:
    return render(
        request,
        "linkage/pair.html",
        {
            "review": shown.review,
            "records": shown.records,
            "form": form or LinkDecisionForm(),
            "waterfall": shown.waterfall,
            "bands": thresholds(),
        },
        status=400 if form is not None else 200,
    )


@require_GET
@capability_required(REVIEW_LINKS)
def pair(request: HttpRequest, review_id: int) -> HttpResponse:
    """Two records side by side, each field's agreement and weight, and the decision."""
    return _pair_page(request, pair_for(signed_in(request), review_id))


@require_POST
@capability_required(REVIEW_LINKS)
def pair_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    user = signed_in(request)
    form = LinkDecisionForm(request.POST)
    if not form.is_valid():
        return _pair_page(request, pair_for(user, review_id), form)
    same = form.cleaned_data["decision"] == "same"
    try:
        decide_pair(user, review_id, same_person=same, reason=form.cleaned_data["reason"])
    except LinkChangeRefused as error:
        messages.error(request, f"Not decided: {error}.")
        return redirect("link-review", review_id=review_id)
    messages.success(
        request,
        f"Pair {review_id}: " + ("linked as one person." if same else "kept apart as two people."),
    )
    return redirect("link-queue")


@require_GET
@capability_required(REVIEW_LINKS)
def person_records(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's records, to split off any that are someone else."""
    person, records = person_records_for_review(signed_in(request), person_id)
    return render(
        request,
        "linkage/person.html",
        {"person": person, "records": records, "form": SplitForm(records=records)},
    )


@require_POST
@capability_required(REVIEW_LINKS)
def person_split(request: HttpRequest, person_id: int) -> HttpResponse:
    user = signed_in(request)
    person, records = person_records_for_review(user, person_id)
    form = SplitForm(request.POST, records=records)
    if form.is_valid():
        try:
            change = split_off(
                user,
                person.pk,
                [int(pk) for pk in form.cleaned_data["records"]],
                reason=form.cleaned_data["reason"],
            )
        except LinkChangeRefused as error:
            form.add_error("records", as_sentence(error))
        else:
            messages.success(
                request, f"Split: the records chosen are now person {change.other_person_id}."
            )
            return redirect("link-person", person_id=person.pk)
    return render(
        request,
        "linkage/person.html",
        {"person": person, "records": records, "form": form},
        status=400,
    )


@require_GET
@capability_required(REVIEW_LINKS)
def changes(request: HttpRequest) -> HttpResponse:
    """Merges and splits made by people, newest first, each with its undo."""
    page = link_changes(signed_in(request), page=request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request, "linkage/changes.html", {"changes": page, "page_numbers": page_links(page)}
    )


@require_POST
@capability_required(REVIEW_LINKS)
def change_undo(request: HttpRequest, change_id: int) -> HttpResponse:
    try:
        change = undo_change(signed_in(request), change_id)
    except LinkChangeRefused as error:
        messages.error(request, f"Not undone: {error}.")
    else:
        messages.success(request, f"The {change.kind} of change {change.pk} is undone.")
    return redirect("link-changes")


@require_GET
@capability_required(REVIEW_LINKS, MANAGE_IMPORTS)
def runs(request: HttpRequest) -> HttpResponse:
    """Every run of `pathways link`, newest first: where a running one has got to, what
    a finished one did, why a failed one failed."""
    page, page_numbers = page_of(request, LinkRun.objects.all(), PER_PAGE)
    return render(request, "linkage/runs.html", {"runs": page, "page_numbers": page_numbers})


@require_GET
@capability_required(REVIEW_LINKS)
def duplicates(request: HttpRequest) -> HttpResponse:
    """An agency's own records that are one person, side by side with the record each
    duplicates, to tell the agency and mark the pairs sent."""
    agencies = list(Agency.objects.order_by("name").values_list("code", "name"))
    form = DuplicatesFilterForm(request.GET, agencies=agencies)
    code, state = form.chosen()
    context: dict[str, object] = {"form": form, "state": state}
    if code is not None:
        agency, page = agency_duplicates_for(
            signed_in(request), code, state=state, page=request.GET.get("page"), per_page=PER_PAGE
        )
        context.update(
            agency=agency,
            pairs=page,
            page_numbers=page_links(page),
            new_shown=[pair for pair in page.object_list if pair.sent is None],
        )
    return render(request, "linkage/duplicates.html", context)


@require_GET
@capability_required(REVIEW_LINKS)
def duplicates_csv(request: HttpRequest, agency: str) -> StreamingHttpResponse:
    """Every pair of the agency as `pathways export duplicates` writes them (audited)."""
    found, rows = agency_duplicates_download(signed_in(request), agency)
    response = StreamingHttpResponse(csv_lines(DUPLICATE_COLUMNS, rows),
                                     content_type="text/csv; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{found.code}-duplicates.csv"'
    return response


@require_POST
@capability_required(REVIEW_LINKS)
def duplicates_sent(request: HttpRequest, agency: str) -> HttpResponse:
    """Mark pairs as sent to the agency, then show the list where the officer was."""
    form = MarkSentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing marked: choose the pairs sent to the agency.")
        return redirect(reverse("link-duplicates") + "?" + urlencode({"agency": agency}))
    marked = mark_duplicates_sent(signed_in(request), agency, form.cleaned_data["pair"])
    if marked.new:
        messages.success(request, f"{_pairs(marked.new)} marked as sent to the agency.")
    if marked.before:
        messages.info(request, f"{_pairs(marked.before)} marked as sent before: unchanged.")
    if marked.gone:
        messages.error(
            request, f"{_pairs(marked.gone)} no longer one person, or changed: not marked."
        )
    back = {"agency": agency, "state": form.cleaned_data["state"] or "all"}
    if form.cleaned_data["page"]:
        back["page"] = str(form.cleaned_data["page"])
    return redirect(reverse("link-duplicates") + "?" + urlencode(back))


def _pairs(pairs: list[tuple[int, int]]) -> str:
    return f"{len(pairs)} pair{pluralize(len(pairs))}"
