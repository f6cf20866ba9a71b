"""The door for the data quality officer's list of records held whose dates break the
order things happen in (`referrals.dates`): referrals imported or migrated before the
rule was checked, to be corrected at the agency that holds them. The list shows each
referral's reference, agency, service and dates, never the person's name; it is audited
as a look at those referrals."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page

from pathways.access.pages import page_of_rows
from pathways.audit.log import record_access
from pathways.partners.capabilities import MANAGE_IMPORTS, has_capability
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.referrals.dates import OutOfOrder, dates_of, order_problems, out_of_order_q
from pathways.referrals.models import Referral

BASIS = "the manage_imports capability: an agency's records, to be corrected at source"


def _require(user: User) -> None:
    if not has_capability(user, MANAGE_IMPORTS):
        raise PermissionDenied("Your role does not allow this (manage_imports).")


def dates_out_of_order_count(user: User) -> int:
    """How many referrals held break the order of dates (0 for a user who may not see
    the list); a count, not audited."""
    if not has_capability(user, MANAGE_IMPORTS):
        return 0
    with door_open():
        return Referral.objects.filter(out_of_order_q()).count()


def dates_out_of_order(user: User, *, page: object, per_page: int) -> Page[OutOfOrder]:
    """A page of the referrals whose dates break the order, oldest first, each with its
    reasons; audited when it shows any."""
    _require(user)
    with door_open():
        held = (
            Referral.objects.filter(out_of_order_q())
            .select_related("service", "record__agency")
            .order_by("referred_on", "pk")
        )
        shown = page_of_rows(held, page, per_page)
    rows = [OutOfOrder(r, order_problems(dates_of(r))) for r in shown.object_list]
    shown.object_list = rows
    if rows:
        record_access(
            user,
            action="view_dates_out_of_order",
            allowed=True,
            person_ids=[r.referral.person_id for r in rows],
            categories={"referral"},
            purpose="correcting an agency's records",
            basis=BASIS,
            detail=f"{len(rows)} referral(s) whose dates break the order, page {shown.number}",
        )
    return shown
