"""Guarding pages by capability: decorators named for what they protect.

Capabilities are data (`config/<partnership>/roles.toml`); whether a user has one is
`partners.capabilities`' answer, the same the API, the command line and the menu use.
Pages are never guarded by checks on role codes.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from pathways.partners.capabilities import has_any

View = Callable[..., HttpResponseBase]


def capability_required(*capabilities: str) -> Callable[[View], View]:
    """Guard a view: sign-in first, then 403 unless the user has one of `capabilities`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not has_any(request.user, *capabilities):
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
