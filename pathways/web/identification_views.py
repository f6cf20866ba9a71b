"""The candidate queue, a candidate's explanation, and the team's decision on it. Thin:
the rules are in `pathways.identification`, the people come through the sharing door."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pathways.access.candidates import (
    Explanation,
    candidate_page,
    candidate_queue,
    candidate_to_act_on,
    explanation,
)
from pathways.identification.decisions import DecisionRefused, dismiss, refer
from pathways.identification.models import Candidate, Run
from pathways.identification.queue import queue_services, referring_agency
from pathways.partners.capabilities import REFER
from pathways.partners.models import Service
from pathways.referrals.actions import alongside_sentence, open_alongside
from pathways.referrals.transitions import TransitionRefused
from pathways.web.forms.candidates import DismissForm, QueueFilterForm, ReferForm
from pathways.web.pagination import page_links, page_of
from pathways.web.permissions import capability_required, signed_in
from pathways.web.versions import version_shown

PER_PAGE = 50


@require_GET
@capability_required(REFER)
def queue(request: HttpRequest) -> HttpResponse:
    """The open candidates of the user's services, highest priority first."""
    user = signed_in(request)
    codes = queue_services(user)
    names = dict(Service.objects.filter(code__in=codes).values_list("code", "name"))
    form = QueueFilterForm(request.GET, services=[(c, names[c]) for c in codes])
    service, sort = form.chosen()
    page = candidate_queue(
        user, service=service, sort=sort, page=request.GET.get("page"), per_page=PER_PAGE
    )
    page_numbers = page_links(page)
    return render(
        request,
        "identification/queue.html",
        {
            "form": form,
            "candidates": page,
            "page_numbers": page_numbers,
            "has_queue": bool(codes),
            "last_run": Run.objects.filter(status=Run.Status.FINISHED).first(),
        },
    )


@require_GET
@capability_required(REFER)
def candidate(request: HttpRequest, candidate_id: int) -> HttpResponse:
    """Why the rules found this person, and the forms to decide."""
    user = signed_in(request)
    found, explained = candidate_page(user, candidate_id)
    return _candidate_page(request, found, explained)


def _candidate_page(
    request: HttpRequest,
    found: Candidate,
    explained: Explanation | None = None,
    dismiss_form: DismissForm | None = None,
    refer_form: ReferForm | None = None,
) -> HttpResponse:
    """The candidate's page; with a bound form that did not validate, its errors (400)."""
    return render(
        request,
        "identification/candidate.html",
        {
            "candidate": found,
            "explanation": explained or explanation(signed_in(request), found),
            "dismiss_form": dismiss_form or DismissForm(prefix="dismiss"),
            "refer_form": refer_form or ReferForm(prefix="refer"),
        },
        status=400 if dismiss_form or refer_form else 200,
    )


@require_POST
@capability_required(REFER)
def candidate_dismiss(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = signed_in(request)
    form = DismissForm(request.POST, prefix="dismiss")
    with candidate_to_act_on(
        user,
        candidate_id,
        action="dismiss_candidate",
        version=version_shown(request) if form.is_valid() else None,
    ) as found:
        if form.is_valid():
            try:
                dismiss(
                    found,
                    by=user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    on=timezone.localdate(),
                )
            except DecisionRefused as error:
                messages.error(request, str(error))
                return redirect("candidate-queue")
            messages.success(request, f"{found.person} is dismissed as a candidate.")
            return redirect("candidate-queue")
    return _candidate_page(request, found, dismiss_form=form)


@require_POST
@capability_required(REFER)
def candidate_refer(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = signed_in(request)
    form = ReferForm(request.POST, prefix="refer")
    with candidate_to_act_on(
        user,
        candidate_id,
        action="refer_candidate",
        version=version_shown(request) if form.is_valid() else None,
    ) as found:
        others = open_alongside(found.person, found.service) if form.is_valid() else []
        if others and not form.cleaned_data["also"]:
            form.add_error("also", alongside_sentence(found.person, found.service, others))
        elif form.is_valid():
            agency = referring_agency(user, found.service_id)
            try:
                referral = refer(
                    found,
                    by=user,
                    agency=agency,
                    on=timezone.localdate(),
                    note=form.cleaned_data["note"],
                )
            except (DecisionRefused, TransitionRefused) as error:
                messages.error(request, str(error))
                return redirect("candidate-queue")
            messages.success(
                request,
                f"{found.person} is proposed for {found.service.name} (referral {referral.pk}).",
            )
            return redirect("candidate-queue")
    return _candidate_page(request, found, refer_form=form)


@require_GET
@capability_required(REFER)
def runs(request: HttpRequest) -> HttpResponse:
    """Every identification run, newest first: the job page of `pathways identify`."""
    page, page_numbers = page_of(request, Run.objects.select_related("by"), PER_PAGE)
    return render(request, "identification/runs.html", {"runs": page, "page_numbers": page_numbers})
