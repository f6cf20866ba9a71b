"""Telling workers what matters to their case: the scan of new events.

When an event arrives for a person with an active referral or engagement (sent to
engaged, statutory cases included), the allocated worker and the team delivering the
service are alerted — each only if the sharing policy lets them see that event (its
category, from its agency). The crisis outreach service is alerted to every non-fatal
overdose (its agreement is unconditional).

`scan_new_events` is what the background task runs after an import of events
(`feeds.after_import`): it looks at the events with ids above the last scan's mark, so running
it twice alerts nobody twice. The first scan of an installation only sets the mark:
history already in the database is not news.
"""

from __future__ import annotations

import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max

from pathways.alerts.email import email_new_alerts
from pathways.alerts.models import Alert, AlertScan
from pathways.events.models import Event
from pathways.partners.capabilities import VIEW
from pathways.partners.models import Membership, Service
from pathways.referrals import states
from pathways.referrals.models import Referral
from pathways.sharing.grants import category_of, event_kinds_by_category
from pathways.sharing.policy import decide

ALERTED_KINDS = {"offence": Alert.Kind.OFFENCE, "custody": Alert.Kind.CUSTODY,
                 "overdose": Alert.Kind.OVERDOSE}  # fmt: skip
BATCH = 2_000
SCAN_LOCK = 7_411_930_223  # any constant: scans take turns


def _team_members(service_ids: set[str]) -> dict[str, set[int]]:
    """Per service, the users of the teams delivering it whose role may view."""
    members: dict[str, set[int]] = defaultdict(set)
    for user_id, service, capabilities in Membership.objects.filter(
        team__service_id__in=service_ids, user__is_active=True
    ).values_list("user_id", "team__service_id", "role__capabilities"):
        if VIEW in (capabilities or []):
            members[service].add(user_id)
    return members


def scan_new_events(*, also: Iterable[Callable[[int, int], object]]) -> AlertScan:
    """Alert for every event newer than the last scan; returns this scan.

    `also`: more work over the same events, each called with the scan's (after, up to]
    event ids in the scan's transaction (the custody visits, `cases.custody.open_visits`).
    Required: a scan moves the mark, and work left out of it would never see those
    events (`feeds.after_import.scan_new_events` is the scan with everything it needs).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCAN_LOCK])
        last = AlertScan.objects.order_by("-up_to_event").first()
        top = Event.objects.aggregate(top=Max("id"))["top"] or 0
        scan = AlertScan.objects.create(
            after_event=last.up_to_event if last else top, up_to_event=top
        )
        if last is not None:
            scan.alerts = _alert(scan.after_event, scan.up_to_event)
            scan.save(update_fields=["alerts"])
            for work in also:
                work(scan.after_event, scan.up_to_event)
            _pause_for_a_test()
    if scan.alerts:
        email_new_alerts()
    return scan


def _pause_for_a_test() -> None:
    """Test-only, under PATHWAYS_ENV=test: hold the scan's transaction open, its alerts
    made but not committed, for PATHWAYS_TEST_SCAN_PAUSE seconds, so that
    tests/background/test_worker_kill.py can kill its worker mid-scan."""
    pause = os.environ.get("PATHWAYS_TEST_SCAN_PAUSE")
    if pause and settings.PATHWAYS_ENV == "test":
        time.sleep(float(pause))


def _told_of() -> dict[str, tuple[str, set[str]]]:
    """The services whose team is told of some kinds of event for anyone they may see
    (services.toml `told_of`): code -> (name, kinds)."""
    return {
        code: (name, set(kinds))
        for code, name, kinds in Service.objects.exclude(told_of=[]).values_list(
            "code", "name", "told_of"
        )
        if kinds
    }


def _alert(after: int, up_to: int) -> int:
    users = get_user_model().objects.in_bulk
    categories = event_kinds_by_category()
    told_of = _told_of()
    created = 0
    start = after
    while start < up_to:
        events = list(
            Event.objects.filter(
                id__gt=start, id__lte=min(start + BATCH * 50, up_to), kind__in=ALERTED_KINDS
            )
            .select_related("person")  # fmt: skip
            .order_by("id")[:BATCH]
        )
        if not events:
            start = min(start + BATCH * 50, up_to)
            continue
        start = events[-1].id
        people = {e.person_id for e in events}
        open_referrals: dict[int, list[Referral]] = defaultdict(list)
        for referral in Referral.objects.filter(
            person_id__in=people, state__in=states.ACTIVE
        ).select_related("service"):
            open_referrals[referral.person_id].append(referral)
        services = {r.service_id for rs in open_referrals.values() for r in rs} | set(told_of)
        members = _team_members(services)
        wanted: dict[tuple[int, int], tuple[Event, Referral | None, str]] = {}
        for event in events:
            for referral in open_referrals.get(event.person_id, []):
                told = set(members.get(referral.service_id, set()))
                if referral.worker_id:
                    told.add(referral.worker_id)
                for user_id in told:
                    why = (
                        f"you are the allocated worker for {referral.service.name}"
                        if user_id == referral.worker_id
                        else f"your team delivers {referral.service.name} to this person"
                    )
                    wanted.setdefault((user_id, event.id), (event, referral, why))
            for service, (name, kinds) in told_of.items():
                if event.kind not in kinds:
                    continue
                for user_id in members.get(service, set()):
                    wanted.setdefault(
                        (user_id, event.id),
                        (event, None, f"{name} is told of every {event.get_kind_display()}"),
                    )
        found = users({user_id for user_id, _ in wanted})
        alerts = []
        for (user_id, _), (event, told_for, why) in wanted.items():
            user = found.get(user_id)
            category = category_of(event.kind, categories)
            if (
                user is None
                or not decide(user, event.person, category, source=event.agency_id).allowed
            ):
                continue
            alerts.append(
                Alert(user=user, person_id=event.person_id, kind=ALERTED_KINDS[event.kind],
                      event=event, referral=told_for, why=why)
            )  # fmt: skip
        Alert.objects.bulk_create(alerts, ignore_conflicts=True)
        created += len(alerts)
    return created
