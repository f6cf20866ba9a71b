"""Pathways under load (issue 21): the production server on PostgreSQL holding the
synthetic partnership, a mix of roles at 10, 25 and 50 concurrent users.

    .venv/bin/python -m bench.load [--people 100000] [--seconds 180]
                                   [--keep --work DIR | --database-url URL --work DIR]

1. a throwaway PostgreSQL cluster (or `--database-url`, holding a demo built before);
2. `pathways demo --people N` into it (the synthetic partnership and its demo users);
3. referrals for the users to act on (bench/load_targets.py);
4. `pathways serve` (gunicorn and the background worker) on a free port;
5. locust, headless, with the users of bench/load_users.py: 10 users, then 25, then 50
   (the last for `--seconds`, the first two for a minute each, each after a minute in
   which its users sign in, left out of the times);
6. the figures per step, from every request's own time: p50 and p95 of the pages and of
   the outcomes dashboard, requests, 5xx and other errors; then each write the users
   were told succeeded, looked for in the database (missing: 0; applied twice: 0).

Figures (issue 21): p95 <= 300 ms for pages, <= 1 s for the dashboard, zero 5xx, every
write told succeeded in the database exactly once. The server, PostgreSQL and locust
share this machine's cores, which are printed beside the figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.throwaway_postgres import throwaway_postgres

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
PAGE_FIGURE_MS = 300
DASHBOARD_FIGURE_MS = 1000
DASHBOARD = "outcomes dashboard"
NOT_PAGES = {"sign in", "sign in (form)"}  # signing in hashes a password: not a page view
# Each step runs this much longer than its measured length: its users start and sign in
# (a deliberately slow password hash each, all at once) before its times count.
SIGN_IN_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_ready(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the server at {url} was not ready within {seconds:.0f} s")


@contextmanager
def served(env: dict[str, str], work: Path) -> Iterator[str]:
    """`pathways serve` (gunicorn and the worker) on a free port with `env`, logging to
    WORK/serve.log; yields its address once /readyz says it is ready, stops it after."""
    port = _free_port()
    with (work / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [str(BIN / "pathways"), "serve", "--bind", f"127.0.0.1:{port}"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_ready(url)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=60)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summarise(requests_csv: Path) -> dict[str, object]:
    """The step's figures from its requests (name, ms, status, exception, when): the
    times of those that ended after the last user signed in (every user signing in at
    once is a storm of password hashing no real morning has); the errors of all."""
    pages: list[float] = []
    dashboard: list[float] = []
    by_name: dict[str, list[float]] = {}
    total = server_errors = other_errors = 0
    with requests_csv.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    signed_in = [float(ended) for name, *_, ended in rows if name == "sign in"]
    settled = max(signed_in, default=0.0)
    measured = [float(ended) for *_, ended in rows if float(ended) > settled]
    for name, ms, status, exception, ended in rows:
        total += 1
        code = int(status)
        server_errors += code >= 500
        other_errors += int(exception) and code < 500
        if name in NOT_PAGES or float(ended) < settled:
            continue
        (dashboard if name == DASHBOARD else pages).append(float(ms))
        by_name.setdefault(name, []).append(float(ms))
    slowest = max(by_name, key=lambda n: percentile(by_name[n], 95)) if by_name else ""
    return {
        "measured seconds": (max(measured) - settled) if measured else 0.0,
        "requests per second": len(measured) / (max(measured) - settled) if measured else 0.0,
        "requests": total,
        "5xx": server_errors,
        "other errors": other_errors,
        "pages p50": statistics.median(pages) if pages else float("nan"),
        "pages p95": percentile(pages, 95),
        "dashboard p95": percentile(dashboard, 95),
        "dashboard n": len(dashboard),
        "slowest": f"{slowest} p95 {percentile(by_name[slowest], 95):.0f} ms" if slowest else "",
    }


def run_step(users: int, seconds: int, url: str, work: Path, env: dict[str, str]) -> Path:
    """Locust, headless, at `users` for `seconds` after they signed in; returns the
    step's requests file."""
    requests_csv = work / f"requests-{users}.csv"
    requests_csv.unlink(missing_ok=True)
    step_env = {**env, "LOAD_REQUESTS": str(requests_csv)}
    subprocess.run(
        [str(BIN / "locust"), "-f", str(REPO / "bench" / "load_users.py"), "--headless",
         "--host", url, "--users", str(users), "--spawn-rate", str(max(1, users // 5)),
         "--run-time", f"{seconds + SIGN_IN_SECONDS}s", "--stop-timeout", "30", "--only-summary",
         "--loglevel", "WARNING"],
        env=step_env, check=False, stdout=subprocess.DEVNULL, cwd=REPO,
    )  # fmt: skip
    return requests_csv


def split_targets(targets: Path, lengths: dict[int, int]) -> dict[int, Path]:
    """Each step its own referrals to act on (a locust run starts afresh: one referral
    handed to two steps would be accepted twice), shared by users x seconds."""
    whole = json.loads(targets.read_text(encoding="utf-8"))
    weight = {users: users * seconds for users, seconds in lengths.items()}
    total = sum(weight.values())
    shares: dict[int, Path] = {}
    start = {"sent": 0, "accepted": 0}
    for users in lengths:
        share = dict(whole)
        for pool in start:
            n = len(whole[pool]) * weight[users] // total
            share[pool] = whole[pool][start[pool] : start[pool] + n]
            start[pool] += n
        shares[users] = targets.with_name(f"targets-{users}.json")
        shares[users].write_text(json.dumps(share), encoding="utf-8")
    return shares


def pathways(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "pathways"), *args], env=env, check=True, capture_output=True, text=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=180, help="the 50-user step's length")
    parser.add_argument("--warm-seconds", type=int, default=60, help="the 10/25-user steps")
    parser.add_argument("--steps", default="10,25,50")
    parser.add_argument("--database-url", help="a PostgreSQL already holding the demo")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway cluster")
    parser.add_argument(
        "--work", type=Path, help="a folder to keep the demo's files in (with --keep, to re-use)"
    )
    options = parser.parse_args()
    steps = [int(s) for s in options.steps.split(",")]
    with ExitStack() as stack:
        url_db = options.database_url or stack.enter_context(throwaway_postgres(keep=options.keep))
        if options.work:
            work = options.work
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pathways-load-")))
        env = {**os.environ, "DATABASE_URL": url_db, "PATHWAYS_VAR_DIR": str(work / "var"),
               "PATHWAYS_ENV": "demo", "PATHWAYS_ALERT_EMAILS": "0"}  # fmt: skip
        started = time.perf_counter()
        pathways(["demo", "--people", str(options.people)], env)
        print(f"demo partnership of {options.people:,} people on PostgreSQL: "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        targets = work / "targets.json"
        # A fresh pool of referrals each run (a kept database's earlier pool is used up).
        made = subprocess.run(
            [sys.executable, "-m", "bench.load_targets", "make", str(targets)],
            env=env, check=True, capture_output=True, text=True, cwd=REPO,
        )  # fmt: skip
        print(f"referrals to act on: {made.stdout.strip()}", flush=True)
        with served(env, work) as server_url:
            writes = work / "writes.jsonl"
            load_env = {**env, "LOAD_TARGETS": str(targets), "LOAD_WRITES": str(writes)}
            print(f"machine: {os.cpu_count()} cores; server: `pathways serve` (gunicorn) "
                  f"and PostgreSQL and locust on the same machine", flush=True)  # fmt: skip
            figures = {}
            lengths = {u: options.seconds if u == max(steps) else options.warm_seconds
                       for u in steps}  # fmt: skip
            for users, share in split_targets(targets, lengths).items():
                step_env = {**load_env, "LOAD_TARGETS": str(share)}
                seconds = lengths[users]
                figures[users] = summarise(run_step(users, seconds, server_url, work, step_env))
                f = figures[users]
                print(
                    f"  {users:>3} users, {seconds} s ({f['measured seconds']:.0f} s after the "
                    f"last sign-in, {f['requests per second']:.1f} requests/s): "
                    f"{f['requests']:,} requests; pages p50 "
                    f"{f['pages p50']:.0f} ms, p95 {f['pages p95']:.0f} ms (figure: <= "
                    f"{PAGE_FIGURE_MS}); dashboard p95 {f['dashboard p95']:.0f} ms of "
                    f"{f['dashboard n']} (figure: <= {DASHBOARD_FIGURE_MS}); 5xx {f['5xx']}; "
                    f"other errors {f['other errors']}; slowest {f['slowest']}",
                    flush=True,
                )
        checked = subprocess.run(
            [sys.executable, "-m", "bench.load_targets", "check", str(targets), str(writes)],
            env=env, check=True, capture_output=True, text=True, cwd=REPO,
        )  # fmt: skip
        counts = json.loads(checked.stdout)
        print(
            f"writes told succeeded: {counts['told']:,}; in the database: {counts['found']:,}; "
            f"missing: {counts['missing']}; twice: {counts['twice']}; "
            f"any step applied twice: {counts['steps_twice']}",
            flush=True,
        )
        top = figures[max(steps)]
        ok = (
            all(f["5xx"] == 0 for f in figures.values())
            and float(str(top["pages p95"])) <= PAGE_FIGURE_MS
            and float(str(top["dashboard p95"])) <= DASHBOARD_FIGURE_MS
            and counts["missing"] == 0
            and counts["twice"] == 0
            and counts["steps_twice"] == 0
        )
        print("figures met" if ok else "figures NOT met")


if __name__ == "__main__":
    main()
