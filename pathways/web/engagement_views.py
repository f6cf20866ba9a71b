"""Pages for working an engagement: starting it at the first contact with the plan,
recording contacts, ending it. Thin: the rules are in `pathways.cases.engagement`; the
referral comes through the sharing door."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pathways.cases import engagement
from pathways.cases.models import EngagementPlan
from pathways.referrals.models import Referral
from pathways.referrals.transitions import StaleReferral, TransitionRefused
from pathways.sharing.policy import get_referral_for
from pathways.web.forms import ContactForm, EndEngagementForm, StartEngagementForm
from pathways.web.permissions import capability_required, signed_in


def _referral(request: HttpRequest, referral_id: int, action: str) -> Referral | None:
    found = get_referral_for(signed_in(request), referral_id, action=action)
    if not engagement.may_record_contacts(signed_in(request), found):
        messages.error(request, f"Only the {found.service.name} team records its engagement.")
        return None
    return found


def _contact_data(form: Any) -> dict[str, Any]:
    keys = ("attendance", "reason", "notes", "concerns", "notify_referrer")
    return {k: form.cleaned_data.get(k, "") for k in keys}


def _form_page(
    request: HttpRequest, referral: Referral, form: Any, title: str, button: str
) -> HttpResponse:
    return render(
        request,
        "referrals/engagement_form.html",
        {"referral": referral, "form": form, "title": title, "button": button},
        status=400 if form.is_bound else 200,
    )


def _done(request: HttpRequest, referral: Referral, action: Any, message: str) -> HttpResponse:
    try:
        action()
    except (TransitionRefused, StaleReferral) as error:
        messages.error(request, f"Not done: {error}.")
    else:
        messages.success(request, message)
    return redirect("referral", referral_id=referral.pk)  # type: ignore[return-value]


@capability_required("record_contact")
def start(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral(request, referral_id, "start_engagement")
    if referral is None:
        return redirect("referral", referral_id=referral_id)
    form = StartEngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _done(request, referral, lambda: engagement.start(
            signed_in(request), referral, on=form.cleaned_data["on"],
            focus_areas=form.cleaned_data["focus_areas"], contact=_contact_data(form),
        ), "The engagement has started.")  # fmt: skip
    return _form_page(request, referral, form, "First contact and the plan", "Start the engagement")


@capability_required("record_contact")
def contact(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral(request, referral_id, "record_contact")
    if referral is None:
        return redirect("referral", referral_id=referral_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _done(request, referral, lambda: engagement.record_contact(
            signed_in(request), referral, on=form.cleaned_data["on"], contact=_contact_data(form),
        ), "The contact is recorded.")  # fmt: skip
    return _form_page(request, referral, form, "Record a contact", "Record the contact")


@capability_required("record_contact")
def end(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = _referral(request, referral_id, "end_engagement")
    if referral is None:
        return redirect("referral", referral_id=referral_id)
    plan = EngagementPlan.objects.filter(referral=referral).first()
    form = EndEngagementForm(request.POST or None, focus_areas=plan.focus_areas if plan else [])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        return _done(request, referral, lambda: engagement.end(
            signed_in(request), referral, on=data["on"], outcome=data["outcome"],
            ratings=form.ratings(), closing_reason=data["closing_reason"], note=data["note"],
        ), "The engagement has ended.")  # fmt: skip
    return _form_page(request, referral, form, "End the engagement", "End the engagement")
