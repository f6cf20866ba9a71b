"""Alert latency at scale, on PostgreSQL (issue 4 "Figures": an alert visible <= 60 s
after the import that brought its event ends).

    .venv/bin/python -m bench.alerts [--people 1000000] [--extra-events N] [--keep]
    .venv/bin/python -m bench.alerts --database-url URL   # again, on a kept cluster

Loads the synthetic partnership (bench.partnership), gives every service team a worker,
starts the background worker (`pathways worker`, polling every second, as in
production), imports 10,000 new police events — a fifth of them for people with an
active referral — and measures the time from the end of the import to the moment the
alerts are in the database (the next page load shows them).
"""

from __future__ import annotations

import csv
import random
import subprocess
import time
from pathlib import Path

from bench.partnership import PATHWAYS, bench_main, run_pathways, setup_django

EVENTS = 10_000
TEAM_ROLES = {
    "INCLUDEM_ADAPT": "partner_worker",
    "AFC_SIDESTEP": "partner_worker",
    "NRS_YIT": "partner_worker",
    "BRAVEHEART": "partner_worker",
    "POP": "pop_worker",
    "ADRS_COS": "health_outreach",
    "CJSW_NE": "cjsw_worker",
}


def prepare() -> tuple[list[str], list[str]]:
    """Workers for the service teams; police refs of people with and without an active
    referral."""
    from django.contrib.auth import get_user_model

    from pathways.feeds.after_import import scan_new_events
    from pathways.partners.models import Membership
    from pathways.people.models import AgencyRecord
    from pathways.referrals.models import Referral

    users = get_user_model().objects
    for team, role in TEAM_ROLES.items():
        user, _ = users.get_or_create(username=f"bench-{team.lower()}")
        Membership.objects.get_or_create(user=user, team_id=team, role_id=role)
    scan_new_events()  # the mark: what is there already is history
    active = set(
        Referral.objects.filter(state__in=("sent", "accepted", "consented", "engaged")).values_list(
            "person_id", flat=True
        )[:50_000]
    )
    police = AgencyRecord.objects.filter(agency_id="POLICE")
    with_referral = list(police.filter(person_id__in=active).values_list("person_ref", flat=True))
    others = list(police.order_by("?").values_list("person_ref", flat=True)[:20_000])
    return with_referral, others


def write_events(path: Path, with_referral: list[str], others: list[str]) -> Path:
    rng = random.Random()
    stamp = int(time.time())
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agency", "event_ref", "person_ref", "kind", "occurred_at", "crime_group"])
        for n in range(EVENTS):
            ref = rng.choice(with_referral if n % 5 == 0 else others)
            kind = rng.choice(["offence", "offence", "offence", "custody", "overdose"])
            group = "violence" if kind == "offence" else ""
            writer.writerow(
                ["POLICE", f"ALERT-{stamp}-{n}", ref, kind, "2026-11-20T22:00:00", group]
            )
    return path


def measure(env: dict[str, str], work: Path) -> None:
    setup_django(env)
    from django.db.models import Max

    from pathways.alerts.models import Alert, AlertScan
    from pathways.events.models import Event

    with_referral, others = prepare()
    new = write_events(work / "alert-events.csv", with_referral, others)
    worker = subprocess.Popen(
        [PATHWAYS, "worker", "--interval", "1", "--no-startup-delay"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        before = Alert.objects.count()
        run_pathways(["import", "events", str(new)], env)
        ended = time.perf_counter()
        top = Event.objects.aggregate(top=Max("id"))["top"]
        while not AlertScan.objects.filter(up_to_event__gte=top).exists():
            if time.perf_counter() - ended > 600:
                raise SystemExit("no alert scan within 10 minutes")
            time.sleep(0.2)
        latency = time.perf_counter() - ended
    finally:
        worker.terminate()
        worker.wait(30)
    made = Alert.objects.count() - before
    print(f"{EVENTS:,} new events ({len(with_referral):,} people with an active referral to "
          f"draw from): {made:,} alerts visible {latency:.1f} s after the import ended "
          "(figure: <= 60 s)")  # fmt: skip
    print(f"data: {Event.objects.count():,} events")


if __name__ == "__main__":
    bench_main(__doc__ or "", measure)
