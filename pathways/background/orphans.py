"""Tasks whose worker died: found, marked failed, and queued again when that is safe.

A worker killed outright (SIGKILL, out of memory, the machine lost) leaves the task it
was running RUNNING for ever: django-tasks-db has no lease. Every `pathways worker`
sweeps for such tasks when it starts and every few beats while it runs (`sweep`); a
task is orphaned when the worker that claimed it (its last worker id) is not alive:
- its heartbeat row is stopped, or older than `heartbeat.STALE_AFTER_SECONDS`;
- or its row says it runs in this machine's process space and its process is gone
  (seen at once, so a worker restarted after a kill recovers its tasks without waiting);
- or it has no heartbeat row at all (a worker from before `pathways worker`) and the task
  started more than `STALE_AFTER_SECONDS` ago.

An orphan is marked FAILED, with `WorkerDied` and what happened in its exception fields
(the administrator sees it in the admin's task results, and as an `OrphanedTask`), and
django-tasks' `task_finished` signal is sent as the worker would have (governance marks
its job failed, `governance.jobs`). It is queued again, once per death and at most
`RERUN_AT_MOST` times in a row, only when its path is in `RERUNNABLE`.
"""

from __future__ import annotations

import datetime
import logging
import os
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult, get_date_max

from pathways.background.heartbeat import is_stale, process_space
from pathways.background.models import OrphanedTask, WorkerBeat

log = logging.getLogger("pathways.background")

# The tasks that may run again after their worker died part-way: each must leave nothing
# behind when interrupted, and do nothing twice when run again. Add a task here only with
# the reason it is safe.
RERUNNABLE: frozenset[str] = frozenset(
    {
        # The alert scan (alerts/scan.py): the mark of how far it has scanned (AlertScan,
        # by event id), its alerts and its custody visits are written in one transaction,
        # so a scan killed part-way committed nothing and its rerun alerts each event
        # once; a rerun after the commit finds no new events (and alerts are unique per
        # user and event besides).
        "pathways.feeds.after_import.alert_on_new_events",
        # Not governance.jobs.run_governance_job: a retention run must not run twice, and
        # its job row says it started; its job is marked failed for the officer to ask again.
    }
)
# A task that keeps losing its worker (one that runs it out of memory, say) stops being
# queued again after this many reruns: it stays failed for an administrator.
RERUN_AT_MOST = 2


class WorkerDied(Exception):
    """The worker running a task stopped before the task finished (the class named in
    an orphaned task's exception fields)."""


WORKER_DIED = f"{WorkerDied.__module__}.{WorkerDied.__qualname__}"


@dataclass
class Swept:
    """What a sweep did: the tasks it marked failed, and the copies it queued (ids)."""

    failed: list[str] = field(default_factory=list)
    rerun: list[str] = field(default_factory=list)


