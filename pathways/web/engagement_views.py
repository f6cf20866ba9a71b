"""Pages for working an engagement: starting it at the first contact with the plan,
recording contacts, ending it. Thin: the rules are in `pathways.cases.engagement`; the
referral comes through the door (`pathways.access.referrals`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from pathways.access.referrals import engagement_to_correct, plan_to_rate, referral_to_act_on
from pathways.cases import engagement
from pathways.cases.amendments import CONTACT_LABELS, amend_contact, amend_engagement_dates
from pathways.partners.capabilities import RECORD_CONTACT
from pathways.referrals.models import Referral
from pathways.referrals.transitions import DateOutOfOrder, StaleReferral, TransitionRefused
from pathways.web.forms.corrections import CorrectContactForm, CorrectEngagementDatesForm
from pathways.web.forms.engagement import ContactForm, EndEngagementForm, StartEngagementForm
from pathways.web.forms.refusals import add_refusal
from pathways.web.permissions import capability_required, signed_in
from pathways.web.versions import version_shown


def _contact_data(form: Any) -> dict[str, Any]:
    keys = ("attendance", "reason", "notes", "concerns", "notify_referrer")
    return {k: form.cleaned_data.get(k, "") for k in keys}


# Each form's page: its title and its button.
START = ("First contact and the plan", "Start the engagement")
CONTACT = ("Record a contact", "Record the contact")
END = ("End the engagement", "End the engagement")


def _form_page(
    request: HttpRequest, referral: Referral, form: Any, title: str, button: str
) -> HttpResponse:
    return render(
        request,
        "referrals/engagement_form.html",
        {"referral": referral, "form": form, "title": title, "button": button},
        status=400 if form.is_bound else 200,
    )


def _done(
    request: HttpRequest,
    referral: Referral,
    step: Callable[[], Any],
    message: str,
    form: forms.Form,
    page: tuple[str, str],
) -> Any:
    """Take the step and go back to the referral; a date out of the history's order is
    said on the form's date field, what was typed kept."""
    try:
        step()
    except DateOutOfOrder as error:
        add_refusal(form, error, date_field="on")
        return _form_page(request, referral, form, *page)
    except (TransitionRefused, StaleReferral) as error:
        messages.error(request, f"Not done: {error}.")
    else:
        messages.success(request, message)
    return redirect("referral", referral_id=referral.pk)


def _not_theirs(request: HttpRequest, referral: Referral, step: str) -> HttpResponse | None:
    """Back to the referral, saying why, when the user's team does not record the
    service's engagement or the step is not open in the referral's state."""
    if not engagement.may_record_contacts(signed_in(request), referral):
        messages.error(request, f"Only the {referral.service.name} team records its engagement.")
    elif why := engagement.why_not_now(referral, step):
        messages.error(request, f"{why}.")
    else:
        return None
    return redirect("referral", referral_id=referral.pk)  # type: ignore[return-value]


