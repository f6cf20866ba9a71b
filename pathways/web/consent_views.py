"""Pages for recording a person's consent to a service, and its withdrawal. Thin: the
rules are in `pathways.referrals.actions`; the referral comes through the door
(`pathways.access.referrals`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pathways.access.people import still_visible
from pathways.access.referrals import engagement_to_correct, referral_to_act_on
from pathways.cases.amendments import amend_consent
from pathways.partners.capabilities import VIEW
from pathways.referrals.actions import (
    current_consent,
    do_record_consent,
    do_withdraw_consent,
    may_record_consent,
)
from pathways.referrals.transitions import TransitionRefused
from pathways.web.forms.consent import ConsentForm, WithdrawalForm
from pathways.web.forms.corrections import CorrectConsentForm
from pathways.web.forms.refusals import add_refusal
from pathways.web.permissions import capability_required, signed_in
from pathways.web.versions import version_shown


def _person_url(referral_person_id: int) -> str:
    return reverse("person", args=[referral_person_id]) + "#referrals"


def _not_their_service(request: HttpRequest, person_id: int) -> HttpResponse:
    messages.error(
        request, "Only the team delivering the service can record consent or its withdrawal."
    )
    return redirect(_person_url(person_id))


@capability_required(VIEW)
def consent_record(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Record the person's answer to an accepted referral."""
    user = signed_in(request)
    with referral_to_act_on(user, referral_id, action="record_consent") as referral:
        if not may_record_consent(user, referral):
            return _not_their_service(request, referral.person_id)
        form = ConsentForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                do_record_consent(
                    user,
                    referral,
                    given=data["answer"] == "given",
                    on=data["on"],
                    method=data["method"],
                    witness=data["witness"],
                    scan=data["scan"],
                )
            except TransitionRefused as error:  # ConsentError too
                add_refusal(form, error, date_field="on")
            else:
                messages.success(
                    request, f"The person's answer to {referral.service.name} is recorded."
                )
                return redirect(_person_url(referral.person_id))
    return render(request, "consent/record.html", {"form": form, "referral": referral})


@capability_required(VIEW)
def consent_withdraw(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Record that the person withdrew consent: their engagement ends as opted out."""
    user = signed_in(request)
    with referral_to_act_on(user, referral_id, action="withdraw_consent") as referral:
        if not may_record_consent(user, referral):
            return _not_their_service(request, referral.person_id)
        form = WithdrawalForm(request.POST or None)
        withdrawn = False
        if request.method == "POST" and form.is_valid():
            try:
                do_withdraw_consent(
                    user,
                    referral,
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
            except TransitionRefused as error:  # ConsentError too
                add_refusal(form, error, date_field="on")
            else:
                withdrawn = True
        consent = current_consent(referral)
    if withdrawn:
        if still_visible(user, referral.person_id):
            messages.success(request, "Consent is withdrawn; the engagement has ended.")
            return redirect(_person_url(referral.person_id))
        messages.success(
            request,
            "Consent is withdrawn and the engagement has ended. What you could see "
            "because of that consent is no longer open to you.",
        )
        return redirect("home")
    return render(
        request,
        "consent/withdraw.html",
        {"form": form, "referral": referral, "consent": consent},
    )


@capability_required(VIEW)
def consent_correct(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Correct the consent in force: the date it was given, or the witness; kept with the
    old values and why."""
    user = signed_in(request)
    version = version_shown(request) if request.method == "POST" else None
    with referral_to_act_on(
        user, referral_id, action="correct_consent", version=version
    ) as referral:
        if not may_record_consent(user, referral):
            return _not_their_service(request, referral.person_id)
        engagement_to_correct(user, referral, action="correct_consent", detail="the consent")
        consent = current_consent(referral)
        if consent is None:
            messages.error(request, "There is no consent in force to correct.")
            return redirect("referral", referral_id=referral.pk)
        form = CorrectConsentForm(
            request.POST or None, initial={"on": consent.on, "witness": consent.witness}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                made = amend_consent(
                    user, referral, why=data["why"], on=data["on"], witness=data["witness"]
                )
            except TransitionRefused as error:
                add_refusal(form, error, date_field="on")
            else:
                messages.success(request, f"Corrected: {', '.join(a.field for a in made)}.")
                return redirect("referral", referral_id=referral.pk)
    return render(
        request,
        "referrals/engagement_form.html",
        {"referral": referral, "form": form, "title": "Correct the consent",
         "button": "Correct the consent"},
        status=400 if form.is_bound else 200,
    )  # fmt: skip
