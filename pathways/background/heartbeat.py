"""The worker's heartbeat: each `pathways worker` writes its row (`WorkerBeat`) when it
starts and every `BEAT_EVERY_SECONDS` while it runs, from a thread with its own database
connection, so a long task does not stop it. A worker whose last beat is older than
`STALE_AFTER_SECONDS` is taken for dead: /readyz says so, and the tasks it was running
are swept up (`orphans.sweep`).

Times are the workers' own clocks (`timezone.now()`, as django-tasks' own `started_at`):
the hosts keep time with NTP; a skew near `STALE_AFTER_SECONDS` would be misread.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
from collections.abc import Callable

from django.db import close_old_connections, connections
from django.db.models import Max
from django.utils import timezone

from pathways.background.models import WorkerBeat

log = logging.getLogger("pathways.background")

# A beat every 5 seconds; 30 seconds without one (six missed beats) is a dead worker.
BEAT_EVERY_SECONDS = 5
STALE_AFTER_SECONDS: int = 30


def last_beat() -> datetime.datetime | None:
    """The most recent beat of any running worker (aware), or None when no worker is
    running: none ever started, or every one stopped cleanly. Fresh means within
    `STALE_AFTER_SECONDS` of now."""
    at: datetime.datetime | None = WorkerBeat.objects.filter(stopped_at__isnull=True).aggregate(
        at=Max("last_beat_at")
    )["at"]
    return at


def is_stale(at: datetime.datetime | None, now: datetime.datetime | None = None) -> bool:
    """Whether a beat at `at` is too old to be a live worker's (None: never beat)."""
    if at is None:
        return True
    return (now or timezone.now()) - at > datetime.timedelta(seconds=STALE_AFTER_SECONDS)


def live_worker_ids(now: datetime.datetime | None = None) -> set[str]:
    """The ids of the workers running now: not stopped, and beating."""
    since = (now or timezone.now()) - datetime.timedelta(seconds=STALE_AFTER_SECONDS)
    return set(
        WorkerBeat.objects.filter(stopped_at__isnull=True, last_beat_at__gte=since).values_list(
            "worker_id", flat=True
        )
    )


def register(worker_id: str) -> WorkerBeat:
    """This process's row, beating from now (a worker id used before starts afresh)."""
    now = timezone.now()
    beat, _ = WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "host": socket.gethostname()[:255],
            "pid": os.getpid(),
            "process_space": process_space(),
            "started_at": now,
            "last_beat_at": now,
            "stopped_at": None,
        },
    )
    return beat


def beat(worker_id: str) -> None:
    """Say this worker is alive."""
    WorkerBeat.objects.filter(worker_id=worker_id).update(last_beat_at=timezone.now())


def stopped(worker_id: str) -> None:
    """Say this worker stopped cleanly: it is no longer counted as running."""
    now = timezone.now()
    WorkerBeat.objects.filter(worker_id=worker_id).update(last_beat_at=now, stopped_at=now)


def process_space() -> str:
    """Which machine boot and process-id namespace this process lives in ('' if unknown):
    two workers with the same one see each other's processes, so one can tell at once,
    without waiting for the beat to go stale, that the other has died (`orphans`)."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as f:
            boot = f.read().strip()
        return f"{boot}/{os.readlink('/proc/self/ns/pid')}"[:100]
    except OSError:
        return ""


class Beater:
    """The heartbeat thread of one worker: beats every `every` seconds and, every
    `sweep_every` beats, runs `sweep` (the orphaned-task sweep), both on the thread's own
    database connection, closed when it stops."""

    def __init__(
        self,
        worker_id: str,
        *,
        every: float = BEAT_EVERY_SECONDS,
        sweep: Callable[[], object] | None = None,
        sweep_every: int = 2,
    ) -> None:
        self.worker_id = worker_id
        self.every = every
        self.sweep = sweep
        self.sweep_every = sweep_every
        self.started_at: datetime.datetime | None = None  # when registered (`start`)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pathways-heartbeat", daemon=True)

    def start(self) -> datetime.datetime:
        """Register the worker (on the caller's connection, so it is beating before it
        takes a task) and start beating; when it started."""
        self.started_at = register(self.worker_id).started_at
        self._thread.start()
        return self.started_at

    def stop(self) -> None:
        """Stop beating and mark the worker stopped (if the database lets it: otherwise
        its beat goes stale, as a dead worker's does)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.every + 5)
        try:
            stopped(self.worker_id)
        except Exception:  # noqa: BLE001 - exiting anyway; the reason it exits matters more
            log.exception("worker %s: could not mark it stopped", self.worker_id)

    def _run(self) -> None:
        beats = 0
        try:
            while not self._stop.wait(self.every):
                beats += 1
                try:
                    close_old_connections()
                    beat(self.worker_id)
                    if self.sweep is not None and beats % self.sweep_every == 0:
                        self.sweep()
                except Exception:  # noqa: BLE001 - a lost beat is logged; the next may work
                    log.exception("worker %s: heartbeat failed", self.worker_id)
        finally:
            connections.close_all()  # this thread's own connections only
