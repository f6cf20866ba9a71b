"""Backing up and restoring the synthetic partnership on PostgreSQL (issue 21, "restore").

    .venv/bin/python -m bench.backup_restore [--people 100000] [--extra-events 0]
                                              [--audit-events 250000] [--scans 1000] [--keep]

Loads the synthetic partnership (`--people` true people, their events and referrals,
through `pathways init` and `pathways import`; bench/partnership.py) into a throwaway
PostgreSQL cluster, adds `--audit-events` chained access events (bench/governance.py's
writer: the looks a live partnership has audited) and `--scans` files of 200 kB in
MEDIA_ROOT (the size of a scanned consent form), then times, each as the operator runs
it (a separate process, its start-up included):
- `pathways backup --out DIR` (pg_dump's custom format from one snapshot, the counts and
  checksums of the manifest);
- `pathways restore DIR` into a new, empty database on the same cluster (pg_restore in one
  transaction, ANALYZE, every table counted again, the access audit verified).
Prints the data's size (people, events, the dump's bytes) beside the seconds, and the
machine's cores: the figures are of a machine possibly shared with other work.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.governance import write_many_access_events
from bench.partnership import PATHWAYS, load_partnership, setup_django
from bench.throwaway_postgres import throwaway_postgres


def timed_pathways(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Run `pathways ARGS…`; its seconds and its standard output (it must succeed)."""
    started = time.perf_counter()
    done = subprocess.run([PATHWAYS, *args], env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"pathways {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def create_database(url: str, name: str) -> str:
    """A new, empty database beside the one at `url`; its URL."""
    import psycopg

    server = url.rpartition("/")[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def add_audit_and_scans(env: dict[str, str], media: Path, audit_events: int, scans: int) -> None:
    """`audit_events` chained access events by one police analyst, and `scans` files of
    random bytes (incompressible, as scans nearly are) under `media`."""
    setup_django(env)
    from django.contrib.auth import get_user_model
    from django.db import connection

    print(f"writing {audit_events:,} access events and {scans:,} scans…", flush=True)
    user = get_user_model().objects.create_user("bench-police")
    write_many_access_events(user, audit_events)
    connection.close()
    rng = random.Random(21)
    for n in range(scans):
        path = media / "consent-forms" / "2026" / f"{1 + n % 12:02d}" / f"scan-{n}.pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"%PDF-1.4\n" + rng.randbytes(200_000))


def database_bytes(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--extra-events", type=int, default=0)
    parser.add_argument("--audit-events", type=int, default=250_000)
    parser.add_argument("--scans", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pathways-bench-backup-"))
    with throwaway_postgres(keep=options.keep) as url:
        env = load_partnership(url, work, options.people, options.extra_events)
        add_audit_and_scans(env, work / "var" / "uploads", options.audit_events, options.scans)
        folder = work / "backup"
        backup_seconds, _ = timed_pathways(["backup", "--out", str(folder)], env)
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        counts = manifest["counts"]
        dump = manifest["files"][manifest["database"]["file"]]["bytes"]
        total = sum(f["bytes"] for f in manifest["files"].values())
        restored = create_database(url, "pathways_restored")
        restore_env = {**env, "DATABASE_URL": restored, "MEDIA_ROOT": str(work / "restored")}
        restore_seconds, said = timed_pathways(["restore", str(folder)], restore_env)
        size = database_bytes(url)
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)  # the synthetic files and the backup
    print(said)
    print(f"cores: {os.cpu_count()} (a machine shared with other work: figures may vary)")
    print(
        f"data: {counts['people_person']:,} people, {counts['people_agencyrecord']:,} agency "
        f"records, {counts['events_event']:,} events, {counts['referrals_referral']:,} "
        f"referrals, {counts['sharing_accessevent']:,} audit entries; PostgreSQL "
        f"{manifest['database']['server_version']}, the database {size / 1e6:,.0f} MB on disk"
    )
    print(
        f"dump: {dump / 1e6:,.1f} MB (pg_dump custom format, {manifest['database']['pg_dump']}); "
        f"{manifest['uploads']:,} uploaded files, {(total - dump) / 1e6:,.1f} MB"
    )
    print(f"backup:  {backup_seconds:6.1f} s  (pathways backup --out DIR)")
    print(
        f"restore: {restore_seconds:6.1f} s  (pathways restore DIR into a new database, "
        "ANALYZE, every table recounted, the audit verified)"
    )


if __name__ == "__main__":
    main()
