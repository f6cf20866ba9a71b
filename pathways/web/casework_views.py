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
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.access.casework import (
    casework_desk,
    order_shown,
    order_to_act_on,
    plan_objectives,
    projects_for,
    register_to_act_on,
    report_to_act_on,
    review_of,
    session_of,
    squad_register,
)
from pathways.cases.models import Contact
from pathways.casework.assessments import record_assessment
from pathways.casework.chronology import order_chronology
from pathways.casework.compliance import give_warning, report_breach
from pathways.casework.court_documents import KINDS as COURT_DOCUMENTS
from pathways.casework.court_documents import court_document
from pathways.casework.models import Instrument, Order, Project
from pathways.casework.orders import end_order, resume_order, suspend_order, vary_order
from pathways.casework.plans import agree_plan, hold_review
from pathways.casework.refusals import Refused
from pathways.casework.reports import allocate_report, deadline, record_sentence, submit_report
from pathways.casework.sessions import (
    SQUAD_SIZE,
    SquadRow,
    record_attendance,
    record_session,
    record_squad,
)
from pathways.casework.working_days import working_days_between
from pathways.outcomes.charts import distance_chart, svg
from pathways.partners.capabilities import (
    CASEWORK,
    MANAGE_CASEWORK,
    RECORD_SESSIONS,
    has_capability,
)
from pathways.partners.memberships import memberships_of
from pathways.partners.models import Membership
from pathways.web.forms.casework import (
    ATTENDANCE,
    AllocateForm,
    AssessmentForm,
    BreachForm,
    EndForm,
    PlanForm,
    ResumeForm,
    ReviewForm,
    SentenceForm,
    SessionForm,
    SubmitReportForm,
    SuspendForm,
    VaryForm,
    WarningForm,
)
from pathways.web.forms.refusals import add_problems
from pathways.web.pagination import page_links
from pathways.web.permissions import capability_required, signed_in


