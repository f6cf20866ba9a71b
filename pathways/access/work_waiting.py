"""What waits for the user, counted: the first thing their home page says. Each count
comes from the same door function as the page it leads to (the inbox, the alerts, the
identification queue, the custody list, the linkage review, the imports, the audit), so
a count never promises what the page will not show. Counts name no one: they are not
looks at person data and are not audited; the pages they lead to are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from pathways.access.alerts import unread_count
from pathways.access.audit import unusual_access
from pathways.access.candidates import open_candidates_count
from pathways.access.casework import casework_waiting
from pathways.access.custody import visits_waiting
from pathways.access.data_quality import dates_out_of_order_count
from pathways.access.linkage import pairs_waiting
from pathways.cases.caseload import Caseload
from pathways.feeds.models import ImportRun
from pathways.partners.capabilities import MANAGE_IMPORTS, READ_AUDIT, has_capability
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.referrals.inbox import sort_inbox
from pathways.sharing.models import Agreement
from pathways.sharing.policy import visible_referral_list

# How far back the data quality officer's count of imports with rejected rows looks (days).
IMPORTS_LOOKED_BACK = 30


@dataclass(frozen=True)
class Waiting:
    """One kind of work waiting: its key (which page it leads to), how many, and what
    they are, in words that read after the number ("referrals to approve")."""

    key: str
    count: int
    text: str
    urgent: bool = False


def _waiting(key: str, count: int, one: str, many: str, *, urgent: bool = False) -> Waiting:
    return Waiting(key, count, one if count == 1 else many, urgent)


def _referrals(user: User, today: dt.date) -> list[Waiting]:
    with door_open():
        inbox = sort_inbox(user, visible_referral_list(user), today)
    deciding = len(inbox.to_decide)
    late = sum(bool(getattr(r, "overdue", False)) for r in inbox.to_decide)
    chase = len(inbox.overdue_elsewhere)
    return [
        _waiting("to_decide", deciding,
                 "referral to accept or decline" + (" (overdue)" if late else ""),
                 "referrals to accept or decline" + (f" ({late} overdue)" if late else ""),
                 urgent=bool(late)),
        _waiting("overdue", chase, "referral sent and not decided in time, to chase",
                 "referrals sent and not decided in time, to chase", urgent=True),
        _waiting("to_approve", len(inbox.to_approve), "referral to approve",
                 "referrals to approve"),
        _waiting("to_send", len(inbox.to_send), "approved referral to send",
                 "approved referrals to send"),
        _waiting("to_engage", len(inbox.to_engage),
                 "accepted referral waiting for consent or a first contact",
                 "accepted referrals waiting for consent or a first contact"),
    ]  # fmt: skip


def work_waiting(user: User, today: dt.date, caseload: Caseload | None = None) -> list[Waiting]:
    """Every kind of work waiting for the user, the urgent first; kinds with nothing
    waiting are left out. `caseload`: the user's, when the caller has it (its cases that
    need attention are counted)."""
    found = _referrals(user, today)
    found.append(_waiting("alerts", unread_count(user), "unread alert", "unread alerts"))
    due, overdue = casework_waiting(user, today)
    found.append(
        _waiting(
            "casework", due,
            "thing due on your orders and court reports" + (" (overdue)" if overdue else ""),
            "things due on your orders and court reports"
            + (f" ({overdue} overdue)" if overdue else ""),
            urgent=bool(overdue),
        )
    )  # fmt: skip
    if caseload is not None:
        attention = sum(c.attention for c in (*caseload.mine, *caseload.team))
        found.append(
            _waiting(
                "caseload",
                attention,
                "case with no contact for a while, or stalled",
                "cases with no contact for a while, or stalled",
                urgent=True,
            )
        )
    found.append(
        _waiting(
            "candidates",
            open_candidates_count(user),
            "person found by identification, to decide on",
            "people found by identification, to decide on",
        )
    )
    found.append(
        _waiting(
            "custody",
            visits_waiting(user),
            "person held in custody waiting to be seen",
            "people held in custody waiting to be seen",
            urgent=True,
        )
    )
    found.append(
        _waiting(
            "pairs", pairs_waiting(user), "pair of records to review", "pairs of records to review"
        )
    )
    if has_capability(user, MANAGE_IMPORTS):
        since = timezone.now() - dt.timedelta(days=IMPORTS_LOOKED_BACK)
        runs = ImportRun.objects.filter(started_at__gte=since, rejected__gt=0).count()
        days = f"in the last {IMPORTS_LOOKED_BACK} days"
        found.append(
            _waiting(
                "imports",
                runs,
                f"import with rejected rows {days}",
                f"imports with rejected rows {days}",
            )
        )
        found.append(
            _waiting(
                "dates",
                dates_out_of_order_count(user),
                "referral whose dates are out of order, to correct at source",
                "referrals whose dates are out of order, to correct at source",
            )
        )
    if has_capability(user, READ_AUDIT):
        found.append(
            _waiting(
                "unusual",
                len(unusual_access()),
                "user with unusual access to look into",
                "users with unusual access to look into",
                urgent=True,
            )
        )
        overdue = Agreement.objects.filter(review_on__lt=today).exclude(valid_to__lt=today).count()
        found.append(_waiting("agreements", overdue,
                              "information-sharing agreement past its review date",
                              "information-sharing agreements past their review date"))  # fmt: skip
    waiting = [w for w in found if w.count]
    return sorted(waiting, key=lambda w: not w.urgent)
