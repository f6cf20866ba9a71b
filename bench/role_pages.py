"""Server time of every page of every role's day, on the demo data (issue 19).

    .venv/bin/python -m bench.role_pages [--people 20000] [--var DIR] [--rounds 7]

Builds the demo partnership (`pathways demo --people N`, SQLite, as `make demo` does)
into a fresh folder (or uses the one `--var` names, built before), then, in-process,
signs in each demo user and reads each page of their day `--rounds` times, printing the
median and the slowest server time per page, and the pages over the figure.

Figures (issue 19): every page <= 300 ms server time; the outcomes dashboard <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PAGE_FIGURE_MS = 300
DASHBOARD_FIGURE_MS = 1000

# Each role's day: the pages its journey visits ({referral}, {person}, {visit}, {case}:
# one of the user's own, found in the demo data).
DAYS = {
    "police": ["/", "/referrals/", "/candidates/", "/people/?q=Campbell", "/people/{person}/",
               "/referrals/{referral}/", "/alerts/", "/outcomes/"],
    "socialworker": ["/", "/referrals/", "/referrals/{referral}/"],
    "cfworker": ["/", "/referrals/"],
    "adapt": ["/", "/caseload/", "/referrals/", "/referrals/{case}/", "/alerts/",
              "/referrals/{case}/contacts/new/"],
    "mentor": ["/", "/custody/", "/custody/{visit}/"],
    "outreach": ["/", "/caseload/", "/alerts/", "/referrals/{outreach_case}/"],
    "manager": ["/", "/referrals/", "/outcomes/"],
    "dataquality": ["/", "/linkage/", "/imports/", "/imports/dates/", "/linkage/changes/"],
    "dpo": ["/", "/audit/", "/audit/unusual/", "/governance/agreements/", "/governance/jobs/"],
    "researcher": ["/", "/governance/jobs/"],
    "admin": ["/", "/governance/agreements/"],
}  # fmt: skip


def build_demo(var: Path, people: int) -> None:
    env = {**os.environ, "PATHWAYS_VAR_DIR": str(var)}
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "pathways"), "demo", "--people", str(people)],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def ids() -> dict[str, int]:
    """One of each thing the days open, from the demo data."""
    from pathways.cases.models import CustodyVisit
    from pathways.people.scoping import outside_requests
    from pathways.referrals.models import Referral

    with outside_requests():
        made = Referral.objects.filter(transitions__to_state="proposed").distinct()
        case = made.filter(service_id="ADAPT", state="engaged").first()
        proposed = made.filter(state="proposed").first()
        outreach = made.filter(service_id="COS").first()
        visit = CustodyVisit.objects.first()
        assert case and proposed and outreach and visit, "the demo data is not all there"
        return {"case": case.pk, "referral": proposed.pk, "person": case.person_id,
                "outreach_case": outreach.pk, "visit": visit.pk}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--var", type=Path, help="a folder holding a demo built before")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    var = args.var or Path(tempfile.mkdtemp(prefix="pathways-role-pages-"))
    if args.var is None:
        print(f"building the demo of {args.people:,} people in {var} …", flush=True)
        build_demo(var, args.people)
    os.environ["PATHWAYS_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from pathways.people.models import Person
    from pathways.people.scoping import outside_requests

    with outside_requests():
        size = Person.objects.count()
    found = ids()
    print(f"data: the demo partnership, {size:,} people (SQLite)")
    over = []
    for username, pages in DAYS.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        for page in pages:
            url = page.format(**found)
            timings = []
            for _ in range(args.rounds + 1):  # the first warms the caches
                start = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (username, url, response.status_code)
            timings = timings[1:]
            figure = DASHBOARD_FIGURE_MS if url.startswith("/outcomes/") else PAGE_FIGURE_MS
            median, worst = statistics.median(timings), max(timings)
            mark = "ok" if median <= figure else "OVER"
            if median > figure:
                over.append((username, url, median))
            print(f"{username:13} {url:40} median {median:6.0f} ms  slowest {worst:6.0f} ms"
                  f"  (figure <= {figure} ms) {mark}")  # fmt: skip
    print(f"pages over their figure: {len(over)}")


if __name__ == "__main__":
    main()
