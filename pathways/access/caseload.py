"""The door to a worker's caseload: the cases of the services their teams deliver,
among the referrals the sharing policy lets them see, audited as a list of the people
it showed (their names, the referral, and the date of the last contact, which is the
provider's engagement data)."""

from __future__ import annotations

import datetime as dt

from pathways.access.looks import looks
from pathways.cases.caseload import Caseload, sort_caseload
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.sharing.policy import visible_referral_list


def caseload_for(user: User, today: dt.date, *, mine_shown: int | None = None) -> Caseload:
    """The user's cases, their team's and those ended recently (`cases.caseload`).
    Audited as a look at the people shown: all of them, or with `mine_shown` (the home
    page) only the first so many of the user's own; the rest are counted, not shown."""
    with door_open():
        caseload = sort_caseload(user, visible_referral_list(user), today)
    if mine_shown is None:
        people = caseload.people()
    else:
        people = {c.referral.person_id for c in caseload.mine[:mine_shown]}
    if people:
        looks(
            user,
            people,
            action="caseload",
            categories={"identity", "referral", "engagement"},
            purpose="the people the user's team is working with",
        )
    return caseload
