"""Identification at scale, on PostgreSQL (issue 4 "Figures").

    .venv/bin/python -m bench.identify [--people 1000000] [--extra-events N] [--keep]
    .venv/bin/python -m bench.identify --database-url URL   # again, on a kept cluster

Loads the synthetic partnership (bench.partnership: at a million people, 10,000,000
events), then measures, as of the synthetic data's date (2026-11-01):
- a full `pathways identify --full` run (figure: <= 60 s);
- importing 10,000 new police events (the import's own identify switched off, so the
  two are timed apart), then the incremental `pathways identify` (figure: <= 5 s).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import subprocess
import time
from pathlib import Path

from bench.partnership import PATHWAYS, bench_main, run_pathways

AS_OF = dt.date(2026, 11, 1)
GROUPS = ["violence", "dishonesty", "antisocial", "damage", "society", "road_traffic"]
FLAGS = ["", "", "", "substance", "alcohol", "cce", "weapon"]


def police_refs(env: dict[str, str], count: int) -> list[str]:
    """`count` police references drawn at random from the database."""
    sql = (
        "SELECT person_ref FROM people_agencyrecord WHERE agency_id = 'POLICE' "
        f"ORDER BY random() LIMIT {count}"
    )
    done = subprocess.run(
        [PATHWAYS, "dbshell", "--", "-At", "-c", sql],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def write_new_events(path: Path, refs: list[str], count: int) -> Path:
    """`count` new police events over the 30 days before AS_OF, on people in `refs`."""
    rng = random.Random()
    stamp = int(time.time())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["agency", "event_ref", "person_ref", "kind", "occurred_at", "crime_group", "flags"]
        )
        for n in range(count):
            day = AS_OF - dt.timedelta(days=rng.randint(0, 30))
            writer.writerow(
                ["POLICE", f"NEW-{stamp}-{n}", rng.choice(refs), "offence",
                 f"{day}T{rng.randint(0, 23):02d}:30:00", rng.choice(GROUPS), rng.choice(FLAGS)]
            )  # fmt: skip
    return path


def measure(env: dict[str, str], work: Path) -> None:
    as_of = ["--as-of", AS_OF.isoformat()]
    full = run_pathways(["identify", "--full", *as_of], env)
    print(f"full identify run: {full:.1f} s (figure: <= 60 s)", flush=True)
    refs = police_refs(env, 8_000)
    new = write_new_events(work / "new-events.csv", refs, 10_000)
    quiet = {**env, "PATHWAYS_IDENTIFY_AFTER_IMPORT": "0"}
    run_pathways(["import", "events", str(new)], quiet)
    incremental = run_pathways(["identify", *as_of], env)
    own = subprocess.run(
        [PATHWAYS, "dbshell", "--", "-At", "-c",
         "SELECT round(extract(epoch FROM finished_at - started_at)::numeric, 1) "
         "FROM identification_run ORDER BY id DESC LIMIT 1"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    print(f"incremental identify after 10,000 new events: {incremental:.1f} s with the "
          f"command's start-up, {own} s the run itself (figure: <= 5 s)", flush=True)  # fmt: skip
    counts = subprocess.run(
        [PATHWAYS, "dbshell", "--", "-At", "-c",
         "SELECT count(*) FROM people_person; SELECT count(*) FROM events_event; "
         "SELECT service_id || ' ' || count(*) FROM identification_candidate "
         "WHERE status = 'open' GROUP BY service_id ORDER BY 1"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout.split("\n")  # fmt: skip
    print(f"data: {int(counts[0]):,} people, {int(counts[1]):,} events; open candidates: "
          f"{', '.join(c for c in counts[2:] if c)}")  # fmt: skip


if __name__ == "__main__":
    bench_main(__doc__ or "", measure)
