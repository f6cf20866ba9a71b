"""The door to the files a governance job wrote: a subject access bundle, a research
extract. Only whoever asked (and the researcher an extract is for) downloads them, by a
name the job wrote; each download is audited as an export of what the file holds."""

from __future__ import annotations

from pathlib import Path

from django.http import Http404

from pathways.audit.log import record_access
from pathways.governance.jobs import may_download, may_run_jobs
from pathways.governance.models import GovernanceJob
from pathways.partners.memberships import User

JOB_NOT_FOUND = "No job with that id for you."
# What each job's files hold, for the audit.
HELD: dict[str, set[str]] = {
    GovernanceJob.Kind.SUBJECT_ACCESS: {"identity", "offending", "custody", "health",
                                        "referral", "engagement", "risk"},
    GovernanceJob.Kind.RESEARCH_EXTRACT: {"offending", "custody", "health", "risk",
                                          "referral", "outcomes"},
}  # fmt: skip


def job_for(user: User, job_id: int) -> GovernanceJob:
    """A job the user may see, else 404 (a job of someone else is not said to exist)."""
    job = GovernanceJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or not (may_download(user, job) or may_run_jobs(user)):
        raise Http404(JOB_NOT_FOUND)
    return job


def job_file(user: User, job_id: int, name: str) -> Path:
    """The path of one file the job wrote, for this user to download; audited."""
    job = job_for(user, job_id)
    if not may_download(user, job) or name not in job.files():
        raise Http404("No such file for you.")
    person_id = (
        job.params.get("person_id") if job.kind == GovernanceJob.Kind.SUBJECT_ACCESS else None
    )
    record_access(
        user,
        action=f"download_{job.kind}",
        allowed=True,
        person_id=int(person_id) if person_id is not None else None,
        categories=HELD.get(str(job.kind), set()),
        purpose=str(job.get_kind_display()),
        basis=f"asked for it (or it was made for them), as governance job {job.pk}",
        detail=f"job {job.pk}: {name}",
    )
    return job.folder / name
