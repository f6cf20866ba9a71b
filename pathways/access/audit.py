"""The door for the data protection officer's audit pages. The pages show the access
audit itself (`governance.audit_queries`: people by id, what a user searched for as
typed, docs/decisions/0010); only unusual access reads person data, who has referrals
linking them to a user, to judge which looks had a reason, and nothing of it is shown.
"""

from __future__ import annotations

from pathways.governance import audit_queries
from pathways.people.scoping import door_open


def unusual_access() -> list[audit_queries.UnusualAccess]:
    """Users whose access looks unusual (`governance.audit_queries.unusual_access`)."""
    with door_open():
        return audit_queries.unusual_access()