def _process_gone(pid: int) -> bool:
    """Whether no process with this id runs here (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # someone else's process, but there
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state == "Z"


def _dead(
    worker_id: str,
    beat: WorkerBeat | None,
    started_at: datetime.datetime | None,
    *,
    now: datetime.datetime,
    me: str,
    since: datetime.datetime | None,
) -> bool:
    if worker_id == me:
        # This worker's own task, unless it was claimed before this worker started: a
        # worker restarted with the same --worker-id after its predecessor was killed.
        return since is not None and started_at is not None and started_at < since
    if beat is None:
        return started_at is None or is_stale(started_at, now)
    if beat.stopped_at is not None or is_stale(beat.last_beat_at, now):
        return True
    here = process_space()
    if here and beat.process_space == here:
        # Same kernel and pid namespace: the pid is this one (then it is not that
        # worker any more) or no process at all. A reused pid only delays the verdict.
        return beat.pid == os.getpid() or _process_gone(beat.pid)
    return False


def orphaned(
    *, me: str = "", since: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> list[DBTaskResult]:
    """The RUNNING tasks whose worker is not alive (see the module's docstring); `me` is
    the calling worker's id, alive, and `since` when it started (a task under its id
    claimed before then was its predecessor's)."""
    now = now or timezone.now()
    running = list(DBTaskResult.objects.running())
    claimed_by = {task.pk: (task.worker_ids or [""])[-1] for task in running}
    beats = WorkerBeat.objects.in_bulk(set(claimed_by.values()), field_name="worker_id")
    return [
        task
        for task in running
        if _dead(
            claimed_by[task.pk],
            beats.get(claimed_by[task.pk]),
            task.started_at,
            now=now,
            me=me,
            since=since,
        )
    ]


def sweep(
    *, me: str = "", since: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> Swept:
    """Mark failed every orphaned task, queue again those in `RERUNNABLE`; each in its
    own transaction, under a row lock, so two workers sweeping at once act once."""
    swept = Swept()
    for candidate in orphaned(me=me, since=since, now=now):
        try:
            copy = _fail_and_rerun(candidate.pk, me=me, since=since, now=now or timezone.now())
        except Exception:  # noqa: BLE001 - one task's trouble must not stop the sweep
            log.exception("could not sweep up orphaned task %s", candidate.pk)
            continue
        if copy is None:
            continue  # another worker got there first, or it finished after all
        swept.failed.append(str(candidate.pk))
        if copy:
            swept.rerun.append(copy)
    return swept


def _fail_and_rerun(
    task_id: uuid.UUID, *, me: str, since: datetime.datetime | None, now: datetime.datetime
) -> str | None:
    """Mark one orphan failed and queue its copy if safe; the copy's id, "" when not
    queued again, None when the task was no longer an orphan."""
    with transaction.atomic():
        task = DBTaskResult.objects.running().filter(pk=task_id).select_for_update(
            skip_locked=True
        ).first()  # fmt: skip
        worker_id = (task.worker_ids or [""])[-1] if task else ""
        beat = WorkerBeat.objects.filter(worker_id=worker_id).first()
        if task is None or not _dead(worker_id, beat, task.started_at, now=now, me=me, since=since):
            return None
        previous = OrphanedTask.objects.filter(rerun_as=task.pk).first()
        attempt = previous.attempt + 1 if previous else 1
        copy: DBTaskResult | None = None
        if task.task_path in RERUNNABLE and attempt <= RERUN_AT_MOST:
            copy = DBTaskResult.objects.create(
                args_kwargs=task.args_kwargs,
                priority=task.priority,
                task_path=task.task_path,
                queue_name=task.queue_name,
                backend_name=task.backend_name,
                run_after=get_date_max(),  # django-tasks-db's "no later than": at once
            )
        where = f"on {beat.host}, pid {beat.pid}" if beat else "(no heartbeat recorded)"
        last = f"its last beat at {beat.last_beat_at.isoformat()}" if beat else "it never beat"
        if copy is not None:
            then = (
                f"Queued again as task {copy.pk}: it is safe to re-run "
                f"(pathways.background.orphans.RERUNNABLE); rerun {attempt} of at most "
                f"{RERUN_AT_MOST}."
            )
        elif task.task_path in RERUNNABLE:
            then = (
                f"Not queued again: it has lost its worker {attempt} times in a row "
                f"(at most {RERUN_AT_MOST} reruns); an administrator should look into why."
            )
        else:
            then = (
                "Not queued again: re-running it is not known to be safe (it is not in "
                "pathways.background.orphans.RERUNNABLE)."
            )
        outcome = (
            f"The worker running this task stopped before it finished (killed? out of "
            f"memory? the machine restarted?): worker {worker_id or '(none)'} {where}, "
            f"{last}. Found at {now.isoformat()} by worker {me or '(a sweep)'}. {then}"
        )
        task.status = "FAILED"
        task.finished_at = now
        task.return_value = None
        task.exception_class_path = WORKER_DIED
        task.traceback = f"{WORKER_DIED}: {outcome}\n"
        task.save(
            update_fields=[
                "status", "finished_at", "return_value", "exception_class_path", "traceback"
            ]
        )  # fmt: skip
        OrphanedTask.objects.create(
            task_id=task.pk,
            task_path=task.task_path,
            worker_id=worker_id,
            worker_last_beat_at=beat.last_beat_at if beat else None,
            found_at=now,
            found_by=me,
            rerun_as=copy.pk if copy else None,
            attempt=attempt,
            outcome=outcome,
        )
        _tell_finished(task)
    log.warning("task %s (%s): %s", task.pk, task.task_path, outcome)
    return str(copy.pk) if copy else ""


def _tell_finished(task: DBTaskResult) -> None:
    """Send django-tasks' `task_finished`, as the worker does for a task that failed, in
    the sweep's transaction: a receiver's failure leaves the task to the next sweep."""
    try:
        result = task.task_result
        sender = type(result.task.get_backend())
    except (ImportError, SuspiciousOperation):
        return  # the task's code is gone: nothing can be listening for it
    task_finished.send(sender=sender, task_result=result)
