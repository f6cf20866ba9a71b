"""Orders and their rules (CASEWORK.md "Records"): what a court may impose, checked in
one place for the pages, the API and the orders import; and the state changes, each one
function that locks, checks, changes and records who did it.

- unpaid work is 20 to 300 hours, never for a person under 16 on the day imposed;
- other activity counts towards unpaid work, at most 30% of its hours or 30 hours,
  whichever is less;
- supervision lasts 6 months to 3 years, and a CPO of a person under 18 always has it;
- an order ends once, with a date and one of the endings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from pathways.casework.models import Court, Order, Review, Suspension, Variation
from pathways.casework.plans import schedule_reviews
from pathways.casework.refusals import Refused, locked, refuse, who
from pathways.people.ages import age_on
from pathways.people.models import AgencyRecord

REQUIREMENTS = (
    "unpaid_work", "other_activity", "supervision", "programme", "drug", "alcohol",
    "mental_health", "conduct", "compensation", "residence", "restricted_movement",
)  # fmt: skip
UPW_HOURS = (20, 300)
SUPERVISION_MONTHS = (6, 36)
ENDINGS = (
    Order.State.COMPLETED, Order.State.REVOKED_BREACH, Order.State.REVOKED_OTHER,
    Order.State.TRANSFERRED, Order.State.DIED,
)  # fmt: skip


def other_activity_cap(upw_hours: int) -> Decimal:
    """The most hours of other activity that count towards `upw_hours` of unpaid work:
    30% of them or 30, whichever is less (25 hours: 7.5)."""
    return min(Decimal(upw_hours) * 3 / 10, Decimal(30))


def order_problems(
    *,
    born: dt.date | None,
    type: str,
    imposed_on: dt.date,
    upw_hours: int | None,
    other_activity_hours: int | None,
    supervision_months: int | None,
    requirements: list[str],
) -> list[tuple[str, str]]:
    """Every reason the order cannot be as given, each with the field it is about."""
    problems: list[tuple[str, str]] = []
    if type not in Order.Type.values:
        problems.append(("type", f"{type!r} is not an order type ({', '.join(Order.Type.values)})"))
    unknown = sorted(set(requirements) - set(REQUIREMENTS))
    if unknown:
        problems.append(("requirements", f"unknown requirements: {', '.join(unknown)}"))
    if requirements and type != Order.Type.CPO:
        problems.append(("requirements", "only a community payback order has requirements"))
    age = age_on(born, imposed_on)
    if upw_hours is not None:
        low, high = UPW_HOURS
        if not low <= upw_hours <= high:
            problems.append(("upw_hours", f"unpaid work is {low} to {high} hours, not {upw_hours}"))
        if age is not None and age < 16:
            problems.append(
                ("upw_hours", f"unpaid work cannot be imposed on a person under 16 (aged {age})")
            )
    if other_activity_hours:
        if upw_hours is None:
            problems.append(("other_activity_hours", "other activity is part of unpaid work"))
        elif other_activity_hours > other_activity_cap(upw_hours):
            problems.append((
                "other_activity_hours",
                f"other activity is at most {other_activity_cap(upw_hours):f} hours of "
                f"{upw_hours} (30% or 30 hours, whichever is less), not {other_activity_hours}",
            ))  # fmt: skip
    if supervision_months is not None:
        low, high = SUPERVISION_MONTHS
        if not low <= supervision_months <= high:
            problems.append((
                "supervision_months",
                f"supervision lasts {low} to {high} months, not {supervision_months}",
            ))  # fmt: skip
    if type == Order.Type.CPO and age is not None and age < 18 and supervision_months is None:
        problems.append(
            (
                "supervision_months",
                "a community payback order for a person under 18 has supervision",
            )
        )
    return problems


def impose_order(
    record: AgencyRecord,
    *,
    type: str,
    court: str,
    imposed_on: dt.date,
    by: Any = None,
    upw_hours: int | None = None,
    other_activity_hours: int | None = None,
    supervision_months: int | None = None,
    requirements: list[str] | None = None,
    expected_end: dt.date | None = None,
    team: str | None = None,
    worker: Any = None,
    order_ref: str | None = None,
) -> Order:
    """Record an order the court imposed on the person `record` names (the agency's
    record it is held under); refused with every reason when it breaks a rule."""
    codes = sorted(set(requirements or []))
    if upw_hours is not None and "unpaid_work" not in codes:
        codes.append("unpaid_work")
    if supervision_months is not None and "supervision" not in codes:
        codes.append("supervision")
    problems = order_problems(
        born=record.person.date_of_birth, type=type, imposed_on=imposed_on,
        upw_hours=upw_hours, other_activity_hours=other_activity_hours,
        supervision_months=supervision_months, requirements=codes,
    )  # fmt: skip
    if court not in Court.values:
        problems.append(("court", f"{court!r} is not a court ({', '.join(Court.values)})"))
    if problems:
        raise Refused(problems)
    with transaction.atomic():
        order = Order.objects.create(
        person_id=record.person_id, record=record, type=type, court=court,
        imposed_on=imposed_on, expected_end=expected_end, upw_hours=upw_hours,
        other_activity_hours=other_activity_hours, supervision_months=supervision_months,
        requirements=sorted(codes), worker=who(worker) or who(by), team_id=team,
        order_ref=order_ref,
        )  # fmt: skip
        schedule_reviews(order)
    return order


def end_order(user: Any, order: Order, *, on: dt.date, ending: str) -> Order:
    """End the order, once: completed, revoked (on breach or otherwise), transferred or
    died, on a date not before it was imposed."""
    if ending not in ENDINGS:
        raise Refused([("ending", f"{ending!r} is not an ending ({', '.join(ENDINGS)})")])
    with transaction.atomic():
        row = locked(order)
        if row.state in ENDINGS:
            raise Refused([("ending", f"the order has already ended ({row.state})")])
        if on < row.imposed_on:
            raise Refused([("on", "an order cannot end before it was imposed")])
        Suspension.objects.filter(order=row, to_on__isnull=True).update(to_on=on)
        # Reviews that would have fallen after the end are not due.
        Review.objects.filter(order=row, held_on=None, due_on__gt=on).delete()
        Order.objects.filter(pk=order.pk).update(state=ending, ended_on=on, version=row.version + 1)
    return Order.objects.get(pk=order.pk)


VARIABLE = {
    "upw_hours": "unpaid work hours",
    "upw_extension_months": "unpaid work time limit extended (months)",
    "other_activity_hours": "other activity hours",
    "supervision_months": "supervision months",
    "expected_end": "expected end",
}


def vary_order(
    user: Any, order: Order, *, on: dt.date, reason: str, **changes: Any
) -> list[Variation]:
    """A court's variation: the new values are checked as the order's rules say, and
    each field changed is kept with its old and new value, the date and the reason."""
    if not reason.strip():
        raise Refused([("reason", "say why the court varied the order")])
    unknown = sorted(set(changes) - set(VARIABLE))
    if unknown:
        raise Refused([("changes", f"not varied here: {', '.join(unknown)}")])
    with transaction.atomic():
        row = locked(order, "person")
        if row.state in ENDINGS:
            raise Refused([("on", "an order that has ended is not varied")])
        after = {name: changes.get(name, getattr(row, name)) for name in VARIABLE}
        problems = order_problems(
            born=row.person.date_of_birth, type=row.type, imposed_on=row.imposed_on,
            upw_hours=after["upw_hours"], other_activity_hours=after["other_activity_hours"],
            supervision_months=after["supervision_months"], requirements=row.requirements,
        )  # fmt: skip
        if problems:
            raise Refused(problems)
        varied = [
            Variation(
                order=row,
                on=on,
                field=VARIABLE[name],
                old="" if getattr(row, name) is None else str(getattr(row, name)),
                new="" if value is None else str(value),
                reason=reason.strip()[:500],
                by=who(user),
            )  # fmt: skip
            for name, value in changes.items()
            if getattr(row, name) != value
        ]
        if not varied:
            raise Refused([("changes", "nothing to vary: the values are the order's")])
        Order.objects.filter(pk=order.pk).update(
            **{name: changes[name] for name in changes}, version=row.version + 1
        )
        if "supervision_months" in changes:
            schedule_reviews(Order.objects.get(pk=order.pk))
        return Variation.objects.bulk_create(varied)


def suspend_order(user: Any, order: Order, *, on: dt.date, reason: str) -> Order:
    """The person is in custody: the order is suspended from `on` and its clocks stop."""
    if not reason.strip():
        raise refuse("reason", "say why the order is suspended (for example, remanded in custody)")
    with transaction.atomic():
        row = locked(order)
        if row.state != Order.State.ACTIVE:
            raise refuse("on", f"only an active order is suspended; this one is {row.state}")
        if on < row.imposed_on:
            raise refuse("on", "an order cannot be suspended before it was imposed")
        last = row.suspensions.exclude(to_on=None).order_by("-to_on").first()
        if last and last.to_on and on < last.to_on:
            raise refuse("on", f"the last suspension ended on {last.to_on}")
        Suspension.objects.create(order=row, from_on=on, reason=reason.strip()[:300], by=who(user))
        Order.objects.filter(pk=row.pk).update(state=Order.State.SUSPENDED, version=row.version + 1)
    return Order.objects.get(pk=order.pk)


def resume_order(user: Any, order: Order, *, on: dt.date) -> Order:
    """The person is back in the community: the suspension ends on `on`."""
    with transaction.atomic():
        row = locked(order)
        if row.state != Order.State.SUSPENDED:
            raise refuse("on", "the order is not suspended")
        open_one = row.suspensions.get(to_on__isnull=True)
        if on < open_one.from_on:
            raise refuse("on", f"the suspension began on {open_one.from_on}")
        Suspension.objects.filter(pk=open_one.pk).update(to_on=on)
        Order.objects.filter(pk=row.pk).update(state=Order.State.ACTIVE, version=row.version + 1)
    return Order.objects.get(pk=order.pk)
