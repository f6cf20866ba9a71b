"""The door to justice social work's records (CASEWORK.md): the worker's and the team
manager's casework with what is due, an order's page, a court report, and an unpaid work
squad's register. Each is checked by the sharing policy and audited.

- Justice social work sees its own agency's orders and reports in full (its role rule).
- Another agency, under an agreement that shares `orders`, sees that an order exists,
  its type, court, dates and state: never requirements, hours, sessions or plans.
- An unpaid work supervisor sees, on their team's projects' registers, only what a
  session needs: the name, the project, the hours left and the attendance.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import Http404

from pathways.access.looks import NOT_FOUND, look, looks, refusal
from pathways.access.pages import acting_on
from pathways.cases.models import Contact
from pathways.casework.clocks import Due, due_for_orders, due_for_reports
from pathways.casework.compliance import policy as compliance_policy
from pathways.casework.models import (
    Assessment,
    BreachReport,
    CourtReport,
    Mappa,
    Objective,
    Order,
    Plan,
    Project,
    Review,
    Suspension,
    Variation,
)
from pathways.casework.models import Warning as FormalWarning
from pathways.casework.orders import ENDINGS
from pathways.casework.sessions import Ledger, ledger, ledgers, session_sums
from pathways.months import add_months
from pathways.partners.capabilities import (
    CASEWORK,
    MANAGE_CASEWORK,
    RECORD_SESSIONS,
    has_capability,
)
from pathways.partners.memberships import User, memberships_of
from pathways.people.models import Person
from pathways.people.scoping import door_open
from pathways.sharing.policy import category_rows_q, decide, own_agency_q, person_if_visible

ORDER_SUMMARY = ("type", "court", "imposed_on", "expected_end", "state", "ended_on")


def _own(user: User, category: str, agency: str = "record__agency_id") -> Q | None:
    return own_agency_q(user, category, agency=agency)


def _teams(user: User) -> list[str]:
    return [m.team_id for m in memberships_of(user)]


@dataclass(frozen=True)
class DueShown:
    due: Due
    person: Person
    worker: str  # the responsible worker's name, "" when not allocated


def _name(user: Any) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


@dataclass(frozen=True)
class OrderRow:
    order: Order
    ledger: Ledger | None


@dataclass(frozen=True)
class Desk:
    """A worker's casework (or their team's, for the team manager): a page of what is due
    (overdue first), a page of the orders not ended, and the reports not submitted."""

    due: Page[DueShown]
    orders: Page[OrderRow]
    orders_total: int
    reports: list[CourtReport]
    team: bool


DESK_PAGE = 100  # due items, or orders, a page
# What the due list reads of an order, its person and its worker.
DESK_FIELDS = (
    "id", "person_id", "worker_id", "team_id", "type", "court", "imposed_on", "upw_hours",
    "other_activity_hours", "supervision_months", "upw_extension_months", "state",
    "ended_on", "version", "requirements", "person__id", "person__given_name",
    "person__family_name", "worker__id", "worker__username", "worker__first_name",
    "worker__last_name",
)  # fmt: skip


def _desk(
    user: User, as_of: dt.date, team: bool
) -> tuple[list[Order], list[CourtReport], dict[int, Ledger], list[DueShown]]:
    """The live orders and reports of the user (or their teams'), their ledgers and
    everything due on them, overdue first. Not audited: the callers say what they show."""
    orders_open, reports_open = _own(user, "orders"), _own(user, "court_reports")
    mine = Q(team_id__in=_teams(user)) if team else Q(worker=user)
    with door_open():
        live = (
            Order.objects.filter(orders_open, mine).exclude(state__in=ENDINGS)
            if orders_open is not None
            else Order.objects.none()
        )
        orders = list(
            live.select_related("person", "worker").only(*DESK_FIELDS).order_by("imposed_on", "id")
        )
        authored = Q(team_id__in=_teams(user)) if team else Q(author=user)
        reports = (
            list(
                CourtReport.objects.filter(reports_open, authored)
                .exclude(status__in=("submitted", "cancelled"))
                .select_related("person", "author")
                .order_by("due_on", "id")
            )
            if reports_open is not None
            else []
        )
        among = live.values("pk") if len(orders) > 200 else None
        # One pass over the orders' sessions gives the ledgers and the absences counted.
        since = add_months(as_of, -compliance_policy().within_months)
        sums = session_sums(among if among is not None else [o.pk for o in orders], as_of, since)
        books = ledgers(orders, as_of, among=among, sums=sums)
        absent = {pk: row["absent"] for pk, row in sums.items()}
        due = due_for_orders(orders, as_of, books, among, absent) + due_for_reports(reports, as_of)
    of_order = {o.pk: (o.person, _name(o.worker)) for o in orders}
    of_report = {r.pk: (r.person, _name(r.author)) for r in reports}
    listed = [
        DueShown(d, *(of_order[d.order_id] if d.order_id else of_report[d.report_id or 0]))
        for d in sorted(due, key=lambda d: (not d.overdue, d.due_on, d.kind))
    ]
    return orders, reports, books, listed


def casework_waiting(user: User, as_of: dt.date) -> tuple[int, int]:
    """How many things are due on the user's own orders and reports, and how many of
    them are overdue (the home page's count: it names no one, so it is not audited)."""
    if not has_capability(user, CASEWORK):
        return 0, 0
    *_, listed = _desk(user, as_of, team=False)
    return len(listed), sum(d.due.overdue for d in listed)


def casework_desk(
    user: User,
    as_of: dt.date,
    *,
    team: bool = False,
    page: str | None = None,
    orders_page: str | None = None,
) -> Desk:
    """The user's own orders and reports (`team`: their teams', for a team manager),
    with everything due on them and why, a page at a time. Audited as a list of the
    people the pages show."""
    team = team and has_capability(user, MANAGE_CASEWORK)
    orders, reports, books, listed = _desk(user, as_of, team)
    due_page = Paginator(listed, DESK_PAGE).get_page(page)
    rows = Paginator([OrderRow(o, books.get(o.pk)) for o in orders], DESK_PAGE).get_page(
        orders_page
    )
    person_ids = (
        {d.person.pk for d in due_page.object_list}
        | {r.order.person_id for r in rows.object_list}
        | {r.person_id for r in reports}
    )
    if person_ids:
        looks(
            user, person_ids, action="casework",
            categories={"identity", "orders", "court_reports"},
            purpose="the justice social work cases of the user" + ("'s team" if team else ""),
        )  # fmt: skip
    return Desk(due_page, rows, len(orders), reports, team)


@dataclass
class OrderShown:
    """An order as its page shows it: in full to justice social work, its summary to an
    agency an agreement shares `orders` with."""

    order: Order
    full: bool
    ledger: Ledger | None = None
    sessions: list[Contact] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)
    breaches: list[BreachReport] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    assessments: list[Assessment] = field(default_factory=list)
    variations: list[Variation] = field(default_factory=list)
    suspensions: list[Suspension] = field(default_factory=list)
    mappa: list[Mappa] = field(default_factory=list)


def order_shown(user: User, order_id: int, as_of: dt.date) -> OrderShown:
    """The order, if the user may see it (404 otherwise, audited as refused)."""
    opened = category_rows_q(user, "orders", agency="record__agency_id", person="person_id")
    with door_open():
        order = (
            Order.objects.filter(opened, pk=order_id)
            .select_related("person", "record", "worker", "team", "project")
            .first()
            if opened is not None
            else None
        )
        if order is None:
            refusal(user, action="order", detail=f"order {order_id}")
            raise Http404(NOT_FOUND)
        own = _own(user, "orders")
        full = own is not None and Order.objects.filter(own, pk=order.pk).exists()
        agency = order.record.agency_id
        if not full and person_if_visible(user, order.person_id) is None:
            # An agreement that shares `orders` tells of the orders of people the user
            # already sees; it never opens a person of its own.
            refusal(user, action="order", detail=f"order {order_id}")
            raise Http404(NOT_FOUND)
        if not full:
            look(user, order.person, action="order", shown={"orders": {agency}},
                 detail=f"order {order.pk}: that it exists, its type and dates")  # fmt: skip
            return OrderShown(order, full=False)
        shown = OrderShown(
            order, True,
            ledger=ledger(order, as_of) if order.upw_hours else None,
            sessions=list(Contact.objects.filter(order=order).select_related("project",
                          "recorded_by").order_by("-on", "-id")),
            warnings=list(FormalWarning.objects.filter(order=order).select_related("contact")),
            breaches=list(BreachReport.objects.filter(order=order)),
            variations=list(Variation.objects.filter(order=order).select_related("by")),
            suspensions=list(Suspension.objects.filter(order=order)),
        )  # fmt: skip
        categories: dict[str, set[str]] = {"identity": {agency}, "orders": {agency}}
        if decide(user, order.person, "case_plans", source=agency).allowed:
            shown.plans = list(Plan.objects.filter(order=order).prefetch_related("objectives"))
            shown.reviews = list(Review.objects.filter(order=order))
            categories["case_plans"] = {agency}
        if decide(user, order.person, "assessments", source=agency).allowed:
            shown.assessments = list(
                Assessment.objects.filter(person=order.person, record__agency_id=agency)
                .order_by("assessed_on", "id")
            )  # fmt: skip
            categories["assessments"] = {agency}
        if decide(user, order.person, "mappa", source=agency).allowed:
            shown.mappa = list(Mappa.objects.filter(person=order.person, record__agency_id=agency))
            categories["mappa"] = {agency}
        look(user, order.person, action="order", shown=categories, detail=f"order {order.pk}")
    return shown


def order_to_act_on(user: User, order_id: int) -> AbstractContextManager[Order]:
    """The order a casework step acts on: one of the user's own agency's (404 otherwise,
    audited as refused), audited as a look at the order. The block runs with the door
    open, for the step's own queries."""
    own = _own(user, "orders")
    with door_open():
        order = (
            Order.objects.filter(own, pk=order_id).select_related("person", "record").first()
            if own is not None
            else None
        )
        if order is None:
            refusal(user, action="order_step", detail=f"order {order_id}")
            raise Http404(NOT_FOUND)
        look(user, order.person, action="order_step", shown={"orders": {order.record.agency_id}},
             detail=f"a step on order {order.pk}")  # fmt: skip
    return acting_on(order, None)


def session_of(order: Order, session_id: int, version: int) -> Contact:
    """One of the order's sessions, inside `order_to_act_on`'s block, as the worker read
    it (`version`)."""
    found = Contact.objects.filter(order=order, pk=session_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    found.version = version
    return found


def report_shown(user: User, report_id: int) -> CourtReport:
    """A court report of the user's own agency (404 otherwise, audited as refused)."""
    own = _own(user, "court_reports")
    with door_open():
        report = (
            CourtReport.objects.filter(own, pk=report_id)
            .select_related("person", "author", "team", "record")
            .first()
            if own is not None
            else None
        )
        if report is None:
            refusal(user, action="court_report", detail=f"report {report_id}")
            raise Http404(NOT_FOUND)
        agency = report.record.agency_id
        shown = {"identity": {agency}, "court_reports": {agency}}
        look(user, report.person, action="court_report", shown=shown, detail=f"report {report.pk}")
    return report


def plan_objectives(order: Order) -> list[Objective]:
    """The objectives of the order's latest plan, inside `order_to_act_on`'s block."""
    plan = Plan.objects.filter(order=order).order_by("-agreed_on", "-id").first()
    return list(plan.objectives.all()) if plan else []


def review_of(order: Order, review_id: int) -> Review:
    """One of the order's reviews, inside `order_to_act_on`'s block (404 otherwise)."""
    found = Review.objects.filter(order=order, pk=review_id).first()
    if found is None:
        raise Http404(NOT_FOUND)
    return found


def report_to_act_on(
    user: User, report_id: int, *, version: int | None = None
) -> AbstractContextManager[CourtReport]:
    """The report a step acts on (submitting it, recording the sentence), fetched and
    audited as `report_shown` does, with the `version` the user read; the block runs with
    the door open."""
    return acting_on(report_shown(user, report_id), version)


def orders_of(user: User, person: Person) -> list[Order]:
    """The person's orders the user may see (for the person page): in full or, under an
    agreement, their summary; the caller shows only ORDER_SUMMARY of the latter."""
    opened = category_rows_q(user, "orders", agency="record__agency_id", person="person_id")
    if opened is None:
        return []
    with door_open():
        return list(Order.objects.filter(opened, person=person).order_by("-imposed_on", "-id"))


# --- The unpaid work squad's register ---------------------------------------------------


def projects_for(user: User) -> list[Project]:
    """The projects whose registers the user keeps: their teams' (a supervisor), or
    every active project of their own agency's teams (justice social work)."""
    teams = _teams(user)
    if not has_capability(user, RECORD_SESSIONS) and _own(user, "orders") is None:
        return []
    return list(Project.objects.filter(active=True, team_id__in=teams).order_by("name"))


@dataclass(frozen=True)
class RegisterRow:
    """What a session needs of one person on the squad, and no more."""

    order_id: int
    name: str
    hours_left: Any
    session: Contact | None


def squad_register(user: User, project: Project, on: dt.date) -> list[RegisterRow]:
    """The people placed on the project with unpaid work to do (active orders), with
    their session of `on` if recorded. Audited as a look at each of them, for this
    purpose only."""
    if project.team_id not in _teams(user):
        refusal(user, action="squad_register", detail=f"project {project.code}")
        raise Http404(NOT_FOUND)
    with door_open():
        orders = list(
            Order.objects.filter(project=project, state=Order.State.ACTIVE)
            .select_related("person")
            .order_by("person__family_name", "person__given_name", "id")
        )
        sessions = {
            c.order_id: c for c in Contact.objects.filter(order__in=orders, project=project, on=on)
        }
        rows = [
            RegisterRow(o.pk, o.person.display_name, ledger(o, on).remaining, sessions.get(o.pk))
            for o in orders
        ]
    rows = [r for r in rows if r.hours_left > 0 or r.session is not None]
    if rows:
        looks(
            user, {o.person_id for o in orders}, action="squad_register",
            categories={"identity", "orders"},
            purpose=f"the register of {project.name} on {on}: name, hours and attendance",
        )  # fmt: skip
    return rows


def register_to_act_on(
    user: User, project: Project, order_ids: list[int]
) -> AbstractContextManager[list[Order]]:
    """The orders a saved register names, each placed on the project (the form cannot
    reach another person's order); the block, which saves the register, runs with the
    door open. The register page audited the look at them."""
    if project.team_id not in _teams(user):
        raise Http404(NOT_FOUND)
    with door_open():
        found = list(Order.objects.filter(project=project, pk__in=order_ids))
    if len(found) != len(set(order_ids)):
        raise Http404(NOT_FOUND)
    return _door_open_with(found)


@contextmanager
def _door_open_with(orders: list[Order]) -> Iterator[list[Order]]:
    with door_open():
        yield orders
