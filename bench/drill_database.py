"""The database outage drill (issue 21): PostgreSQL stopped and started again while
users work, against the production server.

    .venv/bin/python -m bench.drill_database [--people 2000] [--outage 10] [--probes 4]

1. a throwaway PostgreSQL cluster, the demo partnership (`pathways demo`), referrals
   engaged with ADAPT (bench/load_targets.py), `pathways serve` on a free port;
2. the ADAPT mentor records contacts through the pages (each told "recorded");
3. `--probes` users keep asking: half a referral's page, half the API's inbox (JSON),
   each as fast as answers come;
4. PostgreSQL is stopped at once (as a crash would: immediate mode), left down for
   `--outage` seconds, then started again (crash recovery from the write-ahead log);
5. printed: the answers during the outage (status, whether each was the plain "service
   unavailable" page or a JSON message, any trace shown: 0), requests without an answer
   (0), seconds from the database answering again to every probe's first success
   (figure: <= 10 s), and the contacts recorded before the outage still in the database
   (all of them), and one recorded after.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bench.load import REPO, pathways, served
from bench.throwaway_postgres import CLUSTERS, throwaway_postgres

RECOVERY_FIGURE_SECONDS = 10
PASSWORD = "pathways-demo"  # noqa: S105 -- the demo users' published password


def signed_in(server: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{server}/login/", timeout=30)
    session.post(
        f"{server}/login/",
        {"username": username, "password": PASSWORD,
         "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
        timeout=30,
    )  # fmt: skip
    return session


def record_contact(session: requests.Session, server: str, referral: int, on: str) -> str | None:
    """Record a contact through its page; its token when the page said it was recorded."""
    token = uuid.uuid4().hex
    path = f"{server}/referrals/{referral}/contacts/new/"
    answer = session.post(
        path,
        {"on": on, "attendance": "attended", "notes": f"drill {token}",
         "csrfmiddlewaretoken": session.cookies.get("csrftoken", "")},
        timeout=30,
    )  # fmt: skip
    return token if "The contact is recorded." in answer.text else None


@dataclass
class Answers:
    """What one probe heard: (when, status or 0 for no answer, kind of body)."""

    heard: list[tuple[float, int, str]] = field(default_factory=list)


def body_kind(response: requests.Response) -> str:
    text = response.text
    if "Traceback" in text or 'File "' in text:
        return "trace"
    if response.status_code == 503:
        if response.headers.get("content-type", "").startswith("application/json"):
            return "json message" if "message" in response.json() else "json without message"
        return "service unavailable page" if "unavailable" in text.lower() else "other 503"
    return "answer"


def probe(
    get: requests.Session, url: str, headers: dict[str, str], stop: threading.Event, out: Answers
) -> None:
    while not stop.is_set():
        try:
            response = get.get(url, headers=headers, timeout=30, allow_redirects=False)
            out.heard.append((time.time(), response.status_code, body_kind(response)))
        except requests.RequestException:
            out.heard.append((time.time(), 0, "no answer"))
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument("--probes", type=int, default=4)
    options = parser.parse_args()
    with throwaway_postgres() as database, tempfile.TemporaryDirectory() as folder:
        cluster = CLUSTERS[database]
        work = Path(folder)
        env = {**os.environ, "DATABASE_URL": database, "PATHWAYS_VAR_DIR": str(work / "var"),
               "PATHWAYS_ENV": "demo", "PATHWAYS_ALERT_EMAILS": "0"}  # fmt: skip
        pathways(["demo", "--people", str(options.people)], env)
        targets_file = work / "targets.json"
        subprocess.run(
            [sys.executable, "-m", "bench.load_targets", "make", str(targets_file),
             "--referrals", "5"],
            env=env, check=True, capture_output=True, cwd=REPO,
        )  # fmt: skip
        targets = json.loads(targets_file.read_text(encoding="utf-8"))
        token = pathways(["token", "create", "adapt"], env).stdout.strip()
        with served(env, work) as server:
            mentor = signed_in(server, "adapt")
            engaged = targets["engaged"]
            before = [record_contact(mentor, server, engaged[i % len(engaged)], targets["on"])
                      for i in range(20)]  # fmt: skip
            told_before = [t for t in before if t]
            stop = threading.Event()
            answers = [Answers() for _ in range(options.probes)]
            threads = []
            for i in range(options.probes):
                if i % 2:
                    url, headers = (
                        f"{server}/api/v1/referrals",
                        {"Authorization": f"Bearer {token}"},
                    )
                    session = requests.Session()
                else:
                    url, headers = f"{server}/referrals/{engaged[0]}/", {}
                    session = signed_in(server, "adapt")
                job = (session, url, headers, stop, answers[i])
                threads.append(threading.Thread(target=probe, args=job, daemon=True))
            for t in threads:
                t.start()
            time.sleep(3)
            down = time.time()
            cluster.stop()
            time.sleep(options.outage)
            cluster.start()
            back = time.time()
            time.sleep(RECOVERY_FIGURE_SECONDS + 5)
            stop.set()
            for t in threads:
                t.join(timeout=60)
            after = record_contact(mentor, server, engaged[0], targets["on"])
        during = [
            a for probe_answers in answers for a in probe_answers.heard if down <= a[0] < back
        ]
        kinds: dict[str, int] = {}
        for _, status, kind in during:
            kinds[f"{status} {kind}"] = kinds.get(f"{status} {kind}", 0) + 1
        recoveries = []
        for probe_answers in answers:
            first = next((when for when, status, _ in probe_answers.heard
                          if when >= back and status == 200), None)  # fmt: skip
            recoveries.append(first - back if first is not None else float("inf"))
        everything = [a for probe_answers in answers for a in probe_answers.heard]
        traces = sum(kind == "trace" for _, _, kind in everything)
        unanswered = sum(status == 0 for _, status, _ in everything)
        told = told_before + ([after] if after else [])
        checked = subprocess.run(
            [sys.executable, "-c", _COUNT_TOKENS, json.dumps(told)],
            env=env, check=True, capture_output=True, text=True, cwd=REPO,
        )  # fmt: skip
        kept = int(checked.stdout.strip())
        print(f"data: demo partnership of {options.people:,} people on PostgreSQL; "
              f"{options.probes} probes (pages and API); {os.cpu_count()} cores")  # fmt: skip
        print(f"database down for {back - down:.1f} s (stopped in immediate mode, then started)")
        print(
            f"  answers while it was down: {len(during)}: "
            + ", ".join(f"{n} × {k}" for k, n in sorted(kinds.items()))
        )
        print(f"  requests without an answer: {unanswered}; traces shown: {traces}")
        print("  seconds from the database's return to each probe's first success: "
              + ", ".join(f"{r:.1f}" for r in recoveries)
              + f" (figure: <= {RECOVERY_FIGURE_SECONDS})")  # fmt: skip
        print(f"  contacts told recorded before the outage: {len(told_before)} of 20; after: "
              f"{'1' if after else '0'} of 1; in the database afterwards: {kept} "
              f"(lost: {len(told_before) + bool(after) - kept})")  # fmt: skip
        met = (traces == 0 and unanswered == 0 and max(recoveries) <= RECOVERY_FIGURE_SECONDS
               and kept == len(told_before) + bool(after) and len(told_before) == 20
               and all(re.match(r"(200|503) ", k) for k in kinds))  # fmt: skip
        print("figures met" if met else "figures NOT met")


_COUNT_TOKENS = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
import django
django.setup()
from pathways.cases.models import Contact
from pathways.people.scoping import outside_requests
with outside_requests():
    print(sum(Contact.objects.filter(notes__contains=t).count() for t in json.loads(sys.argv[1])))
"""


if __name__ == "__main__":
    main()
