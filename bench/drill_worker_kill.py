"""Drill: the background worker killed with SIGKILL in the middle of an alert scan
(issue 21 "Faults"), on a throwaway PostgreSQL holding a synthetic partnership.

    .venv/bin/python -m bench.drill_worker_kill [--people 5000] [--events 5000] [--keep]
    .venv/bin/python -m bench.drill_worker_kill --database-url URL   # a kept cluster

Imports `--events` new police events (a fifth of them for people with an active
referral), which queues the alert scan; counts the alerts a clean scan makes (run in a
transaction, then rolled back); starts `pathways worker`, kills it with SIGKILL a third
of the way through the scan (by the clean run's time, once the scan holds its lock);
starts another worker and waits for it to recover. Prints the events, the alerts
expected, the alerts after the kill and recovery, duplicates (0), the tasks failed and
run again, and the seconds from the kill to the alerts being there.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.alerts import prepare
from bench.partnership import PATHWAYS, load_partnership, run_pathways, setup_django
from bench.throwaway_postgres import throwaway_postgres

SCAN = "pathways.feeds.after_import.alert_on_new_events"


def write_events(path: Path, count: int, with_referral: list[str], others: list[str]) -> Path:
    rng = random.Random(21)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency", "event_ref", "person_ref", "kind", "occurred_at", "crime_group"])
        for n in range(count):
            ref = rng.choice(with_referral if n % 5 == 0 else others)
            kind = rng.choice(["offence", "offence", "offence", "custody", "overdose"])
            writer.writerow(["POLICE", f"DRILL-{n}", ref, kind, "2026-11-20T22:00:00",
                             "violence" if kind == "offence" else ""])  # fmt: skip
    return path


def scan_holds_its_lock() -> bool:
    from django.db import connection

    from pathways.alerts.scan import SCAN_LOCK

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = %s",
            [SCAN_LOCK],
        )
        return bool(cursor.fetchone()[0])


def wait_for(what, seconds: float, why: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if got := what():
            return got
        time.sleep(0.05)
    raise SystemExit(f"drill failed: not within {seconds:.0f} s: {why}")


def worker(name: str, env: dict[str, str], work: Path) -> subprocess.Popen[bytes]:
    log = (work / f"worker-{name}.log").open("wb")
    return subprocess.Popen(
        [PATHWAYS, "worker", "--interval", "1", "--no-startup-delay", "--worker-id", name],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def clean_run() -> tuple[int, float]:
    """How many alerts a scan of the new events makes when nothing goes wrong, and how
    long it takes; undone after."""
    from django.db import transaction

    from pathways.alerts.models import Alert
    from pathways.feeds.after_import import scan_new_events

    class Undo(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic():
            before = Alert.objects.count()
            scan_new_events()
            made = Alert.objects.count() - before
            seconds = time.perf_counter() - started
            raise Undo
    except Undo:
        return made, seconds


def drill(env: dict[str, str], work: Path, events: int) -> None:
    env = {**env, "PATHWAYS_IDENTIFY_AFTER_IMPORT": "0", "PATHWAYS_ALERT_EMAILS": "0"}
    setup_django(env)
    from django.db.models import Count, F
    from django_tasks_db.models import DBTaskResult

    from pathways.alerts.models import Alert, AlertScan
    from pathways.background.models import OrphanedTask
    from pathways.events.models import Event

    with_referral, others = prepare()  # sets the scan's mark: what is there is history
    # The loading imports' own scans, never run: the mark just set stands for them.
    DBTaskResult.objects.filter(task_path=SCAN, status="READY").delete()
    alerts_before = Alert.objects.count()
    scans_before = AlertScan.objects.filter(up_to_event__gt=F("after_event")).count()
    tasks_before = set(DBTaskResult.objects.values_list("pk", flat=True))
    run_pathways(["import", "events", str(write_events(work / "drill-events.csv", events,
                                                       with_referral, others))], env)  # fmt: skip
    queued = DBTaskResult.objects.filter(task_path=SCAN, status="READY").exclude(
        pk__in=tasks_before
    )
    assert queued.count() == 1, "the import queues one alert scan"
    queued_id = queued.get().pk
    expected, scan_seconds = clean_run()
    print(f"events: {events:,} new ({Event.objects.count():,} in the database)")
    print(f"alerts expected (a clean run): {expected:,} in {scan_seconds:.1f} s")

    first = worker("first", env, work)
    try:
        wait_for(scan_holds_its_lock, 120, "the first worker starts the scan")
        time.sleep(scan_seconds / 3)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_at = time.monotonic()
    finally:
        if first.poll() is None:
            first.kill()
    task = DBTaskResult.objects.get(pk=queued_id)
    mid_scan = (
        task.status == "RUNNING"
        and not AlertScan.objects.filter(up_to_event__gt=F("after_event")).count() - scans_before
    )
    print(f"killed the first worker (SIGKILL) mid-scan: {'yes' if mid_scan else 'NO'}; "
          f"alerts committed by it: {Alert.objects.count() - alerts_before}")  # fmt: skip
    if not mid_scan:
        raise SystemExit("drill inconclusive: the scan had finished; use more --events")

    second = worker("second", env, work)
    try:
        wait_for(lambda: OrphanedTask.objects.filter(task_id=task.pk).exists(), 120,
                 "the second worker finds the killed task")  # fmt: skip
        detected = time.monotonic() - killed_at
        rerun = wait_for(
            lambda: DBTaskResult.objects.filter(task_path=SCAN, status="SUCCESSFUL")
            .exclude(pk__in=tasks_before).first(),
            300, "the second worker runs the scan again",
        )  # fmt: skip
        recovered = time.monotonic() - killed_at
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    finally:
        if second.poll() is None:
            second.kill()

    made = Alert.objects.count() - alerts_before
    doubled = (
        Alert.objects.values("user_id", "event_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    scans = AlertScan.objects.filter(up_to_event__gt=F("after_event")).count() - scans_before
    failed = DBTaskResult.objects.filter(task_path=SCAN, status="FAILED").exclude(
        pk__in=tasks_before
    )
    orphan = OrphanedTask.objects.get(task_id=task.pk)
    print(f"alerts after kill and recovery: {made:,}")
    print(f"duplicates: {doubled} (alerts for the same user and event more than once); "
          f"scans of the new events: {scans}")  # fmt: skip
    print(f"tasks failed: {failed.count()} ({failed.first().exception_class_path}); "
          f"re-run: {1 if orphan.rerun_as == rerun.pk else 0} (as {rerun.pk})")  # fmt: skip
    print(
        f"seconds to recover: {recovered:.1f} from the kill to the rerun's alerts committed "
        f"(the killed task marked failed and queued again {detected:.1f} s after the kill, "
        "by a worker started just after it; the rest is the scan itself)"
    )
    print(f"the failed task says: {failed.first().traceback.strip()[:400]}")
    ok = made == expected and doubled == 0 and scans == 1 and failed.count() == 1
    print("drill passed" if ok else "DRILL FAILED")
    if not ok:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--database-url", help="drill again on a cluster kept earlier")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pathways-drill-"))
    print(f"machine: {os.cpu_count()} cores", flush=True)
    if options.database_url:
        env = {**os.environ, "DATABASE_URL": options.database_url,
               "PATHWAYS_VAR_DIR": str(work / "var")}  # fmt: skip
        run_pathways(["init"], env)
        drill(env, work, options.events)
        return
    with throwaway_postgres(keep=options.keep) as url:
        drill(load_partnership(url, work, options.people, 0), work, options.events)


if __name__ == "__main__":
    main()
