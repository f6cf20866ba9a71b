"""The door to a user's alerts: what happened to people on their caseload.

An alert is shown only while the user's grants still open what it tells: an offence,
custody episode or overdose alert while they may see that category of the event's
agency's data about the person; a concern flagged at a contact while they may see the
referral. Once a case has ended, what was alerted about it is not shown either. Lists
are audited with the categories of the alerts they showed; a refused alert is audited
like any refused look.
"""

from __future__ import annotations

from django.core.paginator import Page
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from pathways.access.looks import looks, refusal
from pathways.access.pages import page_of_rows
from pathways.alerts.models import Alert
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.sharing.policy import category_of_kind, events_open_q, referrals_open_q

ALERT_NOT_FOUND = "No alert with that id for you."


def _visible_alerts(user: User) -> QuerySet[Alert]:
    """The user's alerts whose news their grants still open."""
    mine = Alert.objects.filter(user_id=getattr(user, "pk", None) or 0)
    events = events_open_q(user, person="person_id", agency="event__agency_id", kind="event__kind")
    referrals = referrals_open_q(user, prefix="referral__")
    condition = Q(pk__in=[])
    if events is not None:
        condition |= Q(event__isnull=False) & events
    if referrals is not None:
        condition |= Q(kind=Alert.Kind.CONCERN) & referrals
    return mine.filter(condition)


def _categories(user: User, alert: Alert) -> set[str]:
    """What an alert tells: the event's category, the referral it names, or (a concern)
    that one was flagged at a contact of the engagement."""
    told = {"identity"}
    if alert.event is not None:
        told.add(category_of_kind(user, alert.event.kind))
    if alert.referral_id is not None:
        told.add("referral")
    if alert.kind == Alert.Kind.CONCERN:
        told.add("engagement")
    return told - {""}


def alerts_for(
    user: User, *, page: object, per_page: int, unread_only: bool = False
) -> Page[Alert]:
    """A page of the user's alerts, unread first, then newest; audited as a list of the
    people it showed, with the categories their alerts told."""
    with door_open():
        alerts = _visible_alerts(user).select_related("person", "event", "referral__service")
        if unread_only:
            alerts = alerts.filter(read_at__isnull=True)
        shown = page_of_rows(alerts.order_by("read_at", "-created_at", "-id"), page, per_page)
        if shown.object_list:
            looks(
                user,
                [a.person_id for a in shown.object_list],
                action="alert_list",
                categories=set().union(*(_categories(user, a) for a in shown.object_list)),
                purpose="what happened to people on the user's caseload",
            )
    return shown


def unread_count(user: User) -> int:
    """The user's unread alerts whose news they may still see (the menu's count). Most
    users have none: the plain count answers them without the policy's query."""
    with door_open():
        unread = Alert.objects.filter(user_id=getattr(user, "pk", None) or 0, read_at__isnull=True)
        if not unread.exists():
            return 0
        return _visible_alerts(user).filter(read_at__isnull=True).count()


def mark_read(user: User, alert_id: int) -> int:
    """Mark one of the user's alerts read; the id of the person it is about, whose page
    the user goes to (through the door again). 404, audited as a refusal, when it is not
    the user's or tells what they may no longer see."""
    with door_open():
        alert = _visible_alerts(user).filter(pk=alert_id).first()
        if alert is None:
            refusal(user, action="open_alert", detail=f"alert {alert_id}")
            raise Http404(ALERT_NOT_FOUND)
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=timezone.now())
    return alert.person_id
