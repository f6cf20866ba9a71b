"""The clocks that put a case on the worker's and the team manager's list (CASEWORK.md
"Clocks"), each with the reason it is listed: a placement not started within 7 days, a
plan not agreed by 20 working days, a review due or overdue, a report due to the court
within 2 working days and not submitted, hours at risk (more than 5 a week left for the
time left), and a warning or breach report due by the configured thresholds.

Worked out for many orders at once in a handful of queries (the due list of a team of
20 workers), never one query per order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pathways.cases.models import Contact
from pathways.casework.compliance import policy
from pathways.casework.models import BreachReport, CourtReport, Order, Plan, Review
from pathways.casework.models import Warning as FormalWarning
from pathways.casework.orders import ENDINGS
from pathways.casework.sessions import Ledger, ledgers
from pathways.casework.working_days import (
    last_working_day_before,
    working_days_after,
    working_days_between,
)
from pathways.months import add_months

PLACEMENT_DAYS = 7
PLAN_WORKING_DAYS = 20
REVIEW_NOTICE_DAYS = 14  # a review is listed from two weeks before it is due
REPORT_NOTICE_WORKING_DAYS = 2
HOURS_A_WEEK = 5


@dataclass(frozen=True)
class Due:
    """One thing due on a case: what, by when, and the sentence that says why it is
    listed. `order_id` or `report_id` names the case."""

    kind: str  # placement, plan, review, report, hours, warning, breach
    due_on: dt.date
    why: str
    person_id: int
    worker_id: int | None
    order_id: int | None = None
    report_id: int | None = None
    overdue: bool = False


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def due_for_orders(
    orders: Iterable[Order],
    as_of: dt.date,
    books: dict[int, Ledger] | None = None,
    among: Any = None,
    absent: dict[int, int] | None = None,
) -> list[Due]:
    """Everything due on these orders (those not ended), soonest first. `books` are their
    ledgers when the caller has them already (`sessions.ledgers`); `among`, a query of
    the orders' ids, asks the database for their records by a join instead of a list of
    thousands of ids (a team's); `absent`, the unacceptable absences of each order in the
    compliance window (`session_sums`), so that only the orders with enough of them are
    read absence by absence."""
    live = [o for o in orders if o.state not in ENDINGS]
    if not live:
        return []
    ids = among if among is not None else [o.pk for o in live]
    books = books if books is not None else ledgers(live, as_of, among=among)
    # A placement has started once a session of unpaid work or other activity was attended
    # or sent home: those credit hours, so the ledger says it.
    started = {pk for pk, book in books.items() if book.credited_upw + book.credited_other > 0}
    planned = set(
        Plan.objects.filter(order_id__in=ids, agreed_on__lte=as_of).values_list(
            "order_id", flat=True
        )
    )
    reviews = defaultdict(list)
    for order_id, due_on in Review.objects.filter(
        order_id__in=ids, held_on=None, due_on__lte=as_of + dt.timedelta(days=REVIEW_NOTICE_DAYS)
    ).values_list("order_id", "due_on"):
        reviews[order_id].append(due_on)
    rules = policy()
    since = add_months(as_of, -rules.within_months)
    absences = defaultdict(list)
    # Only an order with enough absences in the window can have a warning due.
    enough = ids if absent is None else [pk for pk, n in absent.items() if n >= rules.absences]
    for order_id, on in Contact.objects.filter(
        order_id__in=enough, attendance="unacceptable_absence", on__gt=since, on__lte=as_of
    ).values_list("order_id", "on"):
        absences[order_id].append(on)
    warnings = defaultdict(list)
    for order_id, on in FormalWarning.objects.filter(order_id__in=ids).values_list(
        "order_id", "on"
    ):
        warnings[order_id].append(on)
    breaches = defaultdict(list)
    for order_id, on in BreachReport.objects.filter(order_id__in=ids).values_list("order_id", "on"):
        breaches[order_id].append(on)

    found: list[Due] = []
    for o in live:

        def due(kind: str, on: dt.date, why: str, o: Order = o) -> None:
            found.append(Due(kind, on, why, o.person_id, o.worker_id, order_id=o.pk,
                             overdue=on < as_of))  # fmt: skip

        for on in sorted(reviews[o.pk]):
            due("review", on, f"review {'overdue since' if on < as_of else 'due'} {_day(on)}")
        if o.state == Order.State.SUSPENDED:
            continue  # in custody: the order's other clocks stop
        upw = o.type == Order.Type.CPO and o.upw_hours
        if upw and o.pk not in started:
            by = o.imposed_on + dt.timedelta(days=PLACEMENT_DAYS)
            due("placement", by, f"unpaid work to start by {_day(by)}, 7 days after the order")
        if o.supervision_months and o.pk not in planned:
            by = working_days_after(o.imposed_on, PLAN_WORKING_DAYS)
            due("plan", by, f"case management plan to agree by {_day(by)} (20 working days)")
        book = books.get(o.pk)
        if upw and book is not None and book.at_risk(as_of):
            left, limit = book.remaining, book.must_be_done_by
            due("hours", limit, f"{left.normalize():f} hours left to do by {_day(limit)}: "
                f"more than {HOURS_A_WEEK} a week")  # fmt: skip
        since_breach = max(breaches[o.pk], default=None)
        counted = [w for w in warnings[o.pk] if since_breach is None or w > since_breach]
        if len(counted) >= rules.warnings:
            due("breach", as_of, f"{len(counted)} warnings since the last breach report: "
                "consider a breach report to the court")  # fmt: skip
        else:
            last_warning = max(warnings[o.pk], default=None)
            missed = [a for a in absences[o.pk] if last_warning is None or a > last_warning]
            if len(missed) >= rules.absences:
                due("warning", max(missed), f"{len(missed)} unacceptable absences since the last "
                    "warning: consider a warning")  # fmt: skip
    return sorted(found, key=lambda d: (d.due_on, d.kind))


def due_for_reports(reports: Iterable[CourtReport], as_of: dt.date) -> list[Due]:
    """Reports not submitted whose deadline (the last working day before the hearing)
    is within 2 working days, or past."""
    found = []
    for r in reports:
        if r.status in (CourtReport.Status.SUBMITTED, CourtReport.Status.CANCELLED):
            continue
        by = last_working_day_before(r.due_on)
        if by < as_of or working_days_between(as_of, by) <= REPORT_NOTICE_WORKING_DAYS:
            found.append(Due(
                "report", by, f"report to the {r.get_court_display()} by {_day(by)} "
                f"(hearing {_day(r.due_on)})", r.person_id, r.author_id, report_id=r.pk,
                overdue=by < as_of,
            ))  # fmt: skip
    return found
