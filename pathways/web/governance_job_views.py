"""The data protection officer's jobs as pages: ask for a subject access request, a
research extract or a retention run; watch it on its page; download what it wrote.
Thin: the rules are in `pathways.governance.jobs`, the files come through the door
(`pathways.access.governance_jobs`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from pathways.access.governance_jobs import job_file, job_for
from pathways.governance.jobs import (
    JobRefused,
    ask_for_research_extract,
    ask_for_retention,
    ask_for_subject_access,
    jobs_for,
    may_download,
    may_run_jobs,
)
from pathways.governance.retention import periods_in_words
from pathways.partners.capabilities import READ_AUDIT, RESEARCH_EXTRACT
from pathways.web.forms.governance_jobs import ResearchExtractForm, RetentionForm, SubjectAccessForm
from pathways.web.permissions import capability_required, signed_in

FORMS = {"subject_access": SubjectAccessForm, "extract": ResearchExtractForm,
         "retention": RetentionForm}  # fmt: skip


@capability_required(READ_AUDIT, RESEARCH_EXTRACT)
def jobs(request: HttpRequest) -> HttpResponse:
    """The jobs the user may see, and the forms to ask for more."""
    user = signed_in(request)
    asked = request.POST.get("job", "") if request.method == "POST" else ""
    forms = {name: form(request.POST if name == asked else None) for name, form in FORMS.items()}
    if not may_run_jobs(user):  # a researcher asks for their own extract only
        forms = {}
    if asked in forms and forms[asked].is_valid():
        data = forms[asked].cleaned_data
        try:
            if asked == "subject_access":
                job = ask_for_subject_access(user, data["person_id"])
            elif asked == "extract":
                job = ask_for_research_extract(user, data["username"])
            else:
                job = ask_for_retention(user, apply=data["mode"] == "apply")
        except JobRefused as error:
            forms[asked].add_error(None, f"{str(error)[:1].upper()}{str(error)[1:]}.")
        else:
            messages.success(request, f"Asked for: {job.get_kind_display()} (job {job.pk}).")
            return redirect("governance-job", job_id=job.pk)
    elif request.method == "POST" and asked == "own_extract":
        try:
            job = ask_for_research_extract(user, user.get_username())
        except JobRefused as error:
            messages.error(request, f"Not done: {error}.")
        else:
            return redirect("governance-job", job_id=job.pk)
    return render(
        request,
        "governance/jobs.html",
        {
            "jobs": jobs_for(user),
            "forms": forms,
            "runs_jobs": may_run_jobs(user),
            "periods": periods_in_words(),
        },
        status=400 if asked in forms else 200,
    )


@require_GET
@capability_required(READ_AUDIT, RESEARCH_EXTRACT)
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job: its progress while it runs (the page asks again every two seconds),
    then what it did and its files."""
    user = signed_in(request)
    found = job_for(user, job_id)
    context = {"job": found, "may_download": may_download(user, found)}
    if request.headers.get("HX-Request"):
        return render(request, "governance/_job_status.html", context)
    return render(request, "governance/job.html", context)


@require_GET
@capability_required(READ_AUDIT, RESEARCH_EXTRACT)
def job_download(request: HttpRequest, job_id: int, name: str) -> FileResponse:
    """One file of the job, for whoever asked (audited)."""
    path = job_file(signed_in(request), job_id, name)
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