@capability_required(RECORD_CONTACT)
def start(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = signed_in(request)
    with referral_to_act_on(user, referral_id, action="start_engagement") as referral:
        refused = _not_theirs(request, referral, "start")
        if refused:
            return refused
        form = StartEngagementForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return _done(request, referral, lambda: engagement.do_start_engagement(
                user, referral, on=form.cleaned_data["on"],
                focus_areas=form.cleaned_data["focus_areas"], contact=_contact_data(form),
            ), "The engagement has started.", form, START)  # fmt: skip
    return _form_page(request, referral, form, *START)


@capability_required(RECORD_CONTACT)
def contact(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = signed_in(request)
    with referral_to_act_on(user, referral_id, action="record_contact") as referral:
        refused = _not_theirs(request, referral, "contact")
        if refused:
            return refused
        form = ContactForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            return _done(request, referral, lambda: engagement.do_record_contact(
                user, referral, on=form.cleaned_data["on"], contact=_contact_data(form),
            ), "The contact is recorded.", form, CONTACT)  # fmt: skip
    return _form_page(request, referral, form, *CONTACT)


@capability_required(RECORD_CONTACT)
def end(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = signed_in(request)
    with referral_to_act_on(user, referral_id, action="end_engagement") as referral:
        refused = _not_theirs(request, referral, "end")
        if refused:
            return refused
        plan = plan_to_rate(user, referral)
        form = EndEngagementForm(request.POST or None, focus_areas=plan.focus_areas if plan else [])
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            return _done(request, referral, lambda: engagement.do_end_engagement(
                user, referral, on=data["on"], outcome=data["outcome"], ratings=form.ratings(),
                closing_reason=data["closing_reason"], note=data["note"],
            ), "The engagement has ended.", form, END)  # fmt: skip
    return _form_page(request, referral, form, *END)


# The correction forms' page: its title and its button.
CORRECT_CONTACT = ("Correct a contact", "Correct the contact")
CORRECT_DATES = ("Correct the engagement's dates", "Correct the dates")


def _corrected(request: HttpRequest, referral: Referral, made: Any) -> HttpResponse:
    messages.success(request, f"Corrected: {', '.join(a.field for a in made)}.")
    return redirect("referral", referral_id=referral.pk)  # type: ignore[return-value]


@capability_required(RECORD_CONTACT)
def correct_contact(request: HttpRequest, referral_id: int, contact_id: int) -> HttpResponse:
    """Correct a contact: the form filled with what it holds; each field changed is kept
    with its old value and the reason."""
    user = signed_in(request)
    with referral_to_act_on(user, referral_id, action="correct_contact") as referral:
        if not engagement.may_record_contacts(user, referral):
            messages.error(request, f"Only the {referral.service.name} team corrects its contacts.")
            return redirect("referral", referral_id=referral.pk)
        contact = get_object_or_404(referral.contacts, pk=contact_id)
        engagement_to_correct(user, referral, action="correct_contact",
                              detail=f"the contact of {contact.on}")  # fmt: skip
        current = {name: getattr(contact, name) for name in CONTACT_LABELS}
        form = CorrectContactForm(request.POST or None, initial=current)
        if request.method == "POST" and form.is_valid():
            values = {name: form.cleaned_data[name] for name in CONTACT_LABELS}
            try:
                made = amend_contact(user, contact, why=form.cleaned_data["why"], **values)
            except DateOutOfOrder as error:
                add_refusal(form, error, date_field="on")
            except TransitionRefused as error:
                add_refusal(form, error)
            else:
                return _corrected(request, referral, made)
    return _form_page(request, referral, form, *CORRECT_CONTACT)


@capability_required(RECORD_CONTACT)
def correct_dates(request: HttpRequest, referral_id: int) -> HttpResponse:
    """Correct the date the engagement started, or ended."""
    user = signed_in(request)
    version = version_shown(request) if request.method == "POST" else None
    with referral_to_act_on(
        user, referral_id, action="correct_engagement", version=version
    ) as referral:
        if not engagement.may_record_contacts(user, referral) or referral.started_on is None:
            messages.error(request, "Only the service's team corrects a started engagement.")
            return redirect("referral", referral_id=referral.pk)
        engagement_to_correct(user, referral, action="correct_engagement",
                              detail="the engagement's dates")  # fmt: skip
        ended = referral.ended_on is not None
        form = CorrectEngagementDatesForm(
            request.POST or None, ended=ended,
            initial={"started_on": referral.started_on, "ended_on": referral.ended_on},
        )  # fmt: skip
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                made = amend_engagement_dates(
                    user, referral, why=data["why"], started_on=data["started_on"],
                    ended_on=data.get("ended_on"),
                )  # fmt: skip
            except (DateOutOfOrder, TransitionRefused) as error:
                add_refusal(form, error)
            else:
                return _corrected(request, referral, made)
    return _form_page(request, referral, form, *CORRECT_DATES)
