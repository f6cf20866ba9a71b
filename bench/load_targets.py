"""What the load benchmark's users act on, made before the load and checked after it.

    python -m bench.load_targets make  OUT.json [--referrals N]
    python -m bench.load_targets check OUT.json WRITES.jsonl

`make` (on the database DATABASE_URL names, holding the demo partnership) takes
referrals to ADAPT through Pathways' own steps: `N` sent and waiting for ADAPT's decision
(to accept), `N` accepted and waiting for the person's consent (to record it), and a few
engaged (to record contacts on), then writes their ids, people to open and surnames to
search for, as JSON.

`check` reads the writes the load's users were told succeeded (one JSON line each) and
counts, in the database, each that is there exactly once, and every step applied twice.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from pathlib import Path
from typing import Any

REFERRALS = 100
ENGAGED = 60


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    import django

    django.setup()


def make(out: Path, referrals: int) -> dict[str, Any]:
    """Referrals in each state the load acts on, and what its readers open."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from pathways.cases.engagement import do_start_engagement
    from pathways.partners.models import Service
    from pathways.people.models import AgencyRecord, Person
    from pathways.people.scoping import outside_requests
    from pathways.referrals import states
    from pathways.referrals.actions import (
        do_accept,
        do_approve,
        do_propose,
        do_record_consent,
        do_withdraw,
    )
    from pathways.referrals.models import Referral

    rng = random.Random(21)
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["police", "socialworker", "adapt"])}  # fmt: skip
    today = timezone.localdate()
    on = today - dt.timedelta(days=2)
    with outside_requests():
        adapt = Service.objects.get(code="ADAPT")
        # An earlier run's referrals still waiting are withdrawn (through the step a
        # referrer takes): left, they would swell ADAPT's inbox run after run.
        for earlier in Referral.objects.filter(
            service=adapt, state__in=states.WITHDRAWABLE,
            transitions__reason="load benchmark",
        ).select_related("service", "record"):  # fmt: skip
            do_withdraw(users["police"], earlier, on=today, reason="other",
                        note="the load benchmark's earlier run")  # fmt: skip
        open_adapt = Referral.objects.filter(
            person=OuterRef("person"), service=adapt, state__in=states.OPEN
        )
        records = list(
            AgencyRecord.objects.filter(agency_id="POLICE")
            .annotate(busy=Exists(open_adapt))
            .filter(busy=False)
            .select_related("person")
            .order_by("pk")[: 2 * referrals + ENGAGED]
        )
        made: dict[str, list[int]] = {"sent": [], "accepted": [], "engaged": []}
        for i, record in enumerate(records):
            referral = do_propose(record.person, adapt, record, on=on, by=users["police"],
                                  reason="load benchmark", route="partner")  # fmt: skip
            do_approve(users["police"], referral, on=on)
            do_approve(users["socialworker"], referral, on=on)
            if i < referrals:
                made["sent"].append(referral.pk)
                continue
            do_accept(users["adapt"], referral, on=on)
            if i < 2 * referrals:
                made["accepted"].append(referral.pk)
                continue
            do_record_consent(users["adapt"], referral, given=True, on=on, method="verbal",
                              witness="A. Witness")  # fmt: skip
            do_start_engagement(users["adapt"], referral, on=on, focus_areas=["life_choices"],
                                contact={"attendance": "attended", "reason": "", "notes": "",
                                         "concerns": "", "notify_referrer": False})  # fmt: skip
            made["engaged"].append(referral.pk)
        police_people = list(
            Person.objects.filter(records__agency_id="POLICE")
            .order_by("?")
            .values_list("pk", flat=True)[:2000]
        )
        cjsw_people = list(
            Person.objects.filter(records__agency_id="HSCP_CJSW")
            .order_by("?")
            .values_list("pk", flat=True)[:1000]
        )
        surnames = sorted(
            set(Person.objects.order_by("?").values_list("family_name", flat=True)[:500])
        )
    targets = {
        **made,
        "police_people": police_people,
        "cjsw_people": cjsw_people,
        "surnames": surnames,
        "on": today.strftime("%d/%m/%Y"),
    }
    rng.shuffle(targets["surnames"])
    out.write_text(json.dumps(targets), encoding="utf-8")
    return targets


def check(writes: Path) -> dict[str, int]:
    """Each write the users were told succeeded, found in the database exactly once?
    Returns counts: told (successes answered), found, missing, applied twice."""
    from django.db.models import Count

    from pathways.cases.models import Contact
    from pathways.people.scoping import outside_requests
    from pathways.referrals.models import Consent, Transition

    told = [json.loads(line) for line in writes.read_text(encoding="utf-8").splitlines() if line]
    counts = {"told": len(told), "found": 0, "missing": 0, "twice": 0}
    with outside_requests():
        for write in told:
            if write["kind"] == "accept":
                n = Transition.objects.filter(
                    referral_id=write["referral"], from_state="sent", to_state="accepted"
                ).count()
            elif write["kind"] == "consent":
                n = Consent.objects.filter(referral_id=write["referral"]).count()
            else:  # a contact, its notes carry the write's own token
                n = Contact.objects.filter(
                    referral_id=write["referral"], notes__contains=write["token"]
                ).count()
            counts["found"] += n >= 1
            counts["missing"] += n == 0
            counts["twice"] += n > 1
        # No step was applied twice anywhere, whether or not its user was told.
        counts["steps_twice"] = (
            Transition.objects.values("referral_id", "from_state", "to_state")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .count()
        )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["make", "check"])
    parser.add_argument("targets", type=Path)
    parser.add_argument("writes", type=Path, nargs="?")
    parser.add_argument("--referrals", type=int, default=REFERRALS)
    options = parser.parse_args()
    _setup()
    if options.what == "make":
        made = make(options.targets, options.referrals)
        print(json.dumps({k: len(v) for k, v in made.items() if isinstance(v, list)}))
    else:
        if options.writes is None:
            sys.exit("check needs the writes file")
        print(json.dumps(check(options.writes)))


if __name__ == "__main__":
    main()
