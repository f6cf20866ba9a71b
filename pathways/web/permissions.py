"""What a signed-in user may do, from the roles of their team memberships.

Capabilities are data (`config/<partnership>/roles.toml`); pages are guarded by
decorators named for the capability they need, never by checks on role codes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from pathways.partners.memberships import capabilities_of, memberships_of
from pathways.sharing.policy import User

__all__ = [
    "capabilities_of",
    "capability_required",
    "has_capability",
    "memberships_of",
    "signed_in",
]

View = Callable[..., HttpResponseBase]


def has_capability(user: User, capability: str) -> bool:
    """Whether one of the user's roles gives `capability`; superusers have them all."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return capability in capabilities_of(user)


def capability_required(*capabilities: str) -> Callable[[View], View]:
    """Guard a view: sign-in first, then 403 unless the user has one of `capabilities`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not any(has_capability(request.user, c) for c in capabilities):
                needed = " or ".join(capabilities)
                raise PermissionDenied(f"Your role does not allow this ({needed}).")
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorator


def signed_in(request: HttpRequest) -> AuthUser:
    """The signed-in user of a view guarded by sign-in (never anonymous there)."""
    user = request.user
    if not isinstance(user, AuthUser):
        raise PermissionDenied("Sign in first.")
    return user
