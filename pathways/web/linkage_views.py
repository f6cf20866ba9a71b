"""The linkage review: the queue of doubtful pairs, one pair side by side with what the
model made of each field, a person's records to split, and the changes made, to undo.
Thin: the records come through the door (`pathways.access.linkage`), the decisions are
linkage's (`pathways.linkage.services`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pathways.access.linkage import (
    PairShown,
    decide_pair,
    link_changes,
    pair_for,
    person_records_for_review,
    review_queue,
    split_off,
    undo_change,
)
from pathways.linkage.models import LinkRun
from pathways.linkage.services import LinkChangeRefused, thresholds
from pathways.partners.capabilities import MANAGE_IMPORTS, REVIEW_LINKS
from pathways.web.forms.linkage import LinkDecisionForm, SplitForm
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
            form.add_error("records", f"{str(error)[:1].upper()}{str(error)[1:]}.")
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
