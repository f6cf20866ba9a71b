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
from typing import Any

from django.db import transaction

from pathways.casework.models import Court, Order, Variation
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


class OrderRefused(ValueError):
    """The order or the step is refused: `problems` are (field, why), for a form or a
    rejected row."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {why}" for field, why in problems))
        self.problems = problems


def other_activity_cap(upw_hours: int) -> int:
    """The most hours of other activity that count towards `upw_hours` of unpaid work:
    30% of them (rounded down) or 30, whichever is less."""
    return min(upw_hours * 30 // 100, 30)


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
                f"other activity is at most {other_activity_cap(upw_hours)} hours of "
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
        raise OrderRefused(problems)
    return Order.objects.create(
        person_id=record.person_id, record=record, type=type, court=court,
        imposed_on=imposed_on, expected_end=expected_end, upw_hours=upw_hours,
        other_activity_hours=other_activity_hours, supervision_months=supervision_months,
        requirements=sorted(codes), worker=by if getattr(by, "pk", None) else None,
    )  # fmt: skip


def end_order(user: Any, order: Order, *, on: dt.date, ending: str) -> Order:
    """End the order, once: completed, revoked (on breach or otherwise), transferred or
    died, on a date not before it was imposed."""
    if ending not in ENDINGS:
        raise OrderRefused([("ending", f"{ending!r} is not an ending ({', '.join(ENDINGS)})")])
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.version != order.version:
            raise OrderRefused([("version", "the order changed since it was read: reload it")])
        if locked.state in ENDINGS:
            raise OrderRefused([("ending", f"the order has already ended ({locked.state})")])
        if on < locked.imposed_on:
            raise OrderRefused([("on", "an order cannot end before it was imposed")])
        Order.objects.filter(pk=order.pk).update(
            state=ending, ended_on=on, version=locked.version + 1
        )
    return Order.objects.get(pk=order.pk)


VARIABLE = {
    "upw_hours": "unpaid work hours",
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
        raise OrderRefused([("reason", "say why the court varied the order")])
    unknown = sorted(set(changes) - set(VARIABLE))
    if unknown:
        raise OrderRefused([("changes", f"not varied here: {', '.join(unknown)}")])
    with transaction.atomic():
        locked = Order.objects.select_for_update().select_related("person").get(pk=order.pk)
        if locked.version != order.version:
            raise OrderRefused([("version", "the order changed since it was read: reload it")])
        if locked.state in ENDINGS:
            raise OrderRefused([("on", "an order that has ended is not varied")])
        after = {name: changes.get(name, getattr(locked, name)) for name in VARIABLE}
        problems = order_problems(
            born=locked.person.date_of_birth, type=locked.type, imposed_on=locked.imposed_on,
            upw_hours=after["upw_hours"], other_activity_hours=after["other_activity_hours"],
            supervision_months=after["supervision_months"], requirements=locked.requirements,
        )  # fmt: skip
        if problems:
            raise OrderRefused(problems)
        varied = [
            Variation(
                order=locked,
                on=on,
                field=VARIABLE[name],
                old="" if getattr(locked, name) is None else str(getattr(locked, name)),
                new="" if value is None else str(value),
                reason=reason.strip()[:500],
                by=user if getattr(user, "pk", None) else None,
            )  # fmt: skip
            for name, value in changes.items()
            if getattr(locked, name) != value
        ]
        if not varied:
            raise OrderRefused([("changes", "nothing to vary: the values are the order's")])
        Order.objects.filter(pk=order.pk).update(
            **{name: changes[name] for name in changes}, version=locked.version + 1
        )
        return Variation.objects.bulk_create(varied)
