"""API tokens: issue, check and revoke.

A token is shown once, when created; only its SHA-256 hash and a short prefix (to tell
tokens apart in the admin) are stored, so a copy of the database holds no usable token.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from pathways.api.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PREFIX = "pw_"
SHOWN_PREFIX_LENGTH = 10
# Longer than any token we issue; anything longer is refused before hashing.
MAX_TOKEN_LENGTH = 200


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _plausible(raw: str) -> bool:
    return bool(raw) and raw.startswith(PREFIX) and len(raw) <= MAX_TOKEN_LENGTH


def create_token(user: AbstractBaseUser) -> str:
    """A new token for `user`, returned once in the clear."""
    raw = PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user_id=user.pk, key_hash=_hash(raw), prefix=raw[:SHOWN_PREFIX_LENGTH])
    return raw


def user_for_token(raw: str) -> User | None:
    """The user a live token belongs to, or None (unknown, revoked, or user inactive).

    Records when the token was last used.
    """
    if not _plausible(raw):
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
    """Revoke one token; False when no live token matches it."""
    if not _plausible(raw):
        return False
    revoked = ApiToken.objects.filter(key_hash=_hash(raw), revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return revoked > 0


def revoke_all(user: AbstractBaseUser) -> int:
    """Revoke every live token of `user`; the number revoked."""
    return ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
