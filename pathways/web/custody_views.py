"""The custody peer mentors' list of people held in custody, and the record of each
visit. Thin: the rules are in `pathways.cases.custody`."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pathways.audit.log import record_access
from pathways.cases.custody import record_visit, visible_visits
from pathways.cases.models import CustodyVisit
from pathways.referrals.transitions import TransitionRefused
from pathways.web.forms import CustodyVisitForm
from pathways.web.pagination import page_of
from pathways.web.permissions import capability_required, signed_in


@capability_required("record_contact")
def visits(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    mine = visible_visits(user).order_by("-outcome", "-event__occurred_at", "-id")
    page, page_numbers = page_of(request, mine, 50)
    if page.object_list:
        record_access(
            user, action="custody_list", allowed=True,
            person_ids=[v.person_id for v in page.object_list], categories={"identity", "custody"},
            purpose="to offer support to people held in police custody",
            basis="the people shown are those the user's grants open",
        )  # fmt: skip
    return render(
        request, "cases/custody_list.html", {"visits": page, "page_numbers": page_numbers}
    )


@capability_required("record_contact")
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    user = signed_in(request)
    found = visible_visits(user).filter(pk=visit_id).first()
    if found is None:
        record_access(user, action="custody_visit", allowed=False, detail=f"visit {visit_id}",
                      basis="no role rule or agreement lets this user see this person")  # fmt: skip
        raise Http404("No custody visit with that id for you.")
    record_access(user, action="custody_visit", allowed=True, person_id=found.person_id,
                  categories={"identity", "custody"}, detail=f"visit {visit_id}",
                  purpose="to offer support to a person held in police custody",
                  basis="agreement POLICE_CUSTODY_MENTORS (recent_custody)")  # fmt: skip
    form = CustodyVisitForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and found.outcome == CustodyVisit.Outcome.WAITING
    ):
        shown = request.POST.get("version", "")
        found.version = int(shown) if shown.isdigit() else -1  # no version: a stale page
        data = form.cleaned_data
        try:
            record_visit(
                user,
                found,
                outcome=data["outcome"],
                seen_on=data["seen_on"],
                conversation=data["conversation"],
                signposted_to=data["signposted_to"],
            )
        except TransitionRefused as error:
            messages.error(request, f"Not done: {error}.")
        else:
            messages.success(request, f"The visit to {found.person} is recorded.")
        return redirect("custody-visits")
    return render(
        request, "cases/custody_visit.html", {"visit": found, "form": form},
        status=400 if form.is_bound else 200,
    )  # fmt: skip
