"""`pathways serve` supervises gunicorn and the background worker: each is stopped once
and gracefully (SIGTERM) when `serve` is told to stop, whether by SIGTERM, by Ctrl-C at
a terminal (SIGINT to the whole process group) or by dying itself; a worker that stops
by itself is started again; gunicorn stopping stops everything with its status; SIGHUP
reloads gunicorn and restarts the worker.

Real gunicorn and `pathways worker` are started by tests/browser/test_serve.py; here the
children are small stand-ins that write down every signal they get, so each test takes
a second or two and counts signals exactly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pathways.web import gunicorn_conf
from pathways.web.serving import ServeOptions, address_of, describe, gunicorn_command

REPO = Path(__file__).resolve().parents[2]

# A stand-in child: notes "<role> start <pid>" and "<role> <SIGNAL> <pid>" in LOG; leaves
# on SIGTERM or SIGINT (status 0), stays on SIGHUP. With EXIT_AFTER it leaves by itself,
# with EXIT_STATUS, after that many seconds, once (a marker file says it did).
CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    role, log = sys.argv[1], sys.argv[2]
    def note(what):
        with open(log, "a") as f:
            f.write(f"{role} {what} {os.getpid()}\\n")
    def leave(signum, frame):
        note(signal.Signals(signum).name)
        sys.exit(0)
    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)
    signal.signal(signal.SIGHUP, lambda signum, frame: note("SIGHUP"))
    note("start")
    exit_after = float(os.environ.get(f"{role.upper()}_EXIT_AFTER", "0"))
    marker = log + f".{role}-exited"
    if exit_after and not os.path.exists(marker):
        time.sleep(exit_after)
        open(marker, "w").close()
        note("exits")
        sys.exit(int(os.environ.get(f"{role.upper()}_EXIT_STATUS", "1")))
    while True:
        time.sleep(0.05)
    """
)

# `serve` itself, with the stand-ins for gunicorn and the worker and a short restart pause.
SERVE = textwrap.dedent(
    """
    import sys
    from pathways.web import serving
    child, log = sys.argv[1], sys.argv[2]
    serving.gunicorn_command = lambda options: [sys.executable, child, "web", log]
    serving.worker_command = lambda: [sys.executable, child, "worker", log]
    serving.RESTART_PAUSE_FIRST = 0.2
    options = serving.ServeOptions(collectstatic=False, background_worker="--no-worker" not in sys.argv)
    sys.exit(serving.serve(options, sys.stdout))
    """
)


class Served:
    """A running `serve` with stand-in children, and what they noted."""

    def __init__(self, tmp_path: Path, env: dict[str, str], *args: str) -> None:
        (tmp_path / "child.py").write_text(CHILD, encoding="utf-8")
        (tmp_path / "serve.py").write_text(SERVE, encoding="utf-8")
        self.log = tmp_path / "signals.log"
        self.log.touch()
        self.process = subprocess.Popen(
            [sys.executable, str(tmp_path / "serve.py"), str(tmp_path / "child.py"),
             str(self.log), *args],
            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, process_group=0,
        )  # fmt: skip

    def lines(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()

    def noted(self, role: str, what: str) -> list[int]:
        """The pids of `role` that noted `what`."""
        return [int(line.split()[2]) for line in self.lines() if line.split()[:2] == [role, what]]

    def wait_for(self, check: Callable[[], bool], seconds: float = 20.0) -> None:
        deadline = time.monotonic() + seconds
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"not seen in {seconds} s; the children noted {self.lines()}")
            time.sleep(0.05)

    def started(self, web: int = 1, worker: int = 1) -> None:
        self.wait_for(
            lambda: (
                len(self.noted("web", "start")) >= web
                and len(self.noted("worker", "start")) >= worker
            )
        )

    def finish(self, timeout: float = 30.0) -> tuple[int, str]:
        output, _ = self.process.communicate(timeout=timeout)
        return self.process.returncode, output


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that exited but was never reaped by its dead parent is gone all the same.
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    made: list[Served] = []

    def start(*args: str, **env: str) -> Served:
        served = Served(tmp_path, env, *args)
        made.append(served)
        return served

    yield start
    for served in made:  # whatever a failed test left running
        if served.process.poll() is None:
            os.killpg(served.process.pid, signal.SIGKILL)
            served.process.wait()
        for line in served.lines():
            pid = int(line.split()[2])
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_sigterm_stops_each_child_once_and_gracefully(serve: Callable[..., Served]) -> None:
    served = serve()
    served.started()
    served.process.send_signal(signal.SIGTERM)
    status, output = served.finish()

    assert status == 0
    assert "Stopped (SIGTERM)." in output
    assert len(served.noted("web", "SIGTERM")) == 1
    assert len(served.noted("worker", "SIGTERM")) == 1
    assert not served.noted("web", "SIGINT") and not served.noted("worker", "SIGINT")


