"""Small presentation filters for the pages: words for codes, ages, flags."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath

from django import template
from django.utils import timezone

from pathways.alerts.models import Alert
from pathways.alerts.raising import visible_alerts
from pathways.cases.custody import CUSTODY_SERVICE
from pathways.identification.models import Rule
from pathways.outcomes.access import may_read_reports
from pathways.partners.memberships import capabilities_of, memberships_of
from pathways.sharing.policy import User

register = template.Library()

SEX_LABELS = {"M": "Male", "F": "Female", "X": "Other", "U": "Not known", "": "Not known"}
FLAG_LABELS = {
    "substance": "substance use",
    "alcohol": "alcohol",
    "domestic": "domestic",
    "cce": "child criminal exploitation concern",
    "weapon": "weapon",
    "hate": "hate",
    "exploitation": "exploitation",
}


@register.filter
def sex_label(code: str | None) -> str:
    """`M` → Male, and so on (INTERCHANGE.md's codes)."""
    return SEX_LABELS.get(code or "", code or "Not known")


@register.filter
def age(born: dt.date | None) -> int | None:
    """Age in whole years today (Europe/London), or None when the date of birth is unknown."""
    if born is None:
        return None
    today = timezone.localdate()
    had_birthday = (today.month, today.day) >= (born.month, born.day)
    return today.year - born.year - (0 if had_birthday else 1)


@register.filter
def flag_words(flags: str | None) -> str:
    """`substance;weapon` → "substance use, weapon": flags as words, never colour alone."""
    codes = [f for f in (flags or "").split(";") if f]
    return ", ".join(FLAG_LABELS.get(code, code) for code in codes)


@register.filter
def row_items(row: object) -> list[tuple[str, str]]:
    """The (column, value) pairs of a rejected row as stored (a JSON object)."""
    if isinstance(row, dict):
        return [(str(k), "" if v is None else str(v)) for k, v in row.items()]
    return []


@register.simple_tag
def navigation_for(user: User) -> dict[str, bool | int]:
    """Which menu entries the user's roles open, and the count of unread alerts: one
    query for the queues' teams and one for the count (the memberships are read once per
    request, `partners.memberships`)."""
    if user.pk is None or not getattr(user, "is_active", False):
        return {}
    memberships = [
        (m.team_id, m.team.service_id, m.role.capabilities) for m in memberships_of(user)
    ]
    capabilities = capabilities_of(user)
    superuser = bool(getattr(user, "is_superuser", False))
    referring_teams = {team for team, _, caps in memberships if "refer" in (caps or [])}
    queue_teams = (
        {t for teams in Rule.objects.values_list("queue_teams", flat=True) for t in teams}
        if referring_teams
        else set()
    )
    return {
        "can_view": "view" in capabilities,
        "can_manage_imports": superuser or "manage_imports" in capabilities,
        "can_review_links": superuser or "review_links" in capabilities,
        "links_waiting": _links_waiting() if superuser or "review_links" in capabilities else 0,
        "can_read_reports": may_read_reports(user),
        "has_queue": bool(referring_teams & queue_teams),
        "is_custody_mentor": any(
            service == CUSTODY_SERVICE and "record_contact" in (caps or [])
            for _, service, caps in memberships
        ),
        "unread_alerts": _unread_alerts(user) if "view" in capabilities else 0,
    }


def _links_waiting() -> int:
    from pathways.linkage.models import LinkReview

    return LinkReview.objects.filter(status=LinkReview.Status.PENDING).count()


def _unread_alerts(user: User) -> int:
    """Unread alerts about people the user may still see. Most users have none: the
    plain count answers them without building the sharing policy's query."""
    unread = Alert.objects.filter(user_id=user.pk or 0, read_at__isnull=True)
    if not unread.exists():
        return 0
    return visible_alerts(user).filter(read_at__isnull=True).count()


@register.filter
def words(code: str | None) -> str:
    """A stored code as words: `opted_out` → "opted out"."""
    return (code or "").replace("_", " ")


@register.filter
def file_name(path: str | None) -> str:
    """The last part of a file path: `/feeds/2024/people.csv` → "people.csv"."""
    return PurePath(path or "").name


@register.filter
def get_rating(ratings: dict[str, str] | None, area: str) -> str:
    """A focus area's rating from an engagement plan's ratings ("" when not rated)."""
    return (ratings or {}).get(area, "")
