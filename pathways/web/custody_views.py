"""The custody peer mentors' list of people held in custody, and the record of each
visit. Thin: the rules are in `pathways.cases.custody`; the visits come through the door
(`pathways.access.custody`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pathways.access.custody import custody_visits, visit_to_act_on
from pathways.cases.amendments import VISIT_LABELS, amend_custody_visit
from pathways.cases.custody import do_record_visit
from pathways.cases.models import CustodyVisit
from pathways.partners.capabilities import RECORD_CONTACT
from pathways.partners.models import Service
from pathways.referrals.transitions import DateOutOfOrder, TransitionRefused
from pathways.web.forms.corrections import CorrectVisitForm
from pathways.web.forms.custody import CustodyVisitForm
from pathways.web.forms.refusals import add_refusal
from pathways.web.pagination import page_links
from pathways.web.permissions import capability_required, signed_in
from pathways.web.versions import version_shown

PER_PAGE = 50


def _history(visit: CustodyVisit) -> dict[str, object]:
    """The visit's corrections and the names of the services it signposted (read in the
    door's block, with the visit)."""
    names = dict(Service.objects.filter(code__in=visit.signposted_to).values_list("code", "name"))
    return {
        "amendments": list(visit.amendments.select_related("by")),
        "signposted": [names.get(code, code) for code in visit.signposted_to],
    }


@capability_required(RECORD_CONTACT)
def visits(request: HttpRequest) -> HttpResponse:
    page = custody_visits(signed_in(request), page=request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request, "cases/custody_list.html", {"visits": page, "page_numbers": page_links(page)}
    )


@capability_required(RECORD_CONTACT)
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = signed_in(request)
    version = version_shown(request) if request.method == "POST" else None
    with visit_to_act_on(user, visit_id, version=version) as found:
        form = CustodyVisitForm(request.POST or None, person=found.person)
        if form.is_bound and form.is_valid() and found.outcome == CustodyVisit.Outcome.WAITING:
            data = form.cleaned_data
            try:
                do_record_visit(
                    user,
                    found,
                    outcome=data["outcome"],
                    seen_on=data["seen_on"],
                    conversation=data["conversation"],
                    signposted_to=data["signposted_to"],
                )
            except DateOutOfOrder as error:
                add_refusal(form, error, date_field="seen_on")
            except TransitionRefused as error:
                messages.error(request, f"Not done: {error}.")
                return redirect("custody-visits")
            else:
                messages.success(request, f"The visit to {found.person} is recorded.")
                return redirect("custody-visits")
        shown = _history(found)
    return render(
        request, "cases/custody_visit.html", {"visit": found, "form": form, **shown},
        status=400 if form.is_bound else 200,
    )  # fmt: skip


@capability_required(RECORD_CONTACT)
def correct(request: HttpRequest, visit_id: int) -> HttpResponse:
    """Correct a recorded visit: the form filled with what it holds, and why."""
    user = signed_in(request)
    version = version_shown(request) if request.method == "POST" else None
    with visit_to_act_on(user, visit_id, version=version) as found:
        if found.outcome == CustodyVisit.Outcome.WAITING:
            return redirect("custody-visit", visit_id=found.pk)
        current = {name: getattr(found, name) for name in VISIT_LABELS}
        form = CorrectVisitForm(request.POST or None, initial=current, person=found.person)
        if form.is_bound and form.is_valid():
            values = {name: form.cleaned_data[name] for name in VISIT_LABELS}
            try:
                made = amend_custody_visit(user, found, why=form.cleaned_data["why"], **values)
            except DateOutOfOrder as error:
                add_refusal(form, error, date_field="seen_on")
            except TransitionRefused as error:
                add_refusal(form, error)
            else:
                messages.success(request, f"Corrected: {', '.join(a.field for a in made)}.")
                return redirect("custody-visit", visit_id=found.pk)
        shown = _history(found)
    return render(
        request, "cases/custody_visit.html",
        {"visit": found, "form": form, "correcting": True, **shown},
        status=400 if form.is_bound else 200,
    )  # fmt: skip
