"""A user's team memberships, read once per request.

The capabilities, the sharing policy, the audit and two-factor all ask
what the signed-in user's teams and roles are. They ask here: one query, remembered on
the user object. Django loads `request.user` afresh for every request, so a change of
membership takes effect on the next request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from pathways.partners.models import Membership

# Whoever asks: a signed-in user, or nobody (an anonymous request, a command's operator).
User = AbstractBaseUser | AnonymousUser


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


def forget_memberships(user: Any) -> None:
    """Drop what was remembered on the user object (after changing their memberships
    within one request, or in a test that reuses the object)."""
    for name in ("_pathways_memberships", "_pathways_grants", "_pathways_roles"):
        if hasattr(user, name):
            delattr(user, name)
