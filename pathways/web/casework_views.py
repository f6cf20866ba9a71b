"""Justice social work's pages: the due list and caseload (the worker's, the team
manager's), an order's page with its steps, a court report, and an unpaid work squad's
register. Thin: the rules are in `pathways.casework`; the records come through the door
(`pathways.access.casework`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.access.casework import (
    casework_desk,
    order_shown,
    order_to_act_on,
    projects_for,
    register_to_act_on,
    report_to_act_on,
    session_of,
    squad_register,
)
from pathways.cases.models import Contact
from pathways.casework.compliance import give_warning, report_breach
from pathways.casework.court_documents import KINDS as COURT_DOCUMENTS
from pathways.casework.court_documents import court_document
from pathways.casework.models import Order, Project
from pathways.casework.refusals import Refused
from pathways.casework.reports import deadline, record_sentence, submit_report
from pathways.casework.sessions import (
    SQUAD_SIZE,
    SquadRow,
    record_attendance,
    record_session,
    record_squad,
)
from pathways.casework.working_days import working_days_between
from pathways.partners.capabilities import (
    CASEWORK,
    MANAGE_CASEWORK,
    RECORD_SESSIONS,
    has_capability,
)
from pathways.web.forms.casework import (
    ATTENDANCE,
    BreachForm,
    SentenceForm,
    SessionForm,
    SubmitReportForm,
    WarningForm,
)
from pathways.web.forms.refusals import add_problems
from pathways.web.permissions import capability_required, signed_in


@capability_required(CASEWORK, MANAGE_CASEWORK)
def due(request: HttpRequest) -> HttpResponse:
    """What is due on the user's orders and reports, each with why, then the orders and
    the reports; the team manager may look at the whole team's."""
    user = signed_in(request)
    team = request.GET.get("team") == "1" and has_capability(user, MANAGE_CASEWORK)
    desk = casework_desk(user, timezone.localdate(), team=team)
    return render(request, "casework/due.html", {
        "desk": desk, "can_manage": has_capability(user, MANAGE_CASEWORK),
        "today": timezone.localdate(),
    })  # fmt: skip


def _order_kinds(order: Order) -> list[str]:
    kinds: list[str] = []
    if order.type != Order.Type.CPO or "supervision" in order.requirements:
        kinds.append(Contact.Kind.SUPERVISION)
    if "unpaid_work" in order.requirements:
        kinds += [Contact.Kind.UPW, Contact.Kind.OTHER_ACTIVITY]
    return kinds


def _projects() -> list[Project]:
    return list(Project.objects.filter(active=True).order_by("name"))


