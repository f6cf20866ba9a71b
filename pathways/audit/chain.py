"""The access audit's chain: each row's hash is HMAC-SHA256(key, the previous row's hash +
the row's content), and checking it.

The key is kept outside the database (`PATHWAYS_AUDIT_KEY` or `PATHWAYS_AUDIT_KEY_FILE`;
in demo and test a key file under `var/`), so someone who can write to the database
alone cannot alter a row and recompute the chain after it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from pathways.audit.models import AccessEvent, AccessEventPerson

GENESIS = "0" * 64
# Rows fetched at a time by the check: memory stays flat however long the audit is.
CHUNK = 5_000


class AuditKeyMissing(RuntimeError):
    """Production settings without an audit key."""


def audit_key() -> bytes:
    """The HMAC key: from the environment, or a file; in demo and test made on first use."""
    configured = getattr(settings, "PATHWAYS_AUDIT_KEY", None)
    if configured:
        return configured.encode("utf-8")
    if getattr(settings, "PRODUCTION", False):
        raise AuditKeyMissing("PATHWAYS_AUDIT_KEY (or PATHWAYS_AUDIT_KEY_FILE) must be set")
    path = Path(settings.VAR_DIR) / "audit.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def _content(row: dict, person_ids: Iterable[int]) -> bytes:
    """The row's hashed content: every recorded field, in a fixed order and form."""
    fields = [
        row["seq"],
        row["at"].astimezone(dt.UTC).isoformat(),
        row["user_id"],
        row["username"],
        row["roles"],
        row["person_id"],
        row["people_count"],
        sorted(person_ids),
        row["action"],
        row["channel"],
        row["categories"],
        row["purpose"],
        row["decision"],
        row["basis"],
        row["client_address"],
        row["request_id"],
        row["detail"],
    ]
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain_hash(key: bytes, prev_hash: str, row: dict, person_ids: Iterable[int]) -> str:
    return hmac.new(
        key, prev_hash.encode("ascii") + b"|" + _content(row, person_ids), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    ok: bool
    problem: str = ""
    first_bad_seq: int | None = None


HASHED = (
    "id", "seq", "at", "user_id", "username", "roles", "person_id", "people_count", "action",
    "channel", "categories", "purpose", "decision", "basis", "client_address", "request_id",
    "detail", "prev_hash", "hash",
)  # fmt: skip


def _people_by_event() -> Iterator[tuple[int, int]]:
    rows = AccessEventPerson.objects.order_by("event_id", "person_id").values_list(
        "event_id", "person_id"
    )
    yield from rows.iterator(chunk_size=CHUNK * 4)


def verify_chain(progress: object | None = None) -> ChainReport:
    """Recompute the whole chain in order; report the first row altered or removed.

    `progress`, if given, is called with the number of rows checked so far.
    """
    key = audit_key()
    people = _people_by_event()
    pending = next(people, None)
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    rows = AccessEvent.objects.order_by("seq").values(*HASHED)
    for row in rows.iterator(chunk_size=CHUNK):
        ids: list[int] = []
        while pending is not None and pending[0] < row["id"]:
            pending = next(people, None)  # rows of an event that is gone: caught below
        while pending is not None and pending[0] == row["id"]:
            ids.append(pending[1])
            pending = next(people, None)
        if row["seq"] != expected_seq:
            missing = expected_seq if row["seq"] > expected_seq else row["seq"]
            return ChainReport(
                checked,
                False,
                f"access event #{missing} was removed (the sequence jumps from "
                f"#{expected_seq - 1} to #{row['seq']})",
                missing,
            )
        if row["prev_hash"] != expected_prev:
            return ChainReport(
                checked,
                False,
                f"access event #{row['seq']} does not follow the row before it: "
                "a row before it was altered or replaced",
                row["seq"],
            )
        if not hmac.compare_digest(chain_hash(key, row["prev_hash"], row, ids), row["hash"]):
            return ChainReport(
                checked,
                False,
                f"access event #{row['seq']} was altered after it was written",
                row["seq"],
            )
        expected_prev, expected_seq = row["hash"], row["seq"] + 1
        checked += 1
        if progress is not None and checked % CHUNK == 0:
            progress(checked)  # type: ignore[operator]
    return ChainReport(checked, True)
