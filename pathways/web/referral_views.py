"""A referral's page (its timeline, approvals, what it awaits and from whom), the steps
a user may take on it, the referral inbox, and making a referral. Thin: the rules are in
`pathways.referrals.actions`; the referral comes through the door
(`pathways.access.referrals`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pathways.access.people import person_to_act_on
from pathways.access.referrals import inbox_for, referral_page, referral_to_act_on
from pathways.partners.capabilities import REFER, VIEW
from pathways.partners.models import Service
from pathways.partners.reasons import reason_choices
from pathways.referrals.actions import (
    REASONS,
    STEPS,
    alongside_sentence,
    do_propose,
    do_step,
    open_alongside,
    referring_record,
)
from pathways.referrals.transitions import StaleReferral, TransitionRefused
from pathways.web.forms.referrals import NewReferralForm, ReferralReasonForm, ReferralStepForm
from pathways.web.forms.refusals import as_sentence
from pathways.web.permissions import capability_required, signed_in
from pathways.web.versions import version_shown

DONE = {
    "approve": "Your approval is recorded.",
    "send": "The referral is sent to the service.",
    "accept": "The referral is accepted.",
    "decline": "The referral is declined.",
    "withdraw": "The referral is withdrawn.",
}


def _forms(data: Any = None, only: str | None = None) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for step in STEPS:
        bound = data if step == only else None
        if step in REASONS:
            forms[step] = ReferralReasonForm(
                bound, prefix=step, reasons=reason_choices(REASONS[step])
            )
        else:
            forms[step] = ReferralStepForm(bound, prefix=step)
    return forms


def _page(
    request: HttpRequest, referral_id: int, forms: dict[str, Any], status: int = 200
) -> HttpResponse:
    shown = referral_page(signed_in(request), referral_id, today=timezone.localdate())
    engagement = shown.engagement
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": shown.referral,
            "steps": shown.transitions,
            "approvals": shown.approvals,
            "awaiting": shown.awaiting,
            "due": shown.decision_due,
            "actions": shown.steps,
            "acts_for": shown.acts_for_service,
            "records_contacts": shown.records_contacts,
            "engagement_visible": engagement is not None,
            "plan": engagement.plan if engagement else None,
            "contacts": engagement.contacts if engagement else [],
            "amendments": engagement.amendments if engagement else [],
            "consent_lapses": shown.consent_lapses,
            "may_renew": shown.may_renew,
            "today": timezone.localdate(),
            "forms": forms,
        },
        status=status,
    )


@require_GET
@capability_required(VIEW)
def referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _page(request, referral_id, _forms())


@require_POST
@capability_required(VIEW)
def referral_step(request: HttpRequest, referral_id: int, action: str) -> HttpResponse:
    """Take one step; a refused or stale step is said on the page, nothing changes."""
    if action not in STEPS:
        raise Http404("No such step.")
    user = signed_in(request)
    forms = _forms(request.POST, only=action)
    form = forms[action]
    if not form.is_valid():
        return _page(request, referral_id, forms, status=400)
    with referral_to_act_on(
        user, referral_id, action=f"{action}_referral", version=version_shown(request)
    ) as found:
        try:
            do_step(
                user, found, action, on=timezone.localdate(),
                note=form.cleaned_data["note"], reason=form.cleaned_data.get("reason", ""),
            )  # fmt: skip
        except StaleReferral as error:
            messages.error(request, str(error))
        except TransitionRefused as error:
            messages.error(request, f"Not done: {error}.")
        else:
            done = DONE[action]
            if action == "approve" and found.state == "sent":
                done += f" Both sides have approved: the referral is sent to {found.service.name}."
            messages.success(request, done)
    return redirect("referral", referral_id=referral_id)


@require_GET
@capability_required(VIEW)
def inbox(request: HttpRequest) -> HttpResponse:
    """The referrals waiting for the user, and those overdue."""
    return render(
        request,
        "referrals/inbox.html",
        {"inbox": inbox_for(signed_in(request), timezone.localdate())},
    )


@capability_required(REFER)
def new_referral(request: HttpRequest, person_id: int) -> HttpResponse:
    """Refer a person the user can see, under their agency's record of them."""
    user = signed_in(request)
    form = NewReferralForm(request.POST or None)
    with person_to_act_on(user, person_id, action="refer_person") as person:
        if request.method == "POST" and form.is_valid():
            record = referring_record(user, person)
            data = form.cleaned_data
            service = Service.objects.get(code=data["service"])
            if record is None:
                form.add_error(
                    None,
                    "Your agency holds no record of this person, so a referral cannot be held "
                    "under it: ask an agency that knows them to refer.",
                )
            elif (others := open_alongside(person, service)) and not data["also"]:
                form.add_error("also", alongside_sentence(person, service, others))
            else:
                try:
                    made = do_propose(
                        person, service, record,
                        on=timezone.localdate(), by=user, reason=data["reason"],
                        route=data["route"],
                    )  # fmt: skip
                except TransitionRefused as error:
                    form.add_error("service", as_sentence(error))
                else:
                    messages.success(request, f"{person} is proposed for {made.service.name}.")
                    return redirect("referral", referral_id=made.pk)
    return render(
        request, "referrals/new.html", {"person": person, "form": form},
        status=400 if form.is_bound else 200,
    )  # fmt: skip
