"""The data protection officer's jobs from the pages: a subject access request, a
research extract, a retention run (counted or applied). Asking checks who may ask and
for what, and queues the job; the background worker runs it (`run_governance_job`),
telling its page how far it has got; its files stay in its folder for download. Each is
audited like the command line, as done by the user who asked, through the web.

Who may ask: the data protection officer (`read_audit`) for all of them; a researcher
(`research_extract`) for their own research extract. Who may download: whoever asked,
and the researcher an extract is for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus, task
from django_tasks.signals import task_finished

from pathways.governance.models import GovernanceJob
from pathways.governance.research import write_research_extract
from pathways.governance.retention import run_retention
from pathways.governance.subject_access import PersonNotFound, write_subject_access
from pathways.partners.capabilities import READ_AUDIT, RESEARCH_EXTRACT, has_capability
from pathways.partners.memberships import User
from pathways.people.models import Person
from pathways.people.scoping import outside_requests

Kind = GovernanceJob.Kind
Status = GovernanceJob.Status


# What a subject access bundle's parts are called in a job's summary.
BUNDLE_WORDS = {
    "agency_records": "agency records",
    "custody_visits": "custody visits",
    "earlier_versions": "earlier versions of rows",
    "access_log": "looks in the access log",
}


class JobRefused(ValueError):
    """The job cannot be asked for; the message says why, for the form."""


def may_run_jobs(user: User) -> bool:
    """The data protection officer's jobs: subject access, extracts, retention."""
    return has_capability(user, READ_AUDIT)


def _queue(user: User, kind: str, params: dict[str, object]) -> GovernanceJob:
    job = GovernanceJob.objects.create(kind=kind, requested_by_id=user.pk, params=params)
    run_governance_job.enqueue(job.pk)
    return GovernanceJob.objects.get(pk=job.pk)  # as the worker left it (tests run it at once)


def ask_for_subject_access(user: User, person_id: int) -> GovernanceJob:
    """Queue a subject access request for the person with this Pathways id."""
    if not may_run_jobs(user):
        raise JobRefused("only the data protection officer answers subject access requests")
    with outside_requests():  # whether the id exists; nothing of the person is shown
        exists = Person.objects.filter(pk=person_id).exists()
    if not exists:
        raise JobRefused(f"no person has the Pathways id {person_id}")
    return _queue(user, Kind.SUBJECT_ACCESS, {"person_id": person_id})


def ask_for_research_extract(user: User, username: str) -> GovernanceJob:
    """Queue a pseudonymised research extract for the researcher `username`."""
    own = username == user.get_username()
    if not (may_run_jobs(user) or (own and has_capability(user, RESEARCH_EXTRACT))):
        raise JobRefused("only the data protection officer, or a researcher for themselves")
    researcher = get_user_model().objects.filter(username=username, is_active=True).first()
    if researcher is None or not has_capability(researcher, RESEARCH_EXTRACT):
        raise JobRefused(f"{username!r} is not a researcher whose role allows research extracts")
    return _queue(user, Kind.RESEARCH_EXTRACT, {"username": username})


def ask_for_retention(user: User, *, apply: bool) -> GovernanceJob:
    """Queue a retention run: counted (nothing changed) or applied."""
    if not may_run_jobs(user):
        raise JobRefused("only the data protection officer runs retention")
    return _queue(user, Kind.RETENTION_APPLY if apply else Kind.RETENTION_DRY_RUN, {})


def may_download(user: User, job: GovernanceJob) -> bool:
    """Whoever asked, while their role still runs such jobs (a DPO who has since become a
    researcher no longer downloads a subject access bundle), and the researcher an
    extract is for."""
    if job.kind == Kind.RESEARCH_EXTRACT:
        if job.params.get("username") == user.get_username():
            return has_capability(user, RESEARCH_EXTRACT)
        return job.requested_by_id == user.pk and may_run_jobs(user)
    return job.requested_by_id == user.pk and may_run_jobs(user)


