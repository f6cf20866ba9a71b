"""Incremental linkage at scale (issue 6 "Figures"): new records matched as they land.

    .venv/bin/python -m bench.linkage_incremental [--records 1000000] [--keep]
                                                  [--database-url URL --var-dir DIR]

A throwaway PostgreSQL cluster is loaded with `--records` agency records of the
synthetic partnership as an operator loads a whole partnership the first time:
`pathways import people --defer-linking`, then `pathways link --full --no-training`
(the model shipped; each step's time is printed). Then records of the same partnership
held back from the load are matched against the million: one at a time (median and p95
over 50) and 1,000 at a time (over 5 batches), as an import matches them, including
the checks a commit would make. Each measurement is rolled back, so every one sees the
same million; the tables are vacuumed between batches, as autovacuum keeps a live
database. Figures: one record <= 50 ms median; 1,000 <= 1 s.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.partnership import run_pathways, setup_django
from bench.throwaway_postgres import throwaway_postgres

SINGLES = 50
BATCHES = 5
BATCH = 1_000


class _RolledBack(Exception):
    pass


def machine_speed() -> float:
    """Milliseconds for a fixed loop of plain Python, the median of five (the best of
    them flattered a machine that is slow most of the time): a shared virtual machine's
    speed drifts, and the figures here move with it."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for n in range(3_000_000):
            total += n * n % 7
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def split_people(records: int, work: Path) -> tuple[Path, list[dict[str, str]]]:
    """people.csv of the first `records` agency records, and the records held back."""
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    people_csv = work / "people.csv"
    if not people_csv.exists():  # a folder of an earlier run (--work) is used again
        print(f"generating a partnership of over {records:,} records…", flush=True)
        write_csvs(generate(int(records / 1.6) + 20_000, seed=13), work)
    files = {"people": people_csv}
    loaded = work / "loaded-people.csv"
    held: list[dict[str, str]] = []
    with (
        files["people"].open(encoding="utf-8") as source,
        loaded.open("w", encoding="utf-8") as out,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\n")
        writer.writeheader()
        for n, row in enumerate(reader):
            if n < records:
                writer.writerow(row)
            elif len(held) < SINGLES + BATCHES * BATCH:
                held.append(row)
    return loaded, held


def measure(held: list[dict[str, str]]) -> None:
    from django.db import connection, transaction

    from pathways.linkage.internals.matching import link_new_records
    from pathways.linkage.internals.model_store import current_model
    from pathways.people.models import AgencyRecord, Person
    from pathways.people.names import name_key

    model = current_model()
    existing = AgencyRecord.objects.count()

    def timed_match(rows: list[dict[str, str]]) -> tuple[float, int, int]:
        """Seconds to match `rows` (already stored, as an import stores them), rolled back."""
        result: list[tuple[float, int, int]] = []
        try:
            with transaction.atomic():
                people = Person.objects.bulk_create([Person() for _ in rows])
                records = AgencyRecord.objects.bulk_create(
                    AgencyRecord(
                        agency_id=r["agency"], person_ref=f"NEW-{r['person_ref']}",
                        person_id=p.pk, given_name=r["given_name"],
                        family_name=r["family_name"], given_key=name_key(r["given_name"]),
                        family_key=name_key(r["family_name"]),
                        date_of_birth=r["date_of_birth"] or None, sex=r["sex"],
                        postcode=r["postcode"], address=r["address"], content_hash="bench",
                    )
                    for r, p in zip(rows, people, strict=True)
                )  # fmt: skip
                started = time.perf_counter()
                outcome = link_new_records([r.pk for r in records], model=model)
                # The checks a commit would make (foreign keys are checked at commit).
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                result.append((time.perf_counter() - started, outcome.linked, outcome.pairs_scored))
                raise _RolledBack
        except _RolledBack:
            pass
        return result[0]

    def tidy() -> None:
        """What autovacuum does to a live database: the rows each rolled-back measurement
        left behind would otherwise slow the next one (a real import commits)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM people_linkkey, people_agencyrecord, people_person, "
                "people_linkfrequency, people_linkreview"
            )
            # Written out now, rather than by a checkpoint during the next measurement.
            cursor.execute("CHECKPOINT")

    print(
        f"this machine's speed now: {machine_speed():.0f} ms for a fixed Python loop "
        "(about 210 ms when the figures in docs/linkage.md were measured)",
        flush=True,
    )
    timed_match(held[:1])  # builds the scoring SQL once, as a running server has
    tidy()
    singles = [timed_match([row]) for row in held[:SINGLES]]
    tidy()
    seconds = sorted(s for s, _, _ in singles)
    print(f"one new record against {existing:,} records: median "
          f"{statistics.median(seconds) * 1000:.1f} ms, p95 "
          f"{seconds[int(0.95 * (len(seconds) - 1))] * 1000:.1f} ms over {SINGLES} records "
          f"({sum(n for _, n, _ in singles)} joined a person; figure: median <= 50 ms)",
          flush=True)  # fmt: skip
    for n in range(BATCHES):
        rows = held[SINGLES + n * BATCH : SINGLES + (n + 1) * BATCH]
        spent, joined, pairs = timed_match(rows)
        tidy()
        print(f"{len(rows):,} new records against {existing:,}: {spent:.2f} s "
              f"({joined} joined a person, {pairs:,} pairs scored; figure: <= 1 s)",
              flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--database-url", help="measure again on a cluster kept earlier")
    parser.add_argument("--var-dir", help="with --database-url: the load's working folder")
    parser.add_argument("--work", type=Path, help="the folder of an earlier run, to reuse")
    options = parser.parse_args()
    work = options.work or Path(tempfile.mkdtemp(prefix="pathways-bench-incremental-"))
    loaded, held = split_people(options.records, work)
    if options.database_url:
        env = {**os.environ, "DATABASE_URL": options.database_url,
               "PATHWAYS_VAR_DIR": options.var_dir or str(work / "var")}  # fmt: skip
        setup_django(env)
        measure(held)
        return
    with throwaway_postgres(keep=options.keep) as url:
        env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_VAR_DIR": str(work / "var")}
        run_pathways(["init"], env)
        run_pathways(["import", "people", "--defer-linking", str(loaded)], env)
        spent = run_pathways(["link", "--full", "--no-training"], env)
        print(f"full re-link of {options.records:,} records: {spent:.0f} s", flush=True)
        setup_django(env)
        measure(held)


if __name__ == "__main__":
    main()
