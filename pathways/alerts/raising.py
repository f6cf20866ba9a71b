"""Enhanced information sharing: telling workers what matters to their case.

When an event arrives for a person with an active referral or engagement (sent to
engaged, statutory cases included), the allocated worker and the team delivering the
service are alerted — each only if the sharing policy lets them see that event (its
category, from its agency). The crisis outreach service is alerted to every non-fatal
overdose (its agreement is unconditional). A contact recording a concern with "notify
the referrer" alerts whoever proposed the referral.

`scan_new_events` is what the background task runs after an import (referrals/tasks.py):
it looks at the events with ids above the last scan's mark, so running it twice alerts
nobody twice. The same scan opens the custody peer mentors' visits (cases/custody.py).
The first scan of an installation only sets the mark: history already in the database
is not news.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from pathways.alerts.models import Alert, AlertScan
from pathways.cases.custody import open_visits
from pathways.events.models import Event
from pathways.partners.models import Membership
from pathways.referrals.models import Referral, ReferralState
from pathways.sharing.grants import event_kinds_by_category
from pathways.sharing.policy import decide, visible_people

S = ReferralState
ACTIVE = (S.SENT, S.ACCEPTED, S.CONSENTED, S.ENGAGED)
ALERTED_KINDS = {"offence": Alert.Kind.OFFENCE, "custody": Alert.Kind.CUSTODY,
                 "overdose": Alert.Kind.OVERDOSE}  # fmt: skip
OUTREACH_SERVICE = "COS"
BATCH = 2_000
SCAN_LOCK = 7_411_930_223  # any constant: scans take turns


def _category_of(kind: str, categories: dict[str, tuple[str, ...]]) -> str:
    return next((code for code, kinds in categories.items() if kind in kinds), "")


def _team_members(service_ids: set[str]) -> dict[str, set[int]]:
    """Per service, the users of the teams delivering it whose role may view."""
    members: dict[str, set[int]] = defaultdict(set)
    for user_id, service, capabilities in Membership.objects.filter(
        team__service_id__in=service_ids, user__is_active=True
    ).values_list("user_id", "team__service_id", "role__capabilities"):
        if "view" in (capabilities or []):
            members[service].add(user_id)
    return members


def scan_new_events() -> AlertScan:
    """Alert for every event newer than the last scan; returns this scan."""
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
            open_visits(scan.after_event, scan.up_to_event)
    if scan.alerts:
        email_new_alerts()
    return scan


def _alert(after: int, up_to: int) -> int:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk
    categories = event_kinds_by_category()
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
            person_id__in=people, state__in=ACTIVE
        ).select_related("service"):
            open_referrals[referral.person_id].append(referral)
        services = {r.service_id for rs in open_referrals.values() for r in rs} | {OUTREACH_SERVICE}
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
            if event.kind == "overdose":
                for user_id in members.get(OUTREACH_SERVICE, set()):
                    wanted.setdefault(
                        (user_id, event.id),
                        (event, None, "crisis outreach is told of every non-fatal overdose"),
                    )
        found = users({user_id for user_id, _ in wanted})
        alerts = []
        for (user_id, _), (event, told_for, why) in wanted.items():
            user = found.get(user_id)
            category = _category_of(event.kind, categories)
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


def alert_referrer_of_concern(referral: Referral, contact: Any) -> Alert | None:
    """A contact flagged "notify the referrer": the person who proposed the referral is
    told, if they may still see the person's referral."""
    proposer = (
        referral.transitions.filter(to_state=S.PROPOSED)
        .exclude(by=None)
        .values_list("by", flat=True)
        .first()
    )
    if proposer is None:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=proposer, is_active=True).first()
    if user is None or not decide(user, referral.person, "referral").allowed:
        return None
    return Alert.objects.create(
        user=user, person=referral.person, kind=Alert.Kind.CONCERN, referral=referral,
        why=f"you referred this person to {referral.service.name}; the worker flagged a concern",
    )  # fmt: skip


def email_new_alerts() -> int:
    """E-mail each user with alerts not yet e-mailed: how many, and where to read them.
    No person data in the e-mail: the reader signs in to see it."""
    if not settings.PATHWAYS_ALERT_EMAILS:
        return 0
    pending = Alert.objects.filter(emailed_at__isnull=True, read_at__isnull=True).select_related(
        "user"
    )
    by_user: dict[Any, list[Alert]] = defaultdict(list)
    for alert in pending:
        if alert.user.email:
            by_user[alert.user].append(alert)
    for user, alerts in by_user.items():
        send_mail(
            subject=f"Pathways: {len(alerts)} new alert(s)",
            message=(
                f"You have {len(alerts)} new alert(s) about people on your caseload.\n"
                f"Sign in to read them: {settings.PATHWAYS_SITE_URL}{reverse('alerts')}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(emailed_at=timezone.now())
    return len(by_user)


def visible_alerts(user: Any) -> QuerySet[Alert]:
    """The user's alerts about people the policy still shows them: once a case has
    ended, what was alerted about the person is not shown either."""
    return Alert.objects.filter(user_id=getattr(user, "pk", None) or 0).filter(
        Exists(visible_people(user).filter(pk=OuterRef("person_id")))
    )
