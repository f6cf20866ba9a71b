"""Writing the access audit: one row per look at person data, appended to the chain
(`audit.chain`) by `record_access`, in turn with every other writer."""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from pathways.audit.chain import GENESIS, audit_key, chain_hash
from pathways.audit.context import current
from pathways.audit.models import AccessEvent, AccessEventPerson
from pathways.partners.memberships import User, memberships_of

# Any constant: the PostgreSQL advisory lock that makes writers take turns at the chain.
CHAIN_LOCK = 7_411_930_221


def operator_name() -> str:
    """Who runs a command: the operating-system account of this process (not $USER,
    which anyone can set and which is missing under cron and in containers)."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except (KeyError, OSError):
        return f"uid {os.geteuid()}"


def roles_of(user: User) -> str:
    if getattr(user, "pk", None) is None:
        return ""
    cached = getattr(user, "_pathways_roles", None)
    if cached is None:
        codes = [m.role_id for m in memberships_of(user)]
        cached = ",".join(sorted(set(codes)))
        user._pathways_roles = cached  # type: ignore[union-attr]
    return cached


def record_access(
    user: User,
    *,
    action: str,
    allowed: bool,
    person_id: int | None = None,
    person_ids: Iterable[int] = (),
    categories: Iterable[str] = (),
    purpose: str = "",
    basis: str = "",
    detail: str = "",
    channel: str | None = None,
) -> AccessEvent:
    """Append one access event to the chain and return it.

    `person_id` is the one person looked at; `person_ids` the several (search results,
    an export). Channel, request id and client address come from the request context.
    """
    context = current()
    people = sorted(set(person_ids))
    authenticated = getattr(user, "is_authenticated", False)
    row = {
        "at": timezone.now(),
        "user_id": user.pk if authenticated else None,
        "username": user.get_username() if authenticated else "",
        "roles": roles_of(user) if authenticated else "",
        "person_id": person_id,
        "people_count": len(people) if people else (1 if person_id is not None else 0),
        "action": action,
        "channel": channel or context.channel,
        "categories": ",".join(sorted(set(categories))),
        "purpose": purpose[:500],
        "decision": AccessEvent.Decision.ALLOWED if allowed else AccessEvent.Decision.REFUSED,
        "basis": basis,
        "client_address": context.client_address[:64],
        "request_id": context.request_id[:64],
        "detail": detail[:500],
    }
    key = audit_key()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        # On SQLite the transaction itself is taken IMMEDIATE: writers already queue.
        last = AccessEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        row["seq"] = seq
        event = AccessEvent(
            **row, prev_hash=prev_hash, hash=chain_hash(key, prev_hash, row, people)
        )
        event.save()
        if people:
            AccessEventPerson.objects.bulk_create(
                [AccessEventPerson(event=event, person_id=p) for p in people], batch_size=5_000
            )
    return event
