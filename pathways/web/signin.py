"""Signing in: throttled against guessing, and two-factor (TOTP) for the roles that can
see health or offending data, where the settings ask for it.

Throttling: after PATHWAYS_SIGNIN_ATTEMPTS failures for one username, or four times
that from one address, within PATHWAYS_SIGNIN_LOCK_MINUTES, sign-in is refused (even with
the right password) until the window has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils import timezone

from pathways.audit.context import current
from pathways.partners.capabilities import VIEW
from pathways.partners.memberships import memberships_of
from pathways.web.models import FailedSignIn


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.PATHWAYS_SIGNIN_LOCK_MINUTES)


def locked_out(username: str, address: str) -> bool:
    """Whether sign-in is refused for this username or from this address just now."""
    recent = FailedSignIn.objects.filter(at__gte=_window_start())
    limit = settings.PATHWAYS_SIGNIN_ATTEMPTS
    by_name = recent.filter(username=username.lower()).count() >= limit
    by_address = bool(address) and recent.filter(client_address=address).count() >= 4 * limit
    return by_name or by_address


class ThrottledSignInForm(AuthenticationForm):
    """Django's sign-in form, refusing while locked out and counting failures."""

    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip()
        address = current().client_address
        if username and locked_out(username, address):
            raise forms.ValidationError(
                f"Too many failed sign-ins. Try again in "
                f"{settings.PATHWAYS_SIGNIN_LOCK_MINUTES} minutes, or ask your administrator.",
                code="locked_out",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            if username:
                FailedSignIn.objects.create(username=username.lower(), client_address=address)
            raise


def needs_two_factor(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether this user must confirm a second factor: two-factor is on and one of their
    roles may see a category in PATHWAYS_TWO_FACTOR_CATEGORIES."""
    if not settings.PATHWAYS_TWO_FACTOR or not getattr(user, "is_authenticated", False):
        return False
    wanted = set(settings.PATHWAYS_TWO_FACTOR_CATEGORIES)
    return any(
        VIEW in (m.role.capabilities or []) and wanted & set(m.role.categories or [])
        for m in memberships_of(user)
    )