@capability_required(CASEWORK, MANAGE_CASEWORK)
def due(request: HttpRequest) -> HttpResponse:
    """What is due on the user's orders and reports, each with why, then the orders and
    the reports; the team manager may look at the whole team's."""
    user = signed_in(request)
    team = request.GET.get("team") == "1" and has_capability(user, MANAGE_CASEWORK)
    desk = casework_desk(user, timezone.localdate(), team=team, page=request.GET.get("page"),
                         orders_page=request.GET.get("orders"))  # fmt: skip
    return render(request, "casework/due.html", {
        "desk": desk, "can_manage": has_capability(user, MANAGE_CASEWORK),
        "today": timezone.localdate(), "due_pages": page_links(desk.due),
        "order_pages": page_links(desk.orders),
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


def _distance_chart(assessments: list[Any]) -> str:
    """The open instrument's scores over time, drawn (empty with fewer than two)."""
    labels = {i.code: dict(i.items) for i in Instrument.objects.filter(licensed=False)}
    points = [
        {"on": a.assessed_on.isoformat(), "area": labels[a.instrument].get(code, code),
         "score": score}
        for a in assessments if a.instrument in labels
        for code, score in a.scores.items()
    ]  # fmt: skip
    return svg(distance_chart(points))


def _order_page(
    request: HttpRequest, order_id: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = signed_in(request)
    shown = order_shown(user, order_id, timezone.localdate())
    order = shown.order
    context: dict[str, Any] = {"shown": shown, "order": order,
                               "distance": _distance_chart(shown.assessments)}  # fmt: skip
    if shown.full:
        context["chronology"] = order_chronology(
            order, sessions=shown.sessions, warnings=shown.warnings, breaches=shown.breaches,
            variations=shown.variations, suspensions=shown.suspensions, plans=shown.plans,
            reviews=shown.reviews, assessments=shown.assessments,
        )  # fmt: skip
    if shown.full and has_capability(user, CASEWORK):
        context |= {
            "session_form": SessionForm(kinds=_order_kinds(order), projects=_projects()),
            "warning_form": WarningForm(prefix="warning"),
            "breach_form": BreachForm(prefix="breach"),
            **{f"{name}_form": step_form(prefix=name) for name, step_form in ORDER_STEPS.items()},
            "can_act": order.state == Order.State.ACTIVE,
            "instruments": list(Instrument.objects.order_by("licensed", "name")),
            "today": timezone.localdate(),
        }
        context |= forms or {}
        suspended = order.state == Order.State.SUSPENDED
        context["steps"] = [
            (step, context[f"{step}_form"], title, button)
            for step, title, button in (
                ("vary", "Record the court's variation", "Record the variation"),
                ("resume" if suspended else "suspend",
                 "Back in the community" if suspended else "Suspend (in custody)",
                 "Resume the order" if suspended else "Suspend the order"),
                ("end", "End the order", "End the order"),
            )
        ]  # fmt: skip
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
    manages = has_capability(user, MANAGE_CASEWORK)
    authors = _authors(user) if manages else []
    allocate = AllocateForm(request.POST if "allocate" in request.POST else None, authors=authors)
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
                if allocate.is_bound and manages and allocate.is_valid():
                    author = get_user_model().objects.get(pk=allocate.cleaned_data["author"])
                    allocate_report(user, found, author=author)
                    messages.success(request, f"The report is allocated to {_name(author)}.")
                    return redirect("casework-report", report_id)
                if sentence.is_bound and sentence.is_valid():
                    record_sentence(user, found, sentence=sentence.cleaned_data["sentence"])
                    messages.success(request, "The sentence is recorded.")
                    return redirect("casework-report", report_id)
            except Refused as refused:
                form = submit if submit.is_bound else allocate if allocate.is_bound else sentence
                add_problems(form, refused.problems)
            status = 400
    by = deadline(found)
    return render(request, "casework/report.html", {
        "report": found, "deadline": by, "late": by < today and not found.submitted_on,
        "days_left": working_days_between(today, by), "submit_form": submit,
        "sentence_form": sentence, "allocate_form": allocate if manages else None,
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


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _authors(manager: Any) -> list[tuple[int, str]]:
    """The workers of the manager's teams who write reports (their role does casework)."""
    teams = [m.team_id for m in memberships_of(manager)]
    found = {
        m.user_id: _name(m.user)
        for m in Membership.objects.filter(team_id__in=teams).select_related("user", "role")
        if CASEWORK in (m.role.capabilities or []) and m.user.is_active
    }
    return sorted(found.items(), key=lambda pair: pair[1])


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


@capability_required(CASEWORK)
def order_plan(request: HttpRequest, order_id: int) -> HttpResponse:
    """Agree the case management plan: up to five SMART objectives, each dated."""
    user = signed_in(request)
    form = PlanForm(request.POST or None)
    with order_to_act_on(user, order_id) as found:
        if form.is_bound and form.is_valid():
            try:
                agree_plan(user, found, agreed_on=form.cleaned_data["agreed_on"],
                           objectives=form.objectives())  # fmt: skip
            except Refused as refused:
                add_problems(form, [(_plan_field(f), w) for f, w in refused.problems])
            else:
                messages.success(request, "The plan is agreed.")
                return redirect("casework-order", order_id)
        return render(request, "casework/plan_form.html", {"order": found, "form": form},
                      status=400 if form.is_bound else 200)  # fmt: skip


def _plan_field(field: str) -> str:
    """'objective 2: by_when' -> the form's field `by_2`."""
    if not field.startswith("objective "):
        return field
    number, _, name = field.removeprefix("objective ").partition(": ")
    short = {"need_area": "need", "what": "what", "who": "who", "by_when": "by"}
    return f"{short.get(name, name)}_{number}"


@capability_required(CASEWORK)
def order_review(request: HttpRequest, order_id: int, review_id: int) -> HttpResponse:
    """Hold a review, walking through each objective of the plan."""
    user = signed_in(request)
    with order_to_act_on(user, order_id) as found:
        review = review_of(found, review_id)
        objectives = plan_objectives(found)
        form = ReviewForm(request.POST or None, objectives=objectives)
        if form.is_bound and form.is_valid():
            review.version = int(request.POST.get("version") or review.version)
            try:
                data = form.cleaned_data
                hold_review(user, review, held_on=data["held_on"], attended=data["attended"],
                            progress=form.progress(), notes=data["notes"],
                            today=timezone.localdate())  # fmt: skip
            except Refused as refused:
                problems = [(f"note_{f.removeprefix('objective ')}" if f.startswith("objective ")
                             else f, w) for f, w in refused.problems]  # fmt: skip
                add_problems(form, problems)
            else:
                messages.success(request, "The review is recorded.")
                return redirect("casework-order", order_id)
        return render(request, "casework/review_form.html", {
            "order": found, "review": review, "form": form, "objectives": objectives,
        }, status=400 if form.is_bound else 200)  # fmt: skip


@capability_required(CASEWORK)
def order_assessment(request: HttpRequest, order_id: int, instrument: str) -> HttpResponse:
    """Record an assessment with a configured instrument for the order."""
    user = signed_in(request)
    chosen = get_object_or_404(Instrument, code=instrument)
    form = AssessmentForm(request.POST or None, instrument=chosen)
    with order_to_act_on(user, order_id) as found:
        if form.is_bound and form.is_valid():
            try:
                record_assessment(
                    user, found.record, instrument=chosen.code,
                    stage=form.cleaned_data["stage"], assessed_on=form.cleaned_data["assessed_on"],
                    level=form.cleaned_data.get("level", ""), scores=form.scores(), order=found,
                )  # fmt: skip
            except Refused as refused:
                add_problems(form, [(f"score_{f}" if f"score_{f}" in form.fields else f, w)
                                    for f, w in refused.problems])  # fmt: skip
            else:
                messages.success(request, "The assessment is recorded.")
                return redirect("casework-order", order_id)
        return render(request, "casework/assessment_form.html", {
            "order": found, "form": form, "instrument": chosen,
        }, status=400 if form.is_bound else 200)  # fmt: skip


ORDER_STEPS = {"suspend": SuspendForm, "resume": ResumeForm, "end": EndForm, "vary": VaryForm}


@require_POST
@capability_required(CASEWORK)
def order_step(request: HttpRequest, order_id: int, step: str) -> HttpResponse:
    """A state change of the order: suspended (in custody), back, ended, or varied by the
    court. The page's version is checked: a stale page is told, nothing is lost."""
    if step not in ORDER_STEPS:
        raise Http404("No such step.")
    user = signed_in(request)
    form = ORDER_STEPS[step](request.POST, prefix=step)
    with order_to_act_on(user, order_id) as found:
        found.version = int(request.POST.get("version") or found.version)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if step == "suspend":
                    suspend_order(user, found, on=data["on"], reason=data["reason"])
                elif step == "resume":
                    resume_order(user, found, on=data["on"])
                elif step == "end":
                    end_order(user, found, on=data["on"], ending=data["ending"])
                else:
                    vary_order(user, found, on=data["on"], reason=data["reason"],
                               **form.changes())  # type: ignore[attr-defined]  # fmt: skip
            except Refused as refused:
                add_problems(form, refused.problems)
            else:
                messages.success(request, "The order is updated.")
                return redirect("casework-order", order_id)
    return _order_page(request, order_id, {f"{step}_form": form}, status=400)
