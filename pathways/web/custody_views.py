"""The custody peer mentors' list of people held in custody, and the record of each
visit. Thin: the rules are in `pathways.cases.custody`; the visits come through the door
(`pathways.access.custody`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pathways.access.custody import custody_visits, visit_to_act_on
from pathways.cases.custody import do_record_visit
from pathways.cases.models import CustodyVisit
from pathways.partners.capabilities import RECORD_CONTACT
from pathways.referrals.transitions import DateOutOfOrder, TransitionRefused
from pathways.web.forms.custody import CustodyVisitForm
from pathways.web.forms.refusals import add_refusal
from pathways.web.pagination import page_links
from pathways.web.permissions import capability_required, signed_in
from pathways.web.versions import version_shown

PER_PAGE = 50


@capability_required(RECORD_CONTACT)
def visits(request: HttpRequest) -> HttpResponse:
    page = custody_visits(signed_in(request), page=request.GET.get("page"), per_page=PER_PAGE)
    return render(
        request, "cases/custody_list.html", {"visits": page, "page_numbers": page_links(page)}
    )


@capability_required(RECORD_CONTACT)
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = signed_in(request)
    form = CustodyVisitForm(request.POST or None)
    version = version_shown(request) if request.method == "POST" else None
    with visit_to_act_on(user, visit_id, version=version) as found:
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
    return render(
        request, "cases/custody_visit.html", {"visit": found, "form": form},
        status=400 if form.is_bound else 200,
    )  # fmt: skip
