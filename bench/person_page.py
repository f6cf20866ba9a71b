"""Person page with 2,000 events, on PostgreSQL with a million people (issue 2 §8).

    .venv/bin/python -m bench.person_page [--people 1000000] [--events 2000]

Loads a synthetic partnership of `--people` people (people.csv only, through the
importer) into a throwaway PostgreSQL cluster, gives one person `--events` events,
then requests that person's page as a partnership-team police analyst 30 times
in-process and prints the median and 95th-percentile server time of the first page.
Figure to reach: <= 150 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.throwaway_postgres import throwaway_postgres

REPO = Path(__file__).resolve().parent.parent
PATHWAYS = str(REPO / ".venv" / "bin" / "pathways")


def write_busy_person(out: Path, events: int) -> tuple[Path, Path]:
    people = out / "busy-person.csv"
    with people.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "agency",
                "person_ref",
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "postcode",
                "area",
            ]
        )
        writer.writerow(
            ["POLICE", "BENCH-BUSY", "Busy", "Bencher", "1990-01-01", "M", "G31 2AB", "NE"]
        )
    kinds = ["offence", "custody", "asb", "overdose", "concern"]
    groups = ["dishonesty", "violence", "antisocial", "damage"]
    rows = out / "busy-events.csv"
    with rows.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["agency", "event_ref", "person_ref", "kind", "occurred_at", "crime_group", "flags"]
        )
        for n in range(events):
            kind = kinds[n % len(kinds)]
            day = 1 + n % 28
            month = 1 + (n // 28) % 12
            year = 2015 + (n // 336) % 10
            writer.writerow(
                [
                    "POLICE",
                    f"BENCH-EV-{n}",
                    "BENCH-BUSY",
                    kind,
                    f"{year}-{month:02d}-{day:02d}T{n % 24:02d}:10:00",
                    groups[n % len(groups)] if kind == "offence" else "",
                    "substance" if n % 3 == 0 else "",
                ]
            )
    return people, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pathways-bench-page-"))
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    print(f"generating {options.people:,} synthetic people…", flush=True)
    files = write_csvs(generate(options.people, seed=11), work)
    busy_people, busy_events = write_busy_person(work, options.events)
    with throwaway_postgres() as url:
        env = {**os.environ, "DATABASE_URL": url, "PATHWAYS_VAR_DIR": str(work / "var")}
        for args in (
            ["init"],
            ["import", "people", str(files["people"])],
            ["import", "people", str(busy_people)],
            ["import", "events", str(busy_events)],
        ):
            started = time.perf_counter()
            subprocess.run([PATHWAYS, *args], env=env, check=True, capture_output=True)
            print(
                f"  pathways {args[0]} {' '.join(Path(a).name for a in args[1:])}: "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
        os.environ.update(env)
        os.environ["ALLOWED_HOSTS"] = "testserver"  # Django's test client's host name
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.test import Client

        from pathways.partners.models import Membership
        from pathways.people.models import AgencyRecord, Person

        user = get_user_model().objects.create_user("bench-police")
        Membership.objects.create(user=user, team_id="ONE_GLASGOW", role_id="police_analyst")
        busy = AgencyRecord.objects.get(agency_id="POLICE", person_ref="BENCH-BUSY").person_id
        people = Person.objects.count()
        client = Client()
        client.force_login(user)
        url_path = f"/people/{busy}/"
        timings = []
        for _ in range(options.requests + 3):
            started = time.perf_counter()
            response = client.get(url_path)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        timings = timings[3:]  # the first requests warm caches and connections
        p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
        print(
            f"person page, {options.events:,} events, {people:,} people on PostgreSQL: "
            f"median {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms "
            f"over {len(timings)} requests (figure to reach: <= 150 ms)"
        )


if __name__ == "__main__":
    main()
