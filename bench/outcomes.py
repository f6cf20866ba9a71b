"""Outcomes and reporting at scale (issue 5 "Figures").

    .venv/bin/python -m bench.outcomes [--people 1000000] [--keep]
    .venv/bin/python -m bench.outcomes --database-url URL      # on a kept cluster
    .venv/bin/python -m bench.outcomes --sqlite-only [--sqlite-people 100000]

PostgreSQL, with the synthetic partnership (bench.partnership: at a million people,
10,000,000 events and about 100,000 engagements):
- the full outcome report (3/6/12-month follow-up, engagement length, the funnel and the
  funnel by service, the caseload) for a one-year period (figure: <= 10 s);
- the same figures computed by DuckDB over the same tables exported to Parquet
  (bench/outcomes_reference.py), timed in the same run: both times and their ratio
  (figure: PostgreSQL within 3x of DuckDB), and a check that the two agree;
- the annual report PDF (figure: <= 30 s).
SQLite, with 100,000 people: the full outcome report (figure: <= 10 s), and the outcome
dashboard page (figure: under 2 s on the demo data, which is a fifth of this size).

Times are the median of three runs after one warm-up run (the first, cold, is printed
too). The period is April 2024 to March 2025, as of the synthetic data's date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.partnership import REPO, load_partnership, run_pathways, setup_django

AS_OF = dt.date(2026, 11, 1)
PERIOD = (dt.date(2024, 4, 1), dt.date(2025, 4, 1))
EXPORTS = {
    "referrals": "SELECT id, person_id, service_id, referred_on, decision, decided_on, "
    "consent_on, started_on, ended_on, end_reason FROM referrals_referral",
    "events": "SELECT person_id, kind, occurred_on, crime_group FROM events_event",
    "people": "SELECT id, date_of_birth, sex FROM people_person",
    "transitions": 'SELECT referral_id, to_state, "on" FROM referrals_transition',
}


def timed(label: str, fn: Callable[[], object], runs: int = 3) -> tuple[float, object]:
    """Median seconds of `runs` runs after a first (printed) one, and the last result."""
    started = time.perf_counter()
    result = fn()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(f"  {label}: {median:.2f} s (median of {runs}; first run {first:.2f} s)", flush=True)
    return median, result


def sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM people_person), (SELECT COUNT(*) FROM events_event),"
            " (SELECT COUNT(*) FROM referrals_referral WHERE started_on IS NOT NULL)"
        )
        people, events, engagements = cursor.fetchone()
    return f"{people:,} people, {events:,} events, {engagements:,} engagements"


def the_report() -> dict[str, object]:
    from pathways.outcomes.parameters import report_parameters
    from pathways.outcomes.report import outcome_report

    params = report_parameters(None, *PERIOD, AS_OF)
    return outcome_report(params).as_json()


def dashboard_page() -> int:
    """GET /outcomes/ for the period as a partnership-team analyst: server time of the
    whole page (the report, quarters, distribution, five charts drawn as SVG)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from pathways.partners.models import Membership

    user, _ = get_user_model().objects.get_or_create(username="bench-analyst")
    Membership.objects.get_or_create(user=user, team_id="ONE_GLASGOW", role_id="police_analyst")
    client = Client()
    client.force_login(user)
    response = client.get(
        "/outcomes/",
        {"period_from": PERIOD[0].isoformat(), "period_to": PERIOD[1].isoformat(),
         "as_of": AS_OF.isoformat()},
    )  # fmt: skip
    assert response.status_code == 200, response.status_code
    return len(response.content)


def export_parquet(folder: Path) -> None:
    """The tables the reference reads, from PostgreSQL (COPY) to Parquet (DuckDB)."""
    import duckdb
    from django.db import connection

    folder.mkdir(parents=True, exist_ok=True)
    db = duckdb.connect()
    db.execute("SET autoinstall_known_extensions = false")
    for name, sql in EXPORTS.items():
        csv_path = folder / f"{name}.csv"
        with connection.cursor() as cursor, csv_path.open("wb") as out:
            with cursor.connection.cursor().copy(f"COPY ({sql}) TO STDOUT WITH CSV HEADER") as copy:
                for chunk in copy:
                    out.write(chunk)
        db.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header = true)) "
            f"TO '{folder / name}.parquet' (FORMAT parquet)"
        )
        csv_path.unlink()


