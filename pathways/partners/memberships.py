"""A user's team memberships, read once per request.

The menu, the sharing policy, the audit, two-factor and the pathway's checks all ask
what the signed-in user's teams and roles are. They ask here: one query, remembered on
the user object. Django loads `request.user` afresh for every request, so a change of
membership takes effect on the next request.
"""

from __future__ import annotations

from typing import Any

from pathways.partners.models import Membership


def memberships_of(user: Any) -> tuple[Membership, ...]:
    """The user's memberships with their team (agency, service, area) and role, ordered
    by team name; none for an anonymous or unsaved user."""
    if getattr(user, "pk", None) is None:
        return ()
    cached = getattr(user, "_pathways_memberships", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    found = tuple(
        Membership.objects.filter(user_id=user.pk)
        .select_related("team__agency", "team__service", "team__area", "role")
        .order_by("team__name", "team_id")
    )
    user._pathways_memberships = (user.pk, found)
    return found


def memberships_with(user: Any, capability: str) -> list[Membership]:
    """The user's memberships whose role gives `capability`."""
    return [m for m in memberships_of(user) if capability in (m.role.capabilities or [])]


def capabilities_of(user: Any) -> frozenset[str]:
    """Every capability the user's roles give, across all their teams (none when the
    account is inactive)."""
    if not getattr(user, "is_active", False):
        return frozenset()
    return frozenset(c for m in memberships_of(user) for c in m.role.capabilities or [])


def forget_memberships(user: Any) -> None:
    """Drop what was remembered on the user object (after changing their memberships
    within one request, or in a test that reuses the object)."""
    for name in ("_pathways_memberships", "_pathways_grants", "_pathways_roles"):
        if hasattr(user, name):
            delattr(user, name)
