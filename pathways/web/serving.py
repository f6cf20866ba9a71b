"""`pathways serve`: gunicorn running Pathways and the background worker beside it, as
one process that an operator (or systemd, or `make demo`) starts and stops.

- Static files are collected first where they are served from STATIC_ROOT (production);
- gunicorn runs with pathways/web/gunicorn_conf.py (`python:pathways.web.gunicorn_conf`);
- `pathways worker` runs beside it unless told not to, and is started again, after a
  pause that grows, if it stops by itself (the database restarting, say);
- SIGTERM or SIGINT stops both gracefully: requests under way finish (gunicorn's
  graceful timeout), then anything still running is killed; SIGHUP reloads gunicorn's
  processes gracefully and restarts the worker, so both run the code on disk.
If gunicorn itself stops, the worker is stopped and `serve` exits with a failure, for
systemd (or the operator) to start it again.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Protocol

from django.conf import settings
from django.core.management import call_command

from pathways.web import gunicorn_conf

GUNICORN_CONFIG = "python:pathways.web.gunicorn_conf"
# The worker's restart pause: doubled after each quick stop, from 1 s up to a minute, and
# back to 1 s once it has run for a minute.
RESTART_PAUSE_FIRST = 1.0
RESTART_PAUSE_MOST = 60.0
RAN_LONG_ENOUGH = 60.0
POLL_SECONDS = 0.2
# Beyond gunicorn's graceful timeout, how long stopping waits before it kills.
STOP_MARGIN_SECONDS = 10.0


class Output(Protocol):
    """Where `serve` says what it does (a command's stdout, a file)."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


@dataclass(frozen=True)
class ServeOptions:
    """What `pathways serve` was asked for; None takes gunicorn_conf's value."""

    bind: str | None = None
    workers: int | None = None
    threads: int | None = None
    background_worker: bool = True
    collectstatic: bool | None = None  # None: where static files are served collected


def needs_collectstatic() -> bool:
    """Whether static files are served from STATIC_ROOT (production), so must be
    collected there, rather than from the apps' folders (demo)."""
    return bool(settings.STATIC_ROOT) and not settings.WHITENOISE_USE_FINDERS


def gunicorn_command(options: ServeOptions) -> list[str]:
    """The command line that runs gunicorn as `options` say."""
    command = [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONFIG]
    if options.bind:
        command += ["--bind", options.bind]
    if options.workers:
        command += ["--workers", str(options.workers)]
    if options.threads:
        command += ["--threads", str(options.threads)]
    return command


def worker_command() -> list[str]:
    """The command line of the background worker (`pathways worker`)."""
    return [sys.executable, "-m", "pathways.cli", "worker"]


def address_of(bind: str) -> str:
    """Where a person points a browser for gunicorn bound to `bind`."""
    if bind.startswith(("unix:", "fd://")):
        return bind
    return f"http://{bind}/"


def describe(options: ServeOptions) -> str:
    """One sentence saying where Pathways is served and by what."""
    bind = options.bind or gunicorn_conf.bind[0]
    workers = options.workers or gunicorn_conf.workers
    threads = options.threads or gunicorn_conf.threads
    beside = (
        "the background worker beside it"
        if options.background_worker
        else "no background worker (run `pathways worker`)"
    )
    return (
        f"Pathways is at {address_of(bind)} (gunicorn, {workers} processes of "
        f"{threads} threads; {beside}). Ctrl-C or SIGTERM stops it."
    )


class _Signals:
    """The signals `serve` acts on, noted by the handler and acted on by the loop."""

    def __init__(self) -> None:
        self.stop: int | None = None
        self.reload = False

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if signum == signal.SIGHUP:
            self.reload = True
        elif self.stop is None:
            self.stop = signum


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_parent() -> None:
    """In a child, before it runs its program: be sent SIGTERM when `serve` dies, even
    by SIGKILL, so no server is left running without its supervisor (Linux only)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_child(command: list[str]) -> subprocess.Popen[bytes]:
    """Start `command` in a process group of its own: a signal to the terminal's group
    (Ctrl-C) reaches `serve` alone, which then stops each child once and gracefully
    (the worker, given SIGTERM twice, would abandon its task)."""
    return subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent)


def _stop(processes: list[subprocess.Popen[bytes]], wait: float) -> None:
    """SIGTERM to each running process, then SIGKILL to any still running after `wait`."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + wait
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def serve(
    options: ServeOptions,
    out: Output,
    start: Callable[[list[str]], subprocess.Popen[bytes]] = start_child,
) -> int:
    """Run gunicorn (and the worker) until a signal stops them or gunicorn stops; the
    exit status: 0 when stopped by a signal, else gunicorn's (1 if it was 0)."""

    def say(line: str) -> None:
        out.write(line + "\n")
        out.flush()

    collect = needs_collectstatic() if options.collectstatic is None else options.collectstatic
    if collect:
        say(f"Collecting static files into {settings.STATIC_ROOT}")
        call_command("collectstatic", interactive=False, verbosity=0)

    signals = _Signals()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, signals.handle)

    web = start(gunicorn_command(options))
    worker: subprocess.Popen[bytes] | None = None
    worker_started = 0.0
    worker_due = time.monotonic()  # when to start it (again)
    pause = RESTART_PAUSE_FIRST
    say(describe(options))

    status = 0
    try:
        while signals.stop is None:
            if web.poll() is not None:
                say(f"gunicorn stopped (exit status {web.returncode}); stopping.")
                status = web.returncode or 1
                break
            now = time.monotonic()
            if options.background_worker and worker is not None and worker.poll() is not None:
                ran = now - worker_started
                pause = RESTART_PAUSE_FIRST if ran >= RAN_LONG_ENOUGH else pause
                say(
                    f"The background worker stopped (exit status {worker.returncode}) "
                    f"after {ran:.0f} s; starting it again in {pause:.0f} s."
                )
                worker, worker_due = None, now + pause
                pause = min(pause * 2, RESTART_PAUSE_MOST)
            if options.background_worker and worker is None and now >= worker_due:
                worker, worker_started = start(worker_command()), now
            if signals.reload:
                signals.reload = False
                say("SIGHUP: reloading gunicorn's processes and restarting the worker.")
                web.send_signal(signal.SIGHUP)
                if worker is not None:
                    # Stopped gracefully here; the loop starts it again at once.
                    _stop([worker], gunicorn_conf.graceful_timeout)
                    worker, worker_due, pause = None, now, RESTART_PAUSE_FIRST
            time.sleep(POLL_SECONDS)
    finally:
        running = [p for p in (worker, web) if p is not None]
        _stop(running, gunicorn_conf.graceful_timeout + STOP_MARGIN_SECONDS)
    if signals.stop is not None:
        say(f"Stopped ({signal.Signals(signals.stop).name}).")
    return status
