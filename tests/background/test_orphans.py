"""The worker's heartbeat and the sweep for tasks whose worker died: a task left RUNNING
by a worker that stopped beating (or whose process is gone) is marked failed with why;
the alert scan is queued again, at most RERUN_AT_MOST times in a row; a governance job
is not, and its page says it failed; a live worker's task is left alone; the
administrator sees it all in the admin."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max

from pathways.background import heartbeat
from pathways.background.heartbeat import STALE_AFTER_SECONDS, Beater, last_beat
from pathways.background.models import OrphanedTask, WorkerBeat
from pathways.background.orphans import RERUN_AT_MOST, RERUNNABLE, WORKER_DIED, orphaned, sweep

SCAN = "pathways.feeds.after_import.alert_on_new_events"
JOB = "pathways.governance.jobs.run_governance_job"
LONG_AGO = STALE_AFTER_SECONDS + 30  # seconds: past any heartbeat's freshness

pytestmark = pytest.mark.django_db


def ago(seconds: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=seconds)


def worker(worker_id: str, *, beat_ago: float, space: str = "another machine", pid: int = 4321,
           stopped: bool = False) -> WorkerBeat:  # fmt: skip
    return WorkerBeat.objects.create(
        worker_id=worker_id, host="worker-host", pid=pid, process_space=space,
        started_at=ago(beat_ago + 60), last_beat_at=ago(beat_ago),
        stopped_at=ago(beat_ago) if stopped else None,
    )  # fmt: skip


def running(path: str, by: str, *, started_ago: float = LONG_AGO, args: list | None = None):
    return DBTaskResult.objects.create(
        task_path=path, args_kwargs={"args": args or [], "kwargs": {}}, backend_name="default",
        status="RUNNING", started_at=ago(started_ago), worker_ids=[by], run_after=get_date_max(),
    )  # fmt: skip


# --- The heartbeat ----------------------------------------------------------------------


def test_last_beat_is_the_newest_beat_of_a_running_worker() -> None:
    assert last_beat() is None  # no worker ever started
    worker("older", beat_ago=20)
    newest = worker("newer", beat_ago=2)
    worker("gone", beat_ago=0, stopped=True)  # stopped cleanly: not running, however recent
    assert last_beat() == newest.last_beat_at
    assert last_beat().tzinfo is not None
    assert heartbeat.live_worker_ids() == {"older", "newer"}
    WorkerBeat.objects.exclude(stopped_at=None).delete()
    WorkerBeat.objects.filter(worker_id="newer").update(stopped_at=timezone.now())
    WorkerBeat.objects.filter(worker_id="older").update(last_beat_at=ago(LONG_AGO))
    assert heartbeat.is_stale(last_beat())  # only a dead worker's beat is left
    assert heartbeat.live_worker_ids() == set()


def test_stale_means_older_than_stale_after_seconds() -> None:
    now = timezone.now()
    limit = dt.timedelta(seconds=STALE_AFTER_SECONDS)
    assert not heartbeat.is_stale(now - limit + dt.timedelta(seconds=1), now)
    assert heartbeat.is_stale(now - limit - dt.timedelta(seconds=1), now)
    assert heartbeat.is_stale(None, now)


@pytest.mark.django_db(transaction=True)  # the beating thread has its own connection
def test_the_beater_beats_sweeps_and_says_when_it_stopped() -> None:
    sweeps: list[float] = []
    beater = Beater("beating", every=0.05, sweep=lambda: sweeps.append(time.monotonic()))
    beater.start()
    try:
        first = WorkerBeat.objects.get(worker_id="beating").last_beat_at
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (
            sweeps and WorkerBeat.objects.get(worker_id="beating").last_beat_at > first
        ):
            time.sleep(0.05)
        assert WorkerBeat.objects.get(worker_id="beating").last_beat_at > first
        assert sweeps
        assert heartbeat.live_worker_ids() == {"beating"}
    finally:
        beater.stop()
    row = WorkerBeat.objects.get(worker_id="beating")
    assert row.stopped_at is not None
    assert last_beat() is None  # no worker running now
    assert not beater._thread.is_alive()


# --- The sweep --------------------------------------------------------------------------


def test_the_scan_of_a_worker_that_stopped_beating_fails_and_is_queued_again() -> None:
    worker("dead", beat_ago=LONG_AGO)
    task = running(SCAN, "dead")
    swept = sweep(me="sweeper")
    assert swept.failed == [str(task.pk)]
    assert len(swept.rerun) == 1
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.finished_at is not None
    assert task.exception_class_path == WORKER_DIED
    assert "worker dead on worker-host, pid 4321" in task.traceback
    assert f"Queued again as task {swept.rerun[0]}" in task.traceback
    copy = DBTaskResult.objects.get(pk=swept.rerun[0])
    assert (copy.status, copy.task_path, copy.args_kwargs) == ("READY", SCAN, task.args_kwargs)
    assert DBTaskResult.objects.ready().filter(pk=copy.pk).exists()  # to be run at once
    record = OrphanedTask.objects.get(task_id=task.pk)
    assert (record.worker_id, record.found_by, record.attempt) == ("dead", "sweeper", 1)
    assert record.rerun_as == copy.pk
    assert sweep(me="sweeper").failed == []  # once only
    assert DBTaskResult.objects.count() == 2


def test_a_live_workers_task_is_left_alone() -> None:
    worker("alive", beat_ago=2)
    theirs = running(SCAN, "alive")
    mine = running(SCAN, "me", started_ago=LONG_AGO)  # the sweeper's own: never dead
    assert orphaned(me="me") == []
    assert sweep(me="me").failed == []
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"RUNNING"}
    assert {theirs.pk, mine.pk} == set(DBTaskResult.objects.values_list("pk", flat=True))


def test_a_worker_restarted_under_the_same_id_sweeps_up_its_predecessors_task() -> None:
    worker("worker-1", beat_ago=0)  # registered again 2 s ago, beating
    since = ago(2)
    before = running(SCAN, "worker-1", started_ago=5)  # claimed by the one killed
    running(SCAN, "worker-1", started_ago=1)  # its own
    assert [t.pk for t in orphaned(me="worker-1", since=since)] == [before.pk]
    assert orphaned(me="worker-1") == []  # without knowing when it started: its own


def test_a_worker_that_stopped_cleanly_leaves_no_task_running_that_it_owns() -> None:
    worker("stopped", beat_ago=1, stopped=True)
    task = running(SCAN, "stopped")
    assert [t.pk for t in orphaned(me="me")] == [task.pk]


def test_a_task_of_a_worker_without_a_heartbeat_waits_out_the_stale_time() -> None:
    recent = running(SCAN, "old-db-worker", started_ago=2)
    assert orphaned(me="me") == []  # it may be running still: a db_worker does not beat
    DBTaskResult.objects.filter(pk=recent.pk).update(started_at=ago(LONG_AGO))
    assert [t.pk for t in orphaned(me="me")] == [recent.pk]
    sweep(me="me")
    assert "(no heartbeat recorded), it never beat" in (
        DBTaskResult.objects.get(pk=recent.pk).traceback
    )


def test_a_dead_process_on_this_machine_is_seen_at_once_without_waiting() -> None:
    here = heartbeat.process_space()
    if not here:  # not Linux: the stale beat is the only sign there
        if os.environ.get("PATHWAYS_REQUIRE_ALL") or os.environ.get("CI") == "true":
            pytest.fail("no /proc/self/ns/pid: a missing component under CI")
        pytest.skip("no /proc: process ids cannot be checked here")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # reaped: its pid names no process
    worker("killed", beat_ago=1, space=here, pid=gone.pid)
    worker("other-machine", beat_ago=1, space="another machine", pid=gone.pid)
    worker("parent", beat_ago=1, space=here, pid=os.getppid())
    killed = running(SCAN, "killed", started_ago=1)
    running(SCAN, "other-machine", started_ago=1)
    running(SCAN, "parent", started_ago=1)
    assert [t.pk for t in orphaned(me="me")] == [killed.pk]


def test_a_governance_job_is_not_run_again_and_its_page_says_it_failed(
    config_loaded: None, client: Client
) -> None:
    from pathways.governance.models import GovernanceJob
    from tests.world import make_user

    dpo = make_user("dpo", "CJ_GLASGOW", "dpo")
    job = GovernanceJob.objects.create(
        kind="retention_apply", requested_by=dpo, status="running", started_at=ago(LONG_AGO)
    )
    worker("dead", beat_ago=LONG_AGO)
    task = running(JOB, "dead", args=[job.pk])
    swept = sweep(me="sweeper")
    assert swept.failed == [str(task.pk)] and swept.rerun == []
    assert "Not queued again: re-running it is not known to be safe" in (
        DBTaskResult.objects.get(pk=task.pk).traceback
    )
    assert DBTaskResult.objects.count() == 1
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.finished_at is not None
    client.force_login(dpo)
    page = client.get(f"/governance/jobs/{job.pk}/").content.decode()
    assert "The job failed: the background worker running this job stopped" in page
    assert "Running:" not in page


def test_a_scan_that_keeps_losing_its_worker_stops_being_queued_again() -> None:
    worker("dead", beat_ago=LONG_AGO)
    task = running(SCAN, "dead")
    attempts = []
    for _ in range(RERUN_AT_MOST + 1):
        swept = sweep(me="sweeper")
        assert swept.failed == [str(task.pk)]
        attempts.append(OrphanedTask.objects.get(task_id=task.pk).attempt)
        if not swept.rerun:
            break
        # The copy is claimed by a worker that dies too.
        task = DBTaskResult.objects.get(pk=swept.rerun[0])
        task.claim("dead")
        DBTaskResult.objects.filter(pk=task.pk).update(started_at=ago(LONG_AGO))
    assert attempts == list(range(1, RERUN_AT_MOST + 2))
    last = DBTaskResult.objects.get(pk=task.pk)
    assert last.status == "FAILED"
    assert "an administrator should look into why" in last.traceback
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_every_rerunnable_path_is_a_task() -> None:
    for path in RERUNNABLE:
        assert isinstance(import_string(path), Task), path
    assert JOB not in RERUNNABLE


# --- The command ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker closes its connections, as a process does
def test_the_worker_command_sweeps_up_when_it_starts_and_runs_the_copy(
    config_loaded: None, settings
) -> None:
    from pathways.alerts.models import AlertScan

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker("dead", beat_ago=LONG_AGO)
    task = running(SCAN, "dead")
    call_command("worker", batch=True, no_startup_delay=True, worker_id="restarted")
    task.refresh_from_db()
    assert task.status == "FAILED"
    copy = DBTaskResult.objects.exclude(pk=task.pk).get()
    assert (copy.status, copy.worker_ids) == ("SUCCESSFUL", ["restarted"])
    assert AlertScan.objects.count() == 1  # the copy ran the scan, once
    assert WorkerBeat.objects.get(worker_id="restarted").stopped_at is not None


# --- What the administrator sees --------------------------------------------------------


def test_the_administrator_sees_failed_tasks_and_the_workers_beats(config_loaded: None) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from pathways.setup.demo_users import create_demo_users, read_demo_users

    create_demo_users(read_demo_users(settings.PATHWAYS_CONFIG_DIR))
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    worker("dead", beat_ago=LONG_AGO)
    worker("alive", beat_ago=1)
    task = running(SCAN, "dead")
    copy_id = sweep(me="alive").rerun[0]
    client = Client()
    client.force_login(admin)
    failed = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert failed.status_code == 200
    listing = failed.content.decode()
    assert str(task.pk) in listing and "WorkerDied" in listing and copy_id not in listing
    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{task.pk}/change/")
    assert detail.status_code == 200
    assert f"Queued again as task {copy_id}" in detail.content.decode()
    beats = client.get("/admin/background/workerbeat/").content.decode()
    assert "not beating (dead?)" in beats and "running" in beats
    orphans = client.get("/admin/background/orphanedtask/").content.decode()
    assert str(task.pk) in orphans
    # Seen, never changed: the workers write these.
    assert client.get(f"/admin/background/workerbeat/{WorkerBeat.objects.first().pk}/delete/"
                      ).status_code == 403  # fmt: skip
    assert client.post(f"/admin/django_tasks_database/dbtaskresult/{task.pk}/change/",
                       {"status": "READY"}).status_code == 403  # fmt: skip
    assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"
    assert uuid.UUID(copy_id)
