"""Is Pathways ready to serve: the database answers a query and a background worker beat
recently (`pathways.background.heartbeat`). Read by /readyz (`health_views`); says
nothing of anyone's records, and is not audited."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.utils import timezone

from pathways.background.heartbeat import STALE_AFTER_SECONDS, last_beat

OK = "ok"


@dataclass(frozen=True)
class Readiness:
    """Each check's answer: "ok", or what is wrong, in words."""

    database: str
    worker: str

    @property
    def ready(self) -> bool:
        return self.database == OK and self.worker == OK


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        # The reason goes to the server's log (Django's), not to an unauthenticated caller.
        return "the database does not answer"
    return OK


def _worker(beat: datetime.datetime | None, now: datetime.datetime) -> str:
    if beat is None:
        return "no background worker is running (`pathways worker`)"
    age = (now - beat).total_seconds()
    if age > STALE_AFTER_SECONDS:
        return (
            f"the background worker's last heartbeat was {age:.0f} s ago "
            f"(more than {STALE_AFTER_SECONDS} s)"
        )
    return OK


def readiness() -> Readiness:
    """Check the database, then (if it answers) the worker's heartbeat."""
    database = _database()
    if database != OK:
        return Readiness(database, "unknown: the database does not answer")
    try:
        worker = _worker(last_beat(), timezone.now())
    except DatabaseError:
        return Readiness("the database does not answer", "unknown: the database does not answer")
    return Readiness(database, worker)
