"""Import of a million event rows, against a plain COPY of the same file (issue 2 §8).

    .venv/bin/python -m bench.import_events [--events 1000000] [--sqlite] [--keep DIR]

Generates a synthetic partnership large enough to give `--events` event rows, loads its
people, then times, on a throwaway PostgreSQL cluster (durable settings):
  1. a plain `COPY` of events.csv into an unindexed all-text table;
  2. `pathways import events` of the same file (first import);
  3. the same import again (every row unchanged);
and on SQLite the first import. Prints each time, the ratio to COPY and the peak memory
of each import process. Figures to reach: import <= 60 s and <= 3x COPY on PostgreSQL,
<= 120 s on SQLite, peak memory <= 1 GiB, re-import <= 50% of the first import.

The yardstick decided since (issue 18: a COPY of the same rows into a table shaped like
`events_event`, the import held to 2x it) is measured by `python -m bench.import_yardstick`.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.import_yardstick import plain_copy_seconds
from bench.throwaway_postgres import throwaway_postgres

REPO = Path(__file__).resolve().parent.parent
PATHWAYS = str(REPO / ".venv" / "bin" / "pathways")


def make_data(events_wanted: int, out: Path) -> tuple[Path, Path, int]:
    """people.csv and an events.csv of exactly `events_wanted` rows (fewer if too few)."""
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    people = max(1000, events_wanted // 4)
    while True:
        files = write_csvs(generate(people, seed=7), out)
        with files["events"].open(encoding="utf-8") as handle:
            total = sum(1 for _ in handle) - 1
        if total >= events_wanted or people > events_wanted:
            break
        people = int(people * events_wanted / max(total, 1) * 1.1) + 1000
    trimmed = out / "events-trimmed.csv"
    with (
        files["events"].open(encoding="utf-8", newline="") as src,
        trimmed.open("w", encoding="utf-8", newline="") as dst,
    ):
        for number, line in enumerate(src):
            if number > events_wanted:
                break
            dst.write(line)
    return files["people"], trimmed, min(total, events_wanted)


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a pathways command; return wall seconds, its peak RSS (KiB) and its stdout."""
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "peak-rss-kib %M", PATHWAYS, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr)
        raise SystemExit(f"pathways {' '.join(args)} failed with {done.returncode}")
    peak = [line for line in done.stderr.splitlines() if line.startswith("peak-rss-kib ")]
    return seconds, int(peak[-1].split()[1]) if peak else 0, done.stdout


def summary(stdout: str) -> dict[str, int]:
    return {k: int(v) for k, v in csv.reader(stdout.splitlines(), delimiter=":") if v.strip()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--keep", type=Path, help="keep generated files here")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    work = options.keep or Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"generating a synthetic partnership for {options.events:,} event rows…", flush=True)
    people, events, count = make_data(options.events, work)
    print(
        f"data: {count:,} event rows ({events.stat().st_size / 1e6:.0f} MB), people file "
        f"{people.stat().st_size / 1e6:.0f} MB",
        flush=True,
    )

    with throwaway_postgres() as url:
        env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_VAR_DIR": str(work / "var")}
        run(["init"], env)
        run(["import", "people", str(people)], env)
        copy_s = plain_copy_seconds(url, events)
        first_s, first_rss, first_out = run(["import", "events", str(events)], env)
        again_s, again_rss, again_out = run(["import", "events", str(events)], env)
    print(f"PostgreSQL  plain COPY into an unindexed table: {copy_s:7.1f} s")
    print(
        f"PostgreSQL  pathways import events (first):     {first_s:7.1f} s  "
        f"ratio {first_s / copy_s:.2f}x COPY  peak RSS {first_rss / 1024:.0f} MiB  "
        f"{summary(first_out)}"
    )
    print(
        f"PostgreSQL  pathways import events (again):     {again_s:7.1f} s  "
        f"{again_s / first_s:.0%} of first  peak RSS {again_rss / 1024:.0f} MiB  "
        f"{summary(again_out)}"
    )
    if not options.no_sqlite:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "PATHWAYS_VAR_DIR": str(work / "var"),
        }
        run(["init"], env)
        run(["import", "people", str(people)], env)
        lite_s, lite_rss, lite_out = run(["import", "events", str(events)], env)
        print(
            f"SQLite      pathways import events (first):     {lite_s:7.1f} s  "
            f"peak RSS {lite_rss / 1024:.0f} MiB  {summary(lite_out)}"
        )


if __name__ == "__main__":
    main()
