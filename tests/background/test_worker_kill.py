"""The worker killed with SIGKILL in the middle of an alert scan (issue 21): the next
worker marks the scan's task failed and runs it again, once; every alert is there exactly
once, the same alerts a clean run makes; nothing is lost. Real `pathways worker`
processes on PostgreSQL, the scan held open inside its transaction by the test-only
pause (alerts.scan._pause_for_a_test) so the kill lands mid-scan, its alerts made but
not committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from pathways.alerts.models import Alert, AlertScan
from pathways.alerts.scan import SCAN_LOCK
from pathways.background.models import OrphanedTask, WorkerBeat
from pathways.background.orphans import WORKER_DIED
from pathways.feeds.after_import import alert_on_new_events, scan_new_events
from tests.alerts.test_alerts import WHEN, caseload  # noqa: F401 - a fixture
from tests.world import add_event

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a worker process per test "
                       "database needs a server; SQLite's is the test process's own"),
    pytest.mark.django_db(transaction=True),  # the workers see only what is committed
]  # fmt: skip
SCAN = "pathways.feeds.after_import.alert_on_new_events"
PATHWAYS = str(Path(sys.executable).with_name("pathways"))
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for the worker processes."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(worker_id: str, logs: Path, **env: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.background.worker_settings",
        "DATABASE_URL": database_url(),
        "PYTHONPATH": str(ROOT),
        **env,
    }
    out = (logs / f"{worker_id}.log").open("wb")
    return subprocess.Popen(
        [PATHWAYS, "worker", "--interval", "0.2", "--no-startup-delay", "--worker-id", worker_id],
        env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
    )  # fmt: skip


def scan_paused_in_its_transaction() -> bool:
    """A session holds the scan's lock and has sat in its transaction, idle, for a second:
    its alerts are made, not committed (the test-only pause)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid"
            " WHERE l.locktype = 'advisory' AND l.granted"
            " AND ((l.classid::bigint << 32) | l.objid::bigint) = %s"
            " AND a.state = 'idle in transaction'"
            " AND now() - a.state_change > interval '1 second'",
            [SCAN_LOCK],
        )
        return bool(cursor.fetchone()[0])


def wait_for(what, seconds: float, why: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if got := what():
            return got
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s: {why}")


class _Rollback(Exception):
    pass


def clean_run() -> set[tuple[int, int]]:
    """The alerts a scan makes of the new events when nothing goes wrong (then undone)."""
    try:
        with transaction.atomic():
            scan_new_events()
            made = set(Alert.objects.values_list("user_id", "event_id"))
            raise _Rollback
    except _Rollback:
        return made


def test_a_worker_killed_mid_scan_its_scan_fails_and_runs_again_once(
    config_loaded: None,
    caseload,  # noqa: F811 - the fixture imported above
    settings,
    tmp_path: Path,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    for n in range(40):
        person = caseload["engaged"] if n % 4 else caseload["stranger"]
        kind = ("offence", "custody", "overdose")[n % 3]
        add_event(person, "POLICE", WHEN, kind=kind,
                  crime_group="violence" if kind == "offence" else "")  # fmt: skip
    scans_before = AlertScan.objects.count()
    expected = clean_run()
    assert len(expected) > 20  # enough to be worth killing a scan for
    assert Alert.objects.count() == 0
    task = alert_on_new_events.enqueue()

    workers: list[subprocess.Popen[bytes]] = []
    try:
        first = start_worker("first", tmp_path, PATHWAYS_TEST_SCAN_PAUSE="120")
        workers.append(first)
        wait_for(scan_paused_in_its_transaction, 60, "the first worker pauses mid-scan")
        first.send_signal(signal.SIGKILL)
        assert first.wait(10) == -signal.SIGKILL
        # Killed mid-scan: its transaction is gone, and its task says RUNNING for ever.
        assert DBTaskResult.objects.get(pk=task.id).status == "RUNNING"
        assert Alert.objects.count() == 0
        assert AlertScan.objects.count() == scans_before

        second = start_worker("second", tmp_path)
        workers.append(second)
        rerun = wait_for(
            lambda: DBTaskResult.objects.filter(task_path=SCAN, status="SUCCESSFUL").first(),
            60, "the scan is run again",
        )  # fmt: skip
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
    finally:
        for process in workers:
            if process.poll() is None:
                process.kill()
                process.wait(10)

    failed = DBTaskResult.objects.get(pk=task.id)
    assert failed.status == "FAILED"
    assert failed.exception_class_path == WORKER_DIED
    assert "worker first" in failed.traceback
    assert f"Queued again as task {rerun.pk}" in failed.traceback
    assert rerun.worker_ids == ["second"]
    # Run again once: two tasks in all, one scan of the new events.
    assert DBTaskResult.objects.filter(task_path=SCAN).count() == 2
    assert OrphanedTask.objects.get(task_id=failed.pk).rerun_as == rerun.pk
    assert AlertScan.objects.count() == scans_before + 1
    # Every alert once, the same as a clean run.
    made = list(Alert.objects.values_list("user_id", "event_id"))
    assert len(made) == len(set(made)) == len(expected)
    assert set(made) == expected
    assert rerun.return_value == len(expected)
    # The dead worker's process is gone on this machine: the second worker swept it up
    # as it started, before taking any task, without waiting for the beat to go stale.
    log = (tmp_path / "second.log").read_text()
    assert "marked failed 1 task(s) whose worker died" in log
    assert log.index("marked failed 1 task(s)") < log.index("Starting worker worker_id=second")
    beats = dict(WorkerBeat.objects.values_list("worker_id", "stopped_at"))
    assert beats["first"] is None and beats["second"] is not None  # killed; stopped cleanly
