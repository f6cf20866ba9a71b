"""The linkage review: the queue of doubtful pairs, one pair side by side with what the
model made of each field, a person's records to split, and the changes made, to undo.
Thin: the work is in `pathways.people` (review, merging), the records come through the
sharing door (`sharing.linkage_access`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from pathways.access.linkage import (
    link_changes,
    person_records_for_review,
    record_queue_look,
    review_for,
    review_queue,
)
from pathways.linkage.internals.merging import LinkChangeRefused, split_records, undo
from pathways.linkage.internals.model_store import current_model
from pathways.linkage.internals.review import decide, explain
from pathways.linkage.internals.scoring import prior_weight
from pathways.linkage.internals.thresholds import thresholds
from pathways.linkage.models import LinkReview, LinkRun
from pathways.web.forms import LinkDecisionForm, SplitForm
from pathways.web.pagination import page_of
from pathways.web.permissions import capability_required, signed_in

PER_PAGE = 50

# What each compared field is called on the page.
FIELD_NAMES = {
    "given": "Given name", "family": "Family name", "dob": "Date of birth", "sex": "Sex",
    "postcode": "Postcode", "address": "Address",
}  # fmt: skip


@require_GET
@capability_required("review_links")
def queue(request: HttpRequest) -> HttpResponse:
    """The pairs waiting for a decision, most likely first."""
    user = signed_in(request)
    page, page_numbers = page_of(request, review_queue(user), PER_PAGE)
    if page.object_list:
        record_queue_look(user, page.object_list)
    return render(request, "linkage/queue.html", {"reviews": page, "page_numbers": page_numbers})


def _waterfall(review: LinkReview) -> dict[str, Any]:
    """The pair's score: the prior, each field's part of the weight, the total."""
    score = explain(review.record_a, review.record_b)
    model = current_model()
    steps: list[dict[str, Any]] = []
    running = prior_weight(model)
    for part in score.parts:
        running += part.weight
        steps.append({"name": FIELD_NAMES.get(part.comparison, part.comparison), "part": part,
                      "running": running})  # fmt: skip
    largest = max([abs(prior_weight(model)), 1.0] + [abs(p.weight) for p in score.parts])
    for step in steps:
        step["width"] = round(100 * abs(step["part"].weight) / largest)
    return {
        "prior": prior_weight(model),
        "prior_width": round(100 * abs(prior_weight(model)) / largest),
        "steps": steps,
        "score": score,
    }


def _pair_page(
    request: HttpRequest, review: LinkReview, form: LinkDecisionForm | None = None
) -> HttpResponse:
    return render(
        request,
        "linkage/pair.html",
        {
            "review": review,
            "records": [review.record_a, review.record_b],
            "form": form or LinkDecisionForm(),
            "waterfall": _waterfall(review),
            "bands": thresholds(),
        },
        status=400 if form is not None else 200,
    )


@require_GET
@capability_required("review_links")
def pair(request: HttpRequest, review_id: int) -> HttpResponse:
    """Two records side by side, each field's agreement and weight, and the decision."""
    return _pair_page(request, review_for(signed_in(request), review_id))


@require_POST
@capability_required("review_links")
def pair_decide(request: HttpRequest, review_id: int) -> HttpResponse:
    user = signed_in(request)
    review = review_for(user, review_id)
    form = LinkDecisionForm(request.POST)
    if not form.is_valid():
        return _pair_page(request, review, form)
    same = form.cleaned_data["decision"] == "same"
    try:
        decide(review, same_person=same, reason=form.cleaned_data["reason"], by=user)
    except LinkChangeRefused as error:
        messages.error(request, f"Not decided: {error}.")
        return redirect("link-review", review_id=review.pk)
    messages.success(
        request,
        f"Pair {review.pk}: " + ("linked as one person." if same else "kept apart as two people."),
    )
    return redirect("link-queue")


@require_GET
@capability_required("review_links")
def person_records(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's records, to split off any that are someone else."""
    person, records = person_records_for_review(signed_in(request), person_id)
    return render(
        request,
        "linkage/person.html",
        {"person": person, "records": records, "form": SplitForm(records=records)},
    )


@require_POST
@capability_required("review_links")
def person_split(request: HttpRequest, person_id: int) -> HttpResponse:
    user = signed_in(request)
    person, records = person_records_for_review(user, person_id)
    form = SplitForm(request.POST, records=records)
    if form.is_valid():
        try:
            change = split_records(
                person.pk,
                [int(pk) for pk in form.cleaned_data["records"]],
                by=user,
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
@capability_required("review_links")
def changes(request: HttpRequest) -> HttpResponse:
    """Merges and splits made by people, newest first, each with its undo."""
    page, page_numbers = page_of(request, link_changes(signed_in(request)), PER_PAGE)
    return render(request, "linkage/changes.html", {"changes": page, "page_numbers": page_numbers})


@require_POST
@capability_required("review_links")
def change_undo(request: HttpRequest, change_id: int) -> HttpResponse:
    user = signed_in(request)
    change = get_object_or_404(link_changes(user), pk=change_id)
    try:
        undo(change, by=user)
    except LinkChangeRefused as error:
        messages.error(request, f"Not undone: {error}.")
    else:
        messages.success(request, f"The {change.kind} of change {change.pk} is undone.")
    return redirect("link-changes")


@require_GET
@capability_required("review_links", "manage_imports")
def runs(request: HttpRequest) -> HttpResponse:
    """Every run of `pathways link`, newest first: where a running one has got to, what
    a finished one did, why a failed one failed."""
    page, page_numbers = page_of(request, LinkRun.objects.all(), PER_PAGE)
    return render(request, "linkage/runs.html", {"runs": page, "page_numbers": page_numbers})