def measure_postgres(work: Path) -> None:
    from django.db import connection

    from bench.outcomes_reference import connect, reference_report
    from pathways.outcomes.documents import write_annual_report
    from pathways.outcomes.parameters import diversion_services

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"data: {sizes()} on PostgreSQL; period {PERIOD[0]} to {PERIOD[1]}, "
          f"as of {AS_OF}", flush=True)  # fmt: skip
    postgres, ours = timed("full outcome report, PostgreSQL", the_report)

    started = time.perf_counter()
    export_parquet(work / "parquet")
    print(f"  (exported to Parquet in {time.perf_counter() - started:.0f} s)", flush=True)
    db = connect(work / "parquet")
    services = diversion_services()
    reference, theirs = timed(
        "the same figures, DuckDB over Parquet",
        lambda: reference_report(db, services, *PERIOD, AS_OF),
    )
    mine = {k: v for k, v in ours.items() if k != "parameters"}  # type: ignore[union-attr]
    agree = json.dumps(mine, sort_keys=True) == json.dumps(theirs, sort_keys=True)
    print(f"  PostgreSQL / DuckDB: {postgres / reference:.2f}x (figure: <= 3x); "
          f"the figures agree: {agree}", flush=True)  # fmt: skip
    if not agree:
        for key in mine:
            if json.dumps(mine[key], sort_keys=True) != json.dumps(theirs.get(key), sort_keys=True):  # type: ignore[union-attr]
                print(f"    {key}: Pathways {mine[key]}\n    {key}: DuckDB   {theirs.get(key)}")  # type: ignore[union-attr]
    print(
        f"  follow-up at 3 months: {ours['follow_up']['3']['cohort']:,} people; "  # type: ignore[index]
        f"funnel: {ours['funnel']['referred']:,} referrals",
        flush=True,
    )  # type: ignore[index]

    started = time.perf_counter()
    write_annual_report(*PERIOD, work / "annual.pdf", as_of=AS_OF)
    print(f"  annual report PDF: {time.perf_counter() - started:.1f} s (figure: <= 30 s)",
          flush=True)  # fmt: skip


def measure_sqlite(people: int) -> None:
    """Load `people` into a fresh SQLite database (pathways synth + import) and time the
    full report there, in a process of its own."""
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    work = Path(tempfile.mkdtemp(prefix="pathways-bench-outcomes-sqlite-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'pathways.sqlite3'}",
           "PATHWAYS_VAR_DIR": str(work / "var")}  # fmt: skip
    print(f"generating {people:,} synthetic people for SQLite…", flush=True)
    files = write_csvs(generate(people, seed=13), work)
    run_pathways(["init"], env)
    run_pathways(["import", "people", str(files["people"])], env)
    run_pathways(["import", "events", str(files["events"])], env)
    run_pathways(["import", "referrals", str(files["referrals"])], env)
    subprocess.run(
        [sys.executable, "-m", "bench.outcomes", "--measure-sqlite"],
        env={**env, "ALLOWED_HOSTS": "testserver"}, cwd=REPO, check=True,
    )  # fmt: skip


def main() -> None:
    from bench.throwaway_postgres import throwaway_postgres

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--extra-events", type=int, default=3_600_000)
    parser.add_argument("--sqlite-people", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--database-url", help="measure again on a cluster kept earlier")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--measure-sqlite", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure_sqlite:
        setup_django(dict(os.environ))
        print(f"data: {sizes()} on SQLite", flush=True)
        timed("full outcome report, SQLite", the_report)
        from pathways.outcomes.charts import warm_up

        warm_up()  # as pathways/wsgi.py does when the server starts
        timed("the outcome dashboard page (charts and tables), SQLite", dashboard_page)
        return
    if not options.sqlite_only:
        work = Path(tempfile.mkdtemp(prefix="pathways-bench-outcomes-"))
        if options.database_url:
            env = {**os.environ, "DATABASE_URL": options.database_url,
                   "PATHWAYS_VAR_DIR": str(work / "var")}  # fmt: skip
            run_pathways(["init"], env)
            setup_django(env)
            measure_postgres(work)
        else:
            with throwaway_postgres(keep=options.keep) as url:
                env = load_partnership(url, work, options.people, options.extra_events)
                setup_django(env)
                measure_postgres(work)
    measure_sqlite(options.sqlite_people)


if __name__ == "__main__":
    main()