def test_ctrl_c_at_a_terminal_reaches_serve_alone(serve: Callable[..., Served]) -> None:
    """A terminal sends SIGINT to its whole foreground process group: the children, in
    groups of their own, hear of it only from `serve`, as one SIGTERM."""
    served = serve()
    served.started()
    os.killpg(served.process.pid, signal.SIGINT)
    status, output = served.finish()

    assert status == 0
    assert "Stopped (SIGINT)." in output
    assert [line.split()[1] for line in served.lines() if "start" not in line] == [
        "SIGTERM",
        "SIGTERM",
    ]


def test_a_worker_that_stops_by_itself_is_started_again(serve: Callable[..., Served]) -> None:
    served = serve(WORKER_EXIT_AFTER="0.3", WORKER_EXIT_STATUS="1")
    served.started(worker=2)
    first, second = served.noted("worker", "start")[:2]
    assert first != second
    assert served.noted("worker", "exits") == [first]
    assert served.process.poll() is None  # serve and gunicorn carry on
    assert len(served.noted("web", "start")) == 1

    served.process.send_signal(signal.SIGTERM)
    status, output = served.finish()
    assert status == 0
    assert "The background worker stopped (exit status 1)" in output
    assert served.noted("worker", "SIGTERM") == [second]


def test_gunicorn_stopping_stops_the_worker_and_serve_with_its_status(
    serve: Callable[..., Served],
) -> None:
    served = serve(WEB_EXIT_AFTER="0.5", WEB_EXIT_STATUS="3")
    status, output = served.finish()

    assert status == 3
    assert "gunicorn stopped (exit status 3); stopping." in output
    assert len(served.noted("worker", "SIGTERM")) == 1


def test_sighup_reloads_gunicorn_and_restarts_the_worker(serve: Callable[..., Served]) -> None:
    served = serve()
    served.started()
    served.process.send_signal(signal.SIGHUP)
    served.started(worker=2)

    web = served.noted("web", "start")
    assert served.noted("web", "SIGHUP") == web  # gunicorn reloads its own processes
    first_worker = served.noted("worker", "start")[0]
    assert served.noted("worker", "SIGTERM") == [first_worker]
    served.process.send_signal(signal.SIGTERM)
    assert served.finish()[0] == 0


def test_no_worker_runs_gunicorn_alone(serve: Callable[..., Served]) -> None:
    served = serve("--no-worker")
    served.started(worker=0)
    time.sleep(0.5)
    assert served.noted("worker", "start") == []
    served.process.send_signal(signal.SIGTERM)
    assert served.finish()[0] == 0


def test_children_stop_when_serve_is_killed(serve: Callable[..., Served]) -> None:
    served = serve()
    served.started()
    children = served.noted("web", "start") + served.noted("worker", "start")
    served.process.kill()  # SIGKILL: serve cannot pass anything on
    served.process.wait()

    served.wait_for(lambda: not any(alive(pid) for pid in children), seconds=10)
    assert len(served.noted("web", "SIGTERM")) == 1
    assert len(served.noted("worker", "SIGTERM")) == 1


def test_gunicorn_gets_the_options_given_and_the_config_module() -> None:
    assert gunicorn_command(ServeOptions()) == [
        sys.executable, "-m", "gunicorn", "-c", "python:pathways.web.gunicorn_conf",
    ]  # fmt: skip
    assert gunicorn_command(ServeOptions(bind="0.0.0.0:9000", workers=3, threads=2))[-6:] == [
        "--bind", "0.0.0.0:9000", "--workers", "3", "--threads", "2",
    ]  # fmt: skip
    assert describe(ServeOptions(bind="127.0.0.1:8000", workers=2, threads=4)).startswith(
        "Pathways is at http://127.0.0.1:8000/ (gunicorn, 2 processes of 4 threads; "
        "the background worker beside it)"
    )
    assert address_of("unix:/run/pathways/web.sock") == "unix:/run/pathways/web.sock"


def gunicorn_setting(code: str, **env: str) -> str:
    """A value of gunicorn_conf read in a new process with `env` (read once, at import)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_WORKERS")}
    clean.pop("WEB_CONCURRENCY", None)
    result = subprocess.run(
        [sys.executable, "-c", f"from pathways.web import gunicorn_conf as c; print({code})"],
        cwd=REPO, env={**clean, **env}, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return (result.stdout + result.stderr).strip()


def test_the_config_module_reads_the_environment() -> None:
    cores = len(os.sched_getaffinity(0))
    assert gunicorn_setting("c.workers") == str(min(2 * cores + 1, 9))
    assert gunicorn_setting("c.workers", PATHWAYS_WORKERS="3") == "3"
    assert gunicorn_setting("c.workers", WEB_CONCURRENCY="4") == "4"
    assert gunicorn_setting("c.bind", PATHWAYS_BIND="0.0.0.0:9000") == "['0.0.0.0:9000']"
    assert gunicorn_setting("c.threads, c.worker_class") == "4 gthread"
    assert "is not a positive number" in gunicorn_setting("c.threads", PATHWAYS_THREADS="0")
    # The access log never holds a query string (a search's holds a name) nor a referrer.
    assert "%(r)s" not in gunicorn_conf.access_log_format
    assert "%(q)s" not in gunicorn_conf.access_log_format
    assert "%(f)s" not in gunicorn_conf.access_log_format
    assert gunicorn_conf.control_socket_disable is True
