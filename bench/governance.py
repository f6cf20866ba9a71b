"""Information governance at scale, on PostgreSQL (issue 3 "Figures").

    .venv/bin/python -m bench.governance [--people 1000000] [--extra-events N]
                                          [--audit-events 1000000] [--keep]
    .venv/bin/python -m bench.governance --database-url URL --var-dir DIR  # a kept cluster

Loads a synthetic partnership (`--people` true people through the importers, plus
`--extra-events` filler police events so the spine reaches the issue's 10,000,000) and
one person with 5,000 events into a throwaway PostgreSQL cluster, then measures, in
process, through the sharing policy:
- person search as a police analyst and as a justice social worker (agreements): p95
  of 100 searches by surname (figure: <= 150 ms);
- the person page (policy-filtered chronology, first 50 of 5,000 events): p95 server time
  (figure: <= 100 ms);
- writing one access event: median and p95 (figure: <= 5 ms);
- `pathways audit verify` over `--audit-events` chained access events (figure: <= 60 s).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.partnership import load_partnership, setup_django
from bench.throwaway_postgres import throwaway_postgres


def p95(timings: list[float]) -> float:
    return sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]


def timed(label: str, fn, repeat: int) -> list[float]:  # noqa: ANN001
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1000)
    print(f"  {label}: median {statistics.median(timings):.1f} ms, p95 {p95(timings):.1f} ms")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--extra-events", type=int, default=3_600_000)
    parser.add_argument("--audit-events", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--database-url", help="measure again on a cluster kept earlier")
    parser.add_argument(
        "--var-dir",
        help="with --database-url: the kept load's working folder (printed when it was "
        "loaded), whose audit key the access events already written were chained with",
    )
    options = parser.parse_args()
    if options.database_url:
        if not options.var_dir:
            parser.error("--database-url needs --var-dir: access events written with another "
                         "audit key would break the chain")  # fmt: skip
        setup_django({"DATABASE_URL": options.database_url, "PATHWAYS_VAR_DIR": options.var_dir})
        measure(options.audit_events)
        return
    work = Path(tempfile.mkdtemp(prefix="pathways-bench-governance-"))
    with throwaway_postgres(keep=options.keep) as url:
        env = load_partnership(url, work, options.people, options.extra_events)
        print(f"working folder (audit key): {env['PATHWAYS_VAR_DIR']}", flush=True)
        setup_django(env)
        measure(options.audit_events)


def measure(audit_events: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from pathways.access.search import search_people
    from pathways.audit.chain import verify_chain
    from pathways.audit.log import record_access
    from pathways.events.models import Event
    from pathways.partners.models import Membership
    from pathways.people.models import AgencyRecord, Person

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    people, events = Person.objects.count(), Event.objects.count()
    print(f"data: {people:,} people, {events:,} events on PostgreSQL", flush=True)
    users = get_user_model().objects
    police, _ = users.get_or_create(username="bench-police")
    Membership.objects.get_or_create(user=police, team_id="ONE_GLASGOW", role_id="police_analyst")
    social, _ = users.get_or_create(username="bench-social")
    Membership.objects.get_or_create(user=social, team_id="CJSW_NE", role_id="cjsw_worker")
    # The same surnames on every run, drawn like people at the front desk: by record.
    top = AgencyRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    drawn = random.Random(11).sample(range(1, top + 1), min(top, 150))
    surnames = list(
        AgencyRecord.objects.filter(pk__in=drawn).values_list("family_name", flat=True)[:100]
    )
    for user in (police, social):
        queries = iter(surnames * 2)
        timed(f"search as {user.username} (100 surnames)",
              lambda u=user, q=queries: list(search_people(u, next(q))), 100)  # fmt: skip

    busy = AgencyRecord.objects.get(agency_id="POLICE", person_ref="BENCH-BUSY").person_id
    client = Client()
    client.force_login(police)
    for _ in range(3):
        client.get(f"/people/{busy}/")  # warm up
    timed("person page, chronology of 5,000 events (first 50)",
          lambda: client.get(f"/people/{busy}/"), 30)  # fmt: skip

    timed("writing one access event", lambda: record_access(
        police, action="view_person", allowed=True, person_id=busy, categories={"identity"},
        basis="bench"), 500)  # fmt: skip

    if not audit_events:
        return
    have = audit_events - 500 - 40
    print(f"writing {have:,} more access events for the chain check…", flush=True)
    write_many_access_events(police, have)
    started = time.perf_counter()
    report = verify_chain()
    seconds = time.perf_counter() - started
    print(f"  pathways audit verify: {report.checked:,} access events in {seconds:.1f} s "
          f"(intact: {report.ok}; figure: <= 60 s)")  # fmt: skip


def write_many_access_events(user, count: int) -> None:  # noqa: ANN001
    """Append `count` chained access events quickly: hashes computed here, rows copied in."""
    from django.db import connection
    from django.utils import timezone

    from pathways.audit.chain import audit_key, chain_hash
    from pathways.audit.models import AccessEvent

    key = audit_key()
    last = AccessEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = last if last else (0, "0" * 64)
    columns = ["seq", "at", "user_id", "username", "roles", "person_id", "people_count",
               "action", "channel", "categories", "purpose", "decision", "basis",
               "client_address", "request_id", "detail", "prev_hash", "hash"]  # fmt: skip
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY sharing_accessevent ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for n in range(count):
            seq += 1
            row = {"seq": seq, "at": timezone.now(), "user_id": user.pk, "username": "bench-police",
                   "roles": "police_analyst", "person_id": n + 1, "people_count": 1,
                   "action": "view_person", "channel": "web", "categories": "identity",
                   "purpose": "bench", "decision": "allowed", "basis": "bench",
                   "client_address": "127.0.0.1", "request_id": f"r{n}", "detail": ""}  # fmt: skip
            digest = chain_hash(key, prev, row, [])
            copy.write_row([*(row[c] for c in columns[:-2]), prev, digest])
            prev = digest


if __name__ == "__main__":
    main()
