"""The door to the custody route: the custody peer mentors' list of people held in the
last seven days, and the visit a mentor records. They see identity and custody only,
under the agreement whose condition is `recent_custody`; every look is audited."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from pathways.access.looks import look, looks, refusal
from pathways.access.pages import acting_on, page_of_rows
from pathways.cases.models import CustodyVisit
from pathways.partners.capabilities import is_custody_mentor
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.sharing.grants import RECENT_CUSTODY_DAYS, grants_of
from pathways.sharing.policy import visible_people

PURPOSE = "to offer support to people held in police custody"
VISIT_NOT_FOUND = "No custody visit with that id for you."


def _visible_visits(user: User) -> QuerySet[CustodyVisit]:
    """The visits a custody mentor may see: custody episodes of the last seven days, from
    agencies whose custody data the user's grants open, of people the policy shows."""
    if not is_custody_mentor(user):
        return CustodyVisit.objects.none()
    sources = sorted({g.source for g in grants_of(user) if "custody" in g.categories})
    since = timezone.localdate() - dt.timedelta(days=RECENT_CUSTODY_DAYS - 1)
    return (
        CustodyVisit.objects.filter(event__agency_id__in=sources, event__occurred_on__gte=since)
        .filter(Exists(visible_people(user).filter(pk=OuterRef("person_id"))))
        .select_related("person", "event")
    )


def visits_waiting(user: User) -> int:
    """How many people held in custody wait to be seen by the mentors (the home page's
    count; it names no one, so it is not audited)."""
    if not is_custody_mentor(user):
        return 0
    with door_open():
        return _visible_visits(user).filter(outcome=CustodyVisit.Outcome.WAITING).count()


def custody_visits(
    user: User, *, page: object, per_page: int, waiting_first: bool = True
) -> Page[CustodyVisit]:
    """A page of the mentor's list, the most recent first (those waiting to be seen before
    the others, with `waiting_first`); audited as a list of the people it showed."""
    order = ("-event__occurred_at", "-id")
    with door_open():
        visits = _visible_visits(user).order_by(*(("-outcome",) if waiting_first else ()), *order)
        shown = page_of_rows(visits, page, per_page)
    if shown.object_list:
        looks(
            user,
            [v.person_id for v in shown.object_list],
            action="custody_list",
            categories={"identity", "custody"},
            purpose=PURPOSE,
        )
    return shown


def visit_for(user: User, visit_id: int) -> CustodyVisit:
    """One visit the mentor may see, else 404; audited either way."""
    with door_open():
        visit = _visible_visits(user).filter(pk=visit_id).first()
        if visit is None:
            refusal(user, action="custody_visit", detail=f"visit {visit_id}")
            raise Http404(VISIT_NOT_FOUND)
        look(
            user,
            visit.person,
            action="custody_visit",
            shown={"identity": {visit.event.agency_id}, "custody": {visit.event.agency_id}},
            purpose=PURPOSE,
            detail=f"visit {visit_id}",
        )
    return visit


def visit_to_act_on(
    user: User, visit_id: int, *, version: int | None = None
) -> AbstractContextManager[CustodyVisit]:
    """The visit a mentor records, fetched and audited as `visit_for` does, with the
    `version` their page showed. The block runs with the door open."""
    return acting_on(visit_for(user, visit_id), version)
