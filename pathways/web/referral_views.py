"""A referral's page (its timeline, approvals, what it awaits and from whom), the steps
a user may take on it, and the referral inbox. Thin: the rules are in
`pathways.referrals.actions`; the referral comes through the sharing door."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pathways.cases.engagement import may_record_contacts
from pathways.cases.models import EngagementPlan
from pathways.partners.models import Service
from pathways.referrals import actions as pathway
from pathways.referrals.consents import services_acted_for
from pathways.referrals.inbox import inbox_for
from pathways.referrals.models import Referral
from pathways.referrals.proposals import propose, referring_record
from pathways.referrals.transitions import StaleReferral, TransitionRefused
from pathways.sharing.policy import decide, get_person_for, get_referral_for
from pathways.web.forms import NewReferralForm, ReferralReasonForm, ReferralStepForm
from pathways.web.permissions import capability_required, signed_in

REASONS = {
    "decline": pathway.DeclineReason.choices,
    "withdraw": pathway.WithdrawReason.choices,
}
DONE = {
    "approve": "Your approval is recorded.",
    "send": "The referral is sent to the service.",
    "accept": "The referral is accepted.",
    "decline": "The referral is declined.",
    "withdraw": "The referral is withdrawn.",
}


def _forms(data: Any = None, only: str | None = None) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for action in ("approve", "send", "accept", "decline", "withdraw"):
        bound = data if action == only else None
        if action in REASONS:
            forms[action] = ReferralReasonForm(bound, prefix=action, reasons=REASONS[action])
        else:
            forms[action] = ReferralStepForm(bound, prefix=action)
    return forms


def _page(
    request: HttpRequest, referral: Referral, forms: dict[str, Any], status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": referral,
            "steps": referral.transitions.select_related("by").order_by("on", "id"),
            "approvals": referral.approvals.select_related("by", "agency").order_by("on", "id"),
            "awaiting": pathway.awaiting(referral, timezone.localdate()),
            "due": pathway.decision_due(referral),
            "actions": pathway.actions_for(user, referral),
            "acts_for": referral.service_id in services_acted_for(user),
            "records_contacts": may_record_contacts(user, referral),
            **_engagement(user, referral),
            "forms": forms,
        },
        status=status,
    )


def _engagement(user: Any, referral: Referral) -> dict[str, Any]:
    """The plan and contacts, when the user may see the provider's engagement data."""
    provider = referral.service.provider_id
    if not decide(user, referral.person, "engagement", source=provider).allowed:
        return {"engagement_visible": False}
    return {
        "engagement_visible": True,
        "plan": EngagementPlan.objects.filter(referral=referral).first(),
        "contacts": referral.contacts.select_related("recorded_by"),
    }


@require_GET
@capability_required("view")
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    found = get_referral_for(signed_in(request), referral_id, action="view_referral")
    return _page(request, found, _forms())


STEPS: dict[str, Callable[..., Any]] = {
    "approve": lambda user, r, on, data: pathway.approve(user, r, on=on, note=data["note"]),
    "send": lambda user, r, on, data: pathway.send(user, r, on=on, note=data["note"]),
    "accept": lambda user, r, on, data: pathway.accept(user, r, on=on, note=data["note"]),
    "decline": lambda user, r, on, data: pathway.decline(
        user, r, on=on, reason=data["reason"], note=data["note"]
    ),
    "withdraw": lambda user, r, on, data: pathway.withdraw(
        user, r, on=on, reason=data["reason"], note=data["note"]
    ),
}


@require_POST
@capability_required("view")
def referral_step(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    """Take one step; a refused or stale step is said on the page, nothing changes."""
    if action not in STEPS:
        raise Http404("No such step.")
    user = signed_in(request)
    found = get_referral_for(user, referral_id, action=f"{action}_referral")
    forms = _forms(request.POST, only=action)
    form = forms[action]
    if not form.is_valid():
        return _page(request, found, forms, status=400)
    version = request.POST.get("version", "")
    # The version the page was shown with; without it the step counts as stale.
    found.version = int(version) if version.isdigit() else -1
    try:
        STEPS[action](user, found, timezone.localdate(), form.cleaned_data)
    except StaleReferral as error:
        messages.error(request, str(error))
    except TransitionRefused as error:
        messages.error(request, f"Not done: {error}.")
    else:
        messages.success(request, DONE[action])
    return redirect("referral", referral_id=found.pk)


@require_GET
@capability_required("view")
def inbox(request: HttpRequest) -> HttpResponse:
    """The referrals waiting for the user, and those overdue."""
    return render(
        request,
        "referrals/inbox.html",
        {"inbox": inbox_for(signed_in(request), timezone.localdate())},
    )


@capability_required("refer")
def new_referral(request: HttpRequest, person_id: int) -> HttpResponse:
    """Refer a person the user can see, under their agency's record of them."""
    user = signed_in(request)
    person = get_person_for(user, person_id, action="refer_person")
    form = NewReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = referring_record(user, person)
        data = form.cleaned_data
        if record is None:
            form.add_error(
                None,
                "Your agency holds no record of this person, so a referral cannot be held "
                "under it: ask an agency that knows them to refer.",
            )
        else:
            try:
                made = propose(
                    person, Service.objects.get(code=data["service"]), record,
                    on=timezone.localdate(), by=user, reason=data["reason"], route=data["route"],
                )  # fmt: skip
            except TransitionRefused as error:
                why = str(error)
                form.add_error("service", why[:1].upper() + why[1:] + ".")
            else:
                messages.success(request, f"{person} is proposed for {made.service.name}.")
                return redirect("referral", referral_id=made.pk)
    return render(
        request, "referrals/new.html", {"person": person, "form": form},
        status=400 if form.is_bound else 200,
    )  # fmt: skip
