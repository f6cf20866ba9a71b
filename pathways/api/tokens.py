"""API tokens: issue, check and revoke. Only a SHA-256 hash of a token is stored."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from pathways.api.models import ApiToken

PREFIX = "pw_"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: Any) -> str:
    """A new token for `user`, returned once in the clear."""
    raw = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=_hash(raw), prefix=raw[:10])
    return raw


def user_for_token(raw: str) -> Any | None:
    """The active user a live token belongs to, or None."""
    if not raw or not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def revoke_token(raw: str) -> bool:
    """Revoke one token; False when no live token matches."""
    return bool(
        ApiToken.objects.filter(key_hash=_hash(raw), revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def revoke_all(username: str) -> int:
    """Revoke every live token of a user; the number revoked. LookupError if no such user."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise LookupError(username)
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
