"""The door for the data protection officer's audit pages: who looked at a person, whom a
user looked at, and unusual access. The pages show the access audit itself (people by
id, what a user searched for as typed: docs/decisions/0010); to judge which looks had a
reason, unusual access reads who has referrals linking them, which nothing shows.
"""

from __future__ import annotations

from django.db.models import QuerySet

from pathways.audit.models import AccessEvent
from pathways.governance import audit_queries
from pathways.people.scoping import door_open


def looks_at_person(person_id: int) -> QuerySet[AccessEvent]:
    """Every access event about the person, newest first."""
    return audit_queries.looks_at_person(person_id)


def looks_by_user(username: str) -> QuerySet[AccessEvent]:
    """Every access event by the user, newest first."""
    return audit_queries.looks_by_user(username)


def unusual_access() -> list[audit_queries.UnusualAccess]:
    """Users whose access looks unusual (`governance.audit_queries.unusual_access`)."""
    with door_open():
        return audit_queries.unusual_access()
