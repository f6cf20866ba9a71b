"""The imports held to the yardstick of issue 18: a COPY into a table shaped like theirs.

    .venv/bin/python -m bench.import_yardstick [--rows 1000000] [--keep DIR]

On a throwaway PostgreSQL cluster (durable settings, bench/throwaway_postgres.py), from a
synthetic partnership (`pathways.synth`, seed 7) cut to `--rows` people records and
`--rows` event rows, one run measures:

1. `pathways import people FILE --defer-linking` into a fresh database, then the two
   yardsticks of the same rows: (a) the *shaped COPY*, (b) the old all-text COPY;
2. `pathways import events FILE` into the same database (the people are there), then its
   two yardsticks;
3. `pathways import people FILE` with linking, into another fresh database, its time and
   peak memory, then the same file again (every row unchanged).

**The shaped COPY** is what the database must do at the least to hold the rows an import
wrote, in the shape the application keeps them: the import's own tables are read back
(`COPY ... TO`, not timed) and copied (`COPY ... FROM STDIN`, timed, streamed from a file
as the old yardstick streams the CSV file) into empty tables made `LIKE` the real ones
`INCLUDING ALL` (the same columns and types, defaults, identity, check and NOT NULL
constraints, primary key, unique constraints and every index), with the same foreign
keys, to the same parents: the real parents (agencies, areas, the people the events
belong to) where the import only looked them up, and the shaped twin where the import
wrote the parent too (a people import writes `people_person` and `people_agencyrecord`:
its yardstick is both tables). The rows are the import's own, already typed, with their
ids, content hashes and name keys: what the yardstick leaves out is exactly what an
import must do beyond storing: read and check every value, say why a row is refused,
recognise rows sent before and keep previous versions, give each record a person. It
is the fair floor; the import is held to 2x it. The import is timed as the operator
runs it, the whole command with its start-up, but without the identification that
follows an events import (`PATHWAYS_IDENTIFY_AFTER_IMPORT=0`: that is identification's
work, held to its own figures by bench/identify.py); the import run alone (`ImportRun`
started to finished) is printed beside.

**The old yardstick** (bench/import_events.py, issue 2) is a COPY of the CSV file as it
is into an unindexed all-text table: no types, no index, no key, a floor no import that
checks its rows can reach; printed for comparison.

Figures (issue 18): each import (linking deferred) <= 2x its shaped COPY; the people
import of 1,000,000 records with linking <= 180 s and <= 2 GiB peak, the same file again
<= 30 s. Peak memory is the import process's maximum resident set (/usr/bin/time).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.throwaway_postgres import throwaway_postgres

REPO = Path(__file__).resolve().parent.parent
PATHWAYS = str(REPO / ".venv" / "bin" / "pathways")
# Agency records per synthetic person (seed 7: about 1.7; each has more events than that),
# to size the partnership.
RECORDS_PER_PERSON = 1.6


def make_data(rows: int, out: Path) -> tuple[Path, Path]:
    """people.csv and events.csv of `rows` rows each (cut from one partnership, in its
    order, so the events' people are among the records kept)."""
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    people = max(1000, int(rows / RECORDS_PER_PERSON) + 1000)
    while True:
        files = write_csvs(generate(people, seed=7), out)
        counts = {name: _lines(files[name]) - 1 for name in ("people", "events")}
        if min(counts.values()) >= rows:
            break
        people = int(people * rows / max(1, min(counts.values())) * 1.05) + 1000
    cut = {name: _head(files[name], out / f"{name}-{rows}.csv", rows) for name in counts}
    return cut["people"], cut["events"]


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def _head(path: Path, out: Path, rows: int) -> Path:
    with path.open("rb") as src, out.open("wb") as dst:
        for number, line in enumerate(src):
            if number > rows:
                break
            dst.write(line)
    return out


def pathways(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a pathways command: its wall seconds, peak RSS (KiB) and standard output."""
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


def counts(stdout: str) -> str:
    return " ".join(line.replace(": ", "=") for line in stdout.splitlines() if ": " in line)


def run_seconds(url: str) -> float:
    """The last import run's own time, started to finished."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT EXTRACT(EPOCH FROM finished_at - started_at) FROM events_importrun "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
    return float(row[0]) if row else 0.0


def shaped_copy_seconds(url: str, tables: list[str], work: Path) -> float:
    """COPY the rows of `tables` (parents first) into empty twins made like them, with
    the same indexes, constraints and foreign keys (a key to a table of `tables` points
    at its twin); the seconds the COPYs took. The twins are dropped after."""
    import psycopg

    twins = {table: f"shaped_{table}" for table in tables}
    with psycopg.connect(url, autocommit=True) as conn:
        dumps = {}
        for table in tables:
            dumps[table] = work / f"{table}.copy"
            with conn.cursor() as cursor, dumps[table].open("wb") as out:
                with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                    for chunk in copy:
                        out.write(chunk)
        for table in tables:
            twin = twins[table]
            conn.execute(f"DROP TABLE IF EXISTS {twin} CASCADE")
            conn.execute(f"CREATE TABLE {twin} (LIKE {table} INCLUDING ALL)")
            keys = conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            ).fetchall()
            for name, definition in keys:
                for parent, parent_twin in twins.items():
                    definition = re.sub(
                        rf"REFERENCES {parent}\(", f"REFERENCES {parent_twin}(", definition
                    )
                conn.execute(f'ALTER TABLE {twin} ADD CONSTRAINT "{name}_shaped" {definition}')
        seconds = 0.0
        for table in tables:
            start = time.perf_counter()
            with conn.cursor() as cursor, dumps[table].open("rb") as handle:
                with cursor.copy(f"COPY {twins[table]} FROM STDIN") as copy:
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
            seconds += time.perf_counter() - start
        for table in reversed(tables):
            conn.execute(f"DROP TABLE {twins[table]}")
            dumps[table].unlink()
    return seconds


def plain_copy_seconds(url: str, path: Path) -> float:
    """The old yardstick: the CSV file as it is into an unindexed all-text table."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        with path.open(encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
        columns = ", ".join(f"{c} text" for c in header)
        conn.execute("DROP TABLE IF EXISTS bench_plain_copy")
        conn.execute(f"CREATE TABLE bench_plain_copy ({columns})")
        start = time.perf_counter()
        with conn.cursor() as cursor, path.open("rb") as handle:
            with cursor.copy("COPY bench_plain_copy FROM STDIN (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        seconds = time.perf_counter() - start
        conn.execute("DROP TABLE bench_plain_copy")
    return seconds


def copy_database(url: str, name: str) -> str:
    """A new database on the same server, a copy of the one at `url` (nobody connected)."""
    import psycopg

    server, _, source = url.rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return f"{server}/{name}"


def yardstick_line(what: str, seconds: float, alone: float, shaped: float, plain: float) -> str:
    return (
        f"{what:<36} {seconds:7.1f} s (run {alone:.1f} s)  shaped COPY {shaped:6.1f} s  "
        f"ratio {seconds / shaped:4.2f}x (run {alone / shaped:4.2f}x; figure <= 2x)  "
        f"old all-text COPY {plain:5.1f} s  ratio {seconds / plain:4.2f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="keep the generated files here")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    work = options.keep or Path(tempfile.mkdtemp(prefix="pathways-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = options.rows
    print(f"generating a synthetic partnership for {rows:,} people records and events…",
          flush=True)  # fmt: skip
    people, events = make_data(rows, work)
    print(
        f"data: people.csv {rows:,} records ({people.stat().st_size / 1e6:.0f} MB), "
        f"events.csv {rows:,} rows ({events.stat().st_size / 1e6:.0f} MB)",
        flush=True,
    )
    lines = []
    with throwaway_postgres() as url:
        env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_VAR_DIR": str(work / "var")}
        pathways(["init"], env)
        linked_url = copy_database(url, "pathways_linked")

        took, rss, out = pathways(["import", "people", str(people), "--defer-linking"], env)
        alone = run_seconds(url)
        shaped = shaped_copy_seconds(url, ["people_person", "people_agencyrecord"], work)
        plain = plain_copy_seconds(url, people)
        lines.append(yardstick_line("import people --defer-linking", took, alone, shaped, plain)
                     + f"  peak RSS {rss / 1024:.0f} MiB  {counts(out)}")  # fmt: skip
        print(lines[-1], flush=True)

        alone_env = {**env, "PATHWAYS_IDENTIFY_AFTER_IMPORT": "0"}
        took, rss, out = pathways(["import", "events", str(events)], alone_env)
        alone = run_seconds(url)
        shaped = shaped_copy_seconds(url, ["events_event"], work)
        plain = plain_copy_seconds(url, events)
        lines.append(yardstick_line("import events", took, alone, shaped, plain)
                     + f"  peak RSS {rss / 1024:.0f} MiB  {counts(out)}")  # fmt: skip
        print(lines[-1], flush=True)

        linked_env = {**env, "DATABASE_URL": linked_url}
        took, rss, out = pathways(["import", "people", str(people)], linked_env)
        lines.append(
            f"{'import people (linking included)':<36} {took:7.1f} s  (figure <= 180 s at "
            f"1,000,000)  peak RSS {rss / 1024:.0f} MiB (figure <= 2048)  {counts(out)}"
        )
        print(lines[-1], flush=True)
        took, rss, out = pathways(["import", "people", str(people)], linked_env)
        lines.append(
            f"{'import people again (unchanged)':<36} {took:7.1f} s  (figure <= 30 s)  "
            f"peak RSS {rss / 1024:.0f} MiB  {counts(out)}"
        )
        print(lines[-1], flush=True)


if __name__ == "__main__":
    main()
