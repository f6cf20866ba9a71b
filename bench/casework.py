"""Justice social work's casework at scale (issue 20 "Figures").

    .venv/bin/python -m bench.casework [--people 1000000] [--orders 30000] [--keep]
    .venv/bin/python -m bench.casework --database-url URL      # on a kept cluster

PostgreSQL, with the synthetic partnership's people (a million true people, loaded
through `pathways import people`) and casework at the issue's size (bench.casework_data:
about 30,000 orders and 2,800,000 sessions and appointments, four reports per order,
loaded through `pathways import`):
- `pathways report casework` for a year (figure: <= 5 s), and the same figures by
  DuckDB over the same tables exported to Parquet (bench/casework_reference.py, written
  from CASEWORK.md separately), timed in the same run: the ratio (figure: <= 3x) and
  whether the figures agree;
- an order's page with 300 sessions (figure: <= 150 ms server time);
- a squad register of 12 people saved in one request (figure: <= 300 ms);
- the due list of a team of 20 workers (figure: <= 200 ms).
Times are the median of several runs after one warm-up run (printed too).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.partnership import run_pathways, setup_django

PERIOD = (dt.date(2025, 4, 1), dt.date(2026, 4, 1))
AS_OF = dt.date(2026, 11, 1)
TEAM, WORKERS, CASELOAD = "CJSW_NE", 20, 40
EXPORTS = {
    "orders": "SELECT id, type, imposed_on, upw_hours, supervision_months, state, ended_on "
    "FROM casework_order",
    "contacts": 'SELECT order_id, kind, "on" AS day, attendance, hours_credited '
    "FROM cases_contact WHERE order_id IS NOT NULL",
    "plans": "SELECT order_id, agreed_on FROM casework_plan",
    "reviews": "SELECT order_id, due_on, held_on FROM casework_review",
    "reports": "SELECT court, due_on, status, submitted_on FROM casework_courtreport",
    "assessments": "SELECT id, person_id, stage, assessed_on, level, assessment_ref "
    "FROM casework_assessment",
}


def timed(label: str, fn: Callable[[], object], runs: int = 5, unit: str = "ms") -> float:
    started = time.perf_counter()
    fn()
    first = time.perf_counter() - started
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    scale = 1000 if unit == "ms" else 1
    shown = ".0f" if unit == "ms" else ".2f"
    print(f"  {label}: {median * scale:{shown}} {unit} (median of {runs}; first "
          f"{first * scale:{shown}} {unit})", flush=True)  # fmt: skip
    return median


def load(url: str, work: Path, people: int, orders: int) -> dict[str, str]:
    from bench.casework_data import write_casework
    from pathways.synth.population import PEOPLE_COLUMNS, generate, iter_people_rows

    print(f"generating {people:,} synthetic people…", flush=True)
    started = time.perf_counter()
    people_csv = work / "people.csv"
    with people_csv.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, PEOPLE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(iter_people_rows(generate(people, seed=13)))
    print(f"  people.csv in {time.perf_counter() - started:.0f} s", flush=True)
    files = write_casework(people_csv, work, orders)
    env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_VAR_DIR": str(work / "var")}
    run_pathways(["init"], env)
    run_pathways(["import", "people", "--defer-linking", str(people_csv)], env)
    for kind in ("orders", "sessions", "court_reports", "plans", "reviews", "assessments"):
        run_pathways(["import", kind, str(files[kind])], env)
    return env


def sizes() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT COUNT(*) FROM people_person), (SELECT COUNT(*) FROM casework_order),"
            " (SELECT COUNT(*) FROM cases_contact WHERE order_id IS NOT NULL),"
            " (SELECT COUNT(*) FROM casework_courtreport)"
        )
        people, orders, sessions, reports = cursor.fetchone()
    return (f"{people:,} people (records unlinked), {orders:,} orders, {sessions:,} sessions "
            f"and appointments, {reports:,} court reports")  # fmt: skip


def export_parquet(folder: Path) -> None:
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
        db.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', header = true)) "
                   f"TO '{folder / name}.parquet' (FORMAT parquet)")  # fmt: skip
        csv_path.unlink()


def _user(username: str, role: str) -> object:
    from django.contrib.auth import get_user_model

    from pathways.partners.models import Membership

    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.get_or_create(user=user, team_id=TEAM, defaults={"role_id": role})
    return user


def measure(work: Path) -> None:
    from django.db import connection
    from django.test import Client

    from bench.casework_data import BUSY_ORDER
    from bench.casework_reference import connect, reference_report
    from pathways.cases.models import Contact
    from pathways.casework.models import Order
    from pathways.outcomes.casework import casework_parameters, casework_report

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"data: {sizes()} on PostgreSQL; period {PERIOD[0]} to {PERIOD[1]}, as of {AS_OF}",
          flush=True)  # fmt: skip

    params = casework_parameters(*PERIOD, AS_OF)
    report: dict[str, object] = {}

    def ours() -> None:
        report.update(casework_report(params).as_json())

    postgres = timed("pathways report casework, PostgreSQL", ours, runs=3, unit="s")
    from pathways.outcomes import casework as definitions

    parts = []
    for name in ("new_orders", "placement_within_7_days", "plan_within_20_days",
                 "reviews_on_time", "attendance_rate", "hours_completed_in_time",
                 "orders_ended", "reports_by_court", "risk_levels"):  # fmt: skip
        started = time.perf_counter()
        getattr(definitions, name)(params)
        parts.append(f"{name} {1000 * (time.perf_counter() - started):.0f} ms")
    print("  each definition once: " + "; ".join(parts), flush=True)
    started = time.perf_counter()
    export_parquet(work / "parquet")
    print(f"  (exported to Parquet in {time.perf_counter() - started:.0f} s)", flush=True)
    db = connect(work / "parquet")
    theirs: dict[str, object] = {}
    reference = timed(
        "the same figures, DuckDB over Parquet",
        lambda: theirs.update(reference_report(db, *PERIOD, AS_OF)), runs=3, unit="s",
    )  # fmt: skip
    mine = {k: v for k, v in report.items() if k not in ("period", "as_of")}
    agree = json.dumps(mine, sort_keys=True, default=str) == json.dumps(
        theirs, sort_keys=True, default=str
    )
    print(f"  PostgreSQL / DuckDB: {postgres / reference:.2f}x (figure: <= 3x); "
          f"the figures agree: {agree}", flush=True)  # fmt: skip
    for key in mine:
        if json.dumps(mine[key], sort_keys=True) != json.dumps(theirs.get(key), sort_keys=True):
            print(f"    {key}: Pathways {mine[key]}\n    {key}: DuckDB   {theirs.get(key)}")
    figures = report["figures"]
    print(
        "  "
        + "; ".join(
            f"{k} {v['percent']}% of {v['denominator']:,}"  # type: ignore[index]
            for k, v in figures.items()
        ),
        flush=True,
    )  # type: ignore[attr-defined]

    # An order's page with 300 sessions, as a justice social worker.
    worker = _user("bench-worker-0", "cjsw_worker")
    client = Client()
    client.force_login(worker)  # type: ignore[arg-type]
    busy = Order.objects.get(order_ref=BUSY_ORDER)
    count = Contact.objects.filter(order=busy).count()

    def order_page() -> None:
        response = client.get(f"/casework/orders/{busy.pk}/")
        assert response.status_code == 200, response.status_code

    timed(f"an order's page with {count} sessions (figure: <= 150 ms)", order_page)

    # The due list of a team of 20 workers: the team's live orders shared among them.
    workers = [_user(f"bench-worker-{n}", "cjsw_worker") for n in range(WORKERS)]
    live = list(Order.objects.filter(team_id=TEAM).exclude(
        state__in=("completed", "revoked_breach", "revoked_other", "transferred", "died")
    ).order_by("id").values_list("pk", flat=True))  # fmt: skip
    for n, worker_user in enumerate(workers):
        Order.objects.filter(pk__in=live[n::WORKERS]).update(worker=worker_user)
    manager = _user("bench-manager", "cjsw_manager")
    managing = Client()
    managing.force_login(manager)  # type: ignore[arg-type]

    def due_list() -> None:
        response = managing.get("/casework/due/?team=1")
        assert response.status_code == 200, response.status_code

    timed(f"the due list of the north east's {len(live):,} live orders shared by {WORKERS} "
          "workers (a stress: about 114 each)", due_list)  # fmt: skip
    # A team of 20 as a team is: about 40 live orders a worker (Scottish justice social
    # workers hold 25-40). The rest of the area's orders go to another team.
    kept = live[: WORKERS * CASELOAD]
    Order.objects.filter(pk__in=live[WORKERS * CASELOAD :]).update(team_id="CJSW_NW")
    timed(f"the due list of a team of {WORKERS} workers ({len(kept):,} live orders, "
          f"{CASELOAD} each) (figure: <= 200 ms)", due_list)  # fmt: skip

    # A squad's register of 12 saved in one request, a new day each run.
    placed = list(Order.objects.filter(
        team_id=TEAM, state="active", upw_hours__gte=100,
        imposed_on__lt=AS_OF - dt.timedelta(days=60),
    ).order_by("id")[:12])  # fmt: skip
    Order.objects.filter(pk__in=[o.pk for o in placed]).update(project_id="NE_GARDENS")
    supervisor = _user("bench-supervisor", "upw_supervisor")
    keeping = Client()
    keeping.force_login(supervisor)  # type: ignore[arg-type]
    # Days none of them has a session on the squad yet (a kept cluster measured again).
    taken = set(Contact.objects.filter(order__in=placed, project_id="NE_GARDENS")
                .values_list("on", flat=True))  # fmt: skip
    days = iter(d for d in (AS_OF - dt.timedelta(days=n) for n in range(1, 60)) if d not in taken)

    def register() -> None:
        day = next(days)
        post = {"hours_offered": "1"} | {f"att_{o.pk}": "attended" for o in placed}
        response = keeping.post(f"/casework/squads/NE_GARDENS/{day}/", post)
        if response.status_code != 302:
            problems = response.content.decode().split("ds_error-summary__list")[-1][:1500]
            raise SystemExit(f"the register was refused: {problems}")

    timed(f"a squad register of {len(placed)} saved in one request (figure: <= 300 ms)",
          register)  # fmt: skip


def main() -> None:
    from bench.throwaway_postgres import throwaway_postgres

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=30_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--database-url", help="measure again on a cluster kept earlier")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pathways-bench-casework-"))
    if options.database_url:
        env = {**os.environ, "DATABASE_URL": options.database_url,
               "PATHWAYS_VAR_DIR": str(work / "var")}  # fmt: skip
        run_pathways(["init"], env)
        setup_django(env)
        measure(work)
        return
    with throwaway_postgres(keep=options.keep) as url:
        env = load(url, work, options.people, options.orders)
        setup_django(env)
        measure(work)


if __name__ == "__main__":
    main()