def _order_page(
    request: HttpRequest, order_id: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    shown = order_shown(user, order_id, timezone.localdate())
    order = shown.order
    context: dict[str, Any] = {"shown": shown, "order": order}
    if shown.full and has_capability(user, CASEWORK):
        context |= {
            "session_form": SessionForm(kinds=_order_kinds(order), projects=_projects()),
            "warning_form": WarningForm(prefix="warning"),
            "breach_form": BreachForm(prefix="breach"),
            "can_act": order.state == Order.State.ACTIVE,
            "today": timezone.localdate(),
        }
        context |= forms or {}
    return render(request, "casework/order.html", context, status=status)


@capability_required("view")
def order(request: HttpRequest, order_id: int) -> HttpResponse:
    """An order: in full for justice social work, its summary for another agency."""
    return _order_page(request, order_id)


@require_POST
@capability_required(CASEWORK)
def order_session(request: HttpRequest, order_id: int) -> HttpResponse:
    user = signed_in(request)
    with order_to_act_on(user, order_id) as found:
        form = SessionForm(request.POST, kinds=_order_kinds(found), projects=_projects())
        if form.is_valid():
            data = form.cleaned_data
            project = Project.objects.filter(code=data["project"]).first()
            try:
                record_session(
                    user, found, kind=data["kind"], on=data["on"], project=project,
                    mode=data["mode"] if data["kind"] == "supervision" else "",
                    hours_offered=data["hours_offered"], attendance=data["attendance"],
                    hours_credited=data["hours_credited"], reason=data["reason"],
                    evidence=data["evidence"],
                )  # fmt: skip
            except Refused as refused:
                add_problems(form, refused.problems)
            else:
                messages.success(request, "Recorded.")
                return redirect("casework-order", order_id)
    return _order_page(request, order_id, {"session_form": form}, status=400)


@require_POST
@capability_required(CASEWORK)
def session_attendance(request: HttpRequest, order_id: int, session_id: int) -> HttpResponse:
    """The outcome of a booked appointment or session, from the list on the order's page."""
    user = signed_in(request)
    version = int(request.POST.get("version") or 0)  # as the worker read it
    try:
        with order_to_act_on(user, order_id) as found:
            record_attendance(
                user, session_of(found, session_id, version),
                attendance=request.POST.get("attendance", ""),
                hours_credited=request.POST.get("hours_credited") or None,
                reason=request.POST.get("reason", ""), evidence=request.POST.get("evidence", ""),
            )  # fmt: skip
    except Refused as refused:
        messages.error(request, "Not recorded: " + "; ".join(w for _, w in refused.problems) + ".")
    else:
        messages.success(request, "Recorded.")
    return redirect("casework-order", order_id)


@require_POST
@capability_required(CASEWORK)
def order_warning(request: HttpRequest, order_id: int) -> HttpResponse:
    user = signed_in(request)
    form = WarningForm(request.POST, prefix="warning")
    with order_to_act_on(user, order_id) as found:
        if form.is_valid():
            data = form.cleaned_data
            try:
                give_warning(user, found, on=data["on"], reason=data["reason"])
            except Refused as refused:
                add_problems(form, refused.problems)
            else:
                messages.success(request, "The warning is recorded.")
                return redirect("casework-order", order_id)
    return _order_page(request, order_id, {"warning_form": form}, status=400)


@require_POST
@capability_required(CASEWORK)
def order_breach(request: HttpRequest, order_id: int) -> HttpResponse:
    user = signed_in(request)
    form = BreachForm(request.POST, prefix="breach")
    with order_to_act_on(user, order_id) as found:
        if form.is_valid():
            data = form.cleaned_data
            try:
                report_breach(user, found, on=data["on"], reason=data["reason"],
                              without_warning_reason=data["without_warning_reason"])  # fmt: skip
            except Refused as refused:
                add_problems(form, refused.problems)
            else:
                messages.success(request, "The breach report is recorded.")
                return redirect("casework-order", order_id)
    return _order_page(request, order_id, {"breach_form": form}, status=400)


@capability_required(CASEWORK, MANAGE_CASEWORK)
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    """A court report: the hearing, the day it must reach the court, the working days
    left, and submitting it (then the sentence)."""
    user = signed_in(request)
    today = timezone.localdate()
    submit = SubmitReportForm(request.POST if "submit" in request.POST else None)
    sentence = SentenceForm(request.POST if "sentence_step" in request.POST else None)
    status = 200
    version = int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None
    with report_to_act_on(user, report_id, version=version) as found:
        if request.method == "POST":
            try:
                if submit.is_bound and submit.is_valid():
                    data = submit.cleaned_data
                    submit_report(user, found, on=data["on"], risk_level=data["risk_level"],
                                  proposal=data["proposal"])  # fmt: skip
                    messages.success(request, "The report is recorded as submitted.")
                    return redirect("casework-report", report_id)
                if sentence.is_bound and sentence.is_valid():
                    record_sentence(user, found, sentence=sentence.cleaned_data["sentence"])
                    messages.success(request, "The sentence is recorded.")
                    return redirect("casework-report", report_id)
            except Refused as refused:
                add_problems(submit if submit.is_bound else sentence, refused.problems)
            status = 400
    by = deadline(found)
    return render(request, "casework/report.html", {
        "report": found, "deadline": by, "late": by < today and not found.submitted_on,
        "days_left": working_days_between(today, by), "submit_form": submit,
        "sentence_form": sentence,
    }, status=status)  # fmt: skip


@capability_required(RECORD_SESSIONS, CASEWORK)
def squads(request: HttpRequest) -> HttpResponse:
    """The projects whose squads' registers the user keeps."""
    return render(request, "casework/squads.html", {
        "projects": projects_for(signed_in(request)), "today": timezone.localdate(),
    })  # fmt: skip


# The register's columns, as its table heads them.
REGISTER_COLUMNS = {
    "attendance": "What happened",
    "hours_offered": "Hours offered today",
    "hours_credited": "Hours worked (sent home)",
    "reason": "Reason",
    "evidence": "Evidence",
    "on": "Date",
    "order": "The order",
}


def _hours(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text.strip() else None
    except InvalidOperation:
        return Decimal(-1)  # refused by the rules, with the row named


@capability_required(RECORD_SESSIONS, CASEWORK)
def register(request: HttpRequest, project: str, on: str) -> HttpResponse:
    """A squad's session: up to 12 people, attendance and hours for all on one form."""
    user = signed_in(request)
    found = get_object_or_404(Project, code=project, active=True)
    try:
        day = dt.date.fromisoformat(on)
    except ValueError:
        raise Http404("No such date.") from None
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        rows = squad_register(user, found, day)
        offered = request.POST.get("hours_offered", "")
        chosen = [r for r in rows if r.session is None and request.POST.get(f"att_{r.order_id}")]
        if not chosen:
            problems = [("The register", "choose what happened for at least one person")]
        else:
            try:
                with register_to_act_on(user, found, [r.order_id for r in chosen]) as orders:
                    by_id = {o.pk: o for o in orders}
                    to_save = [
                        SquadRow(
                            order=by_id[r.order_id], attendance=request.POST[f"att_{r.order_id}"],
                            hours_offered=_hours(offered),
                            hours_credited=_hours(request.POST.get(f"worked_{r.order_id}", "")),
                            reason=request.POST.get(f"reason_{r.order_id}", ""),
                            evidence=request.POST.get(f"evidence_{r.order_id}", ""),
                        )
                        for r in chosen
                    ]  # fmt: skip
                    record_squad(user, found, day, to_save)
            except Refused as refused:
                # "row N: field" names the Nth person saved: say their name instead.
                names = {f"row {n}": r.name for n, r in enumerate(chosen, start=1)}
                for field, why in refused.problems:
                    row, _, rest = field.partition(": ")
                    column = REGISTER_COLUMNS.get(rest, rest.replace("_", " "))
                    problems.append((names.get(row, row), f"{column}: {why}"))
            else:
                messages.success(request, f"The register of {len(chosen)} is saved.")
                return redirect("casework-register", project=found.code, on=day.isoformat())
    rows = squad_register(user, found, day)
    # What the supervisor chose, kept on a refused form so that nothing is typed twice.
    kept = {
        r.order_id: {name: request.POST.get(f"{name}_{r.order_id}", "")
                     for name in ("att", "worked", "reason", "evidence")}
        for r in rows
    }  # fmt: skip
    return render(request, "casework/register.html", {
        "project": found, "day": day, "rows": rows, "attendance": ATTENDANCE, "kept": kept,
        "problems": problems, "posted": request.POST, "squad_size": SQUAD_SIZE,
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    }, status=400 if problems else 200)  # fmt: skip


class CourtDocumentForm(forms.Form):
    text = forms.CharField(
        label="Your report to the court", max_length=20_000,
        help_text="In your own words; the order, hours, attendance and warnings are added "
        "from the record.",
        widget=forms.Textarea(attrs={"rows": 10, "class": "ds_input"}),
    )  # fmt: skip


@capability_required(CASEWORK)
def court_document_page(request: HttpRequest, order_id: int, kind: str) -> HttpResponse:
    """A progress review, breach or completion report for court: the worker writes their
    part, and the PDF is drawn from the record."""
    if kind not in COURT_DOCUMENTS:
        raise Http404("No such document.")
    user = signed_in(request)
    form = CourtDocumentForm(request.POST or None)
    with order_to_act_on(user, order_id) as found:
        if form.is_bound and form.is_valid():
            pdf = court_document(kind, found, author=user, text=form.cleaned_data["text"],
                                 on=timezone.localdate())  # fmt: skip
            response = HttpResponse(pdf, content_type="application/pdf")
            name = f"{kind}-report-order-{found.pk}-{timezone.localdate()}.pdf"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return render(request, "casework/court_document_form.html", {
            "order": found, "form": form, "title": COURT_DOCUMENTS[kind],
        }, status=400 if form.is_bound else 200)  # fmt: skip
