"""The door to a user's alerts: what happened to people on their caseload. An alert is
shown only while the sharing policy still shows its person: once a case has ended, what
was alerted about them is not shown either. Lists are audited with the categories of the
alerts they showed."""

from __future__ import annotations

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from pathways.access.looks import looks
from pathways.access.pages import page_of_rows
from pathways.alerts.models import Alert
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.sharing.policy import visible_people

ALERT_NOT_FOUND = "No alert with that id for you."
# What an alert tells, as a category of the person's data.
CATEGORY = {
    Alert.Kind.OFFENCE: "offending",
    Alert.Kind.CUSTODY: "custody",
    Alert.Kind.OVERDOSE: "health",
    Alert.Kind.CONCERN: "engagement",
}


def _visible_alerts(user: User) -> QuerySet[Alert]:
    return Alert.objects.filter(user_id=getattr(user, "pk", None) or 0).filter(
        Exists(visible_people(user).filter(pk=OuterRef("person_id")))
    )


def alerts_for(
    user: User, *, page: object, per_page: int, unread_only: bool = False
) -> Page[Alert]:
    """A page of the user's alerts, unread first, then newest; audited as a list of the
    people it showed."""
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
            categories={"identity"} | {CATEGORY[a.kind] for a in shown.object_list},
            purpose="what happened to people on the user's caseload",
        )
    return shown


def unread_count(user: User) -> int:
    """The user's unread alerts about people they may still see (the menu's count). Most
    users have none: the plain count answers them without the policy's query."""
    with door_open():
        unread = Alert.objects.filter(user_id=getattr(user, "pk", None) or 0, read_at__isnull=True)
        if not unread.exists():
            return 0
        return _visible_alerts(user).filter(read_at__isnull=True).count()


def mark_read(user: User, alert_id: int) -> int:
    """Mark one of the user's alerts read; the id of the person it is about, whose page
    the user goes to (through the door again). 404 when it is not the user's, or is
    about a person they may no longer see."""
    with door_open():
        alert = _visible_alerts(user).filter(pk=alert_id).first()
        if alert is None:
            raise Http404(ALERT_NOT_FOUND)
        Alert.objects.filter(pk=alert.pk, read_at__isnull=True).update(read_at=timezone.now())
    return alert.person_id
