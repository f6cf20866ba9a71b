"""The synthetic partnership the PostgreSQL benchmarks load, and how they set up Django.

`load_partnership` generates `people` true people (seed 13), one person with 5,000
events, and `extra_events` filler police offences (the spine reaches 10,000,000 events at
a million people), and loads them through `pathways init` and `pathways import`,
printing each step's time.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.person_page import write_busy_person

REPO = Path(__file__).resolve().parent.parent
PATHWAYS = str(REPO / ".venv" / "bin" / "pathways")


def run_pathways(args: list[str], env: dict[str, str]) -> float:
    """Run one `pathways` command; its time in seconds. Rejected rows (exit 1: the
    synthetic data's deliberate noise) are not a failure."""
    started = time.perf_counter()
    done = subprocess.run([PATHWAYS, *args], env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"pathways {' '.join(args)} failed:\n{done.stderr}")
    seconds = time.perf_counter() - started
    print(f"  pathways {' '.join(a if len(a) < 30 else Path(a).name for a in args)}: "
          f"{seconds:.0f} s", flush=True)  # fmt: skip
    return seconds


def write_filler_events(people_csv: Path, out: Path, count: int) -> Path:
    """`count` police offences spread over the police's people (a denser spine)."""
    with people_csv.open(encoding="utf-8") as handle:
        refs = [row["person_ref"] for row in csv.DictReader(handle) if row["agency"] == "POLICE"]
    rng = random.Random(5)
    path = out / "filler-events.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency", "event_ref", "person_ref", "kind", "occurred_at", "crime_group"])
        for n in range(count):
            day = 1 + n % 28
            writer.writerow(
                ["POLICE", f"FILL-{n}", rng.choice(refs), "offence",
                 f"{2015 + n % 10}-{1 + n % 12:02d}-{day:02d}T12:00:00", "dishonesty"]
            )  # fmt: skip
    return path


def load_partnership(url: str, work: Path, people: int, extra_events: int) -> dict[str, str]:
    """Load the partnership into the database at `url`; the environment to run with."""
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    print(f"generating {people:,} synthetic people…", flush=True)
    files = write_csvs(generate(people, seed=13), work, casework=False)
    busy_people, busy_events = write_busy_person(work, 5000)
    filler = write_filler_events(files["people"], work, extra_events)
    env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_VAR_DIR": str(work / "var")}
    run_pathways(["init"], env)
    run_pathways(["import", "people", str(files["people"]), str(busy_people)], env)
    run_pathways(["import", "events", str(files["events"]), str(filler), str(busy_events)], env)
    run_pathways(["import", "referrals", str(files["referrals"])], env)
    return env


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    import django

    django.setup()


def bench_main(doc: str, measure: Callable[[dict[str, str], Path], None]) -> None:
    """The command line the PostgreSQL benchmarks share: load a partnership into a
    throwaway cluster (`--people`, `--extra-events`, `--keep`) or use a kept one
    (`--database-url`, migrated first), then `measure(env, work)`."""
    from bench.throwaway_postgres import throwaway_postgres

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--extra-events", type=int, default=3_600_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--database-url", help="measure again on a cluster kept earlier")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    if options.database_url:
        env = {**os.environ, "DATABASE_URL": options.database_url,
               "PATHWAYS_VAR_DIR": str(work / "var")}  # fmt: skip
        run_pathways(["init"], env)  # the kept cluster may predate a migration
        measure(env, work)
        return
    with throwaway_postgres(keep=options.keep) as url:
        measure(load_partnership(url, work, options.people, options.extra_events), work)