def jobs_for(user: User) -> list[GovernanceJob]:
    """The jobs the user may see: all of them for the data protection officer, their own
    (and extracts made for them) for anyone else; newest first."""
    jobs = GovernanceJob.objects.select_related("requested_by")
    if may_run_jobs(user):
        return list(jobs[:100])
    return [j for j in jobs.filter(kind=Kind.RESEARCH_EXTRACT)[:100] if may_download(user, j)]


def _progress(job: GovernanceJob):  # type: ignore[no-untyped-def]
    def tell(done: int, of: int, what: str) -> None:
        GovernanceJob.objects.filter(pk=job.pk).update(
            steps_done=done, steps_total=of, step=what[:200]
        )

    return tell


def _run(job: GovernanceJob, folder: Path) -> str:
    """Do the job's work; what it did, in words."""
    user = job.requested_by
    tell = _progress(job)
    if job.kind == Kind.SUBJECT_ACCESS:
        files = write_subject_access(
            int(job.params["person_id"]), folder, requested_by=user, channel="web", progress=tell
        )
        return "; ".join(f"{n} {BUNDLE_WORDS.get(name, name)}" for name, n in files.counts.items())
    if job.kind == Kind.RESEARCH_EXTRACT:
        researcher = get_user_model().objects.get(username=job.params["username"])
        summary = write_research_extract(
            folder, requested_for=researcher, made_by=user, channel="web", progress=tell
        )
        return (
            f"{summary.people} people, {summary.events} events, {summary.referrals} referrals "
            f"for {researcher.get_username()} (key fingerprint {summary.fingerprint}; a fresh "
            "key: these ids join no other extract)"
        )
    apply = job.kind == Kind.RETENTION_APPLY
    steps = run_retention(apply=apply, by=user, channel="web", progress=tell)
    verb = "removed or anonymised" if apply else "due (nothing changed)"
    return f"{verb}: " + "; ".join(f"{s.what}: {s.count}" for s in steps)


def run_job(job_id: int) -> GovernanceJob:
    """Run a queued job once (a job already started is left alone: the worker may retry
    a task, and a retention run must not run twice)."""
    with transaction.atomic():
        claimed = GovernanceJob.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.RUNNING, started_at=timezone.now()
        )
    job = GovernanceJob.objects.select_related("requested_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        with outside_requests():
            summary = _run(job, job.folder)
    except Exception as error:  # noqa: BLE001 - any failure is shown on the job's page
        why = str(error) if isinstance(error, PersonNotFound | OSError) else repr(error)
        GovernanceJob.objects.filter(pk=job_id).update(
            status=Status.FAILED, error=why[:2000], finished_at=timezone.now()
        )
    else:
        GovernanceJob.objects.filter(pk=job_id).update(
            status=Status.DONE, summary=summary, finished_at=timezone.now()
        )
    return GovernanceJob.objects.get(pk=job_id)


@task()
def run_governance_job(job_id: int) -> str:
    """The background worker's part of a governance job; its status when done."""
    return str(run_job(job_id).status)


# A job's task can fail where `run_job` cannot catch it: its worker killed part-way
# (marked failed by the next worker, `background.orphans`). Its job must not say
# "running" for ever, and is not run again (a retention run must not run twice).
@receiver(task_finished)
def fail_the_job_with_its_task(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    """Mark a governance job failed when its background task failed and it is not done."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path != run_governance_job.module_path or not task_result.args:
        return
    died = any(e.exception_class_path.endswith(".WorkerDied") for e in task_result.errors)
    why = (
        "the background worker running this job stopped before it finished (killed, or "
        "its machine restarted); ask for it again"
        if died
        else "the background task running this job failed; ask for it again"
    )
    GovernanceJob.objects.filter(
        pk=task_result.args[0], status__in=[Status.QUEUED, Status.RUNNING]
    ).update(status=Status.FAILED, error=why, finished_at=timezone.now())
