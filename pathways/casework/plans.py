"""Case management plans and their SMART objectives, and the reviews that walk through
them (CASEWORK.md "Case management plan", "Review").

Reviews of an order with supervision are scheduled when it is imposed: 3 months after
imposition, then 6 months, then every 6 months while the supervision lasts; a court may
add its own progress reviews.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.casework.models import Objective, Order, Plan, Review
from pathways.casework.refusals import Refused, locked, refuse, who
from pathways.months import add_months

NEED_AREAS = (
    "accommodation", "education_employment", "money", "relationships", "family", "health",
    "drugs_alcohol", "attitudes", "use_of_time", "safety",
)  # fmt: skip


def review_schedule(order: Order) -> list[dt.date]:
    """The review dates of an order with supervision: at 3 and 6 months, then every 6
    months, each before the supervision ends."""
    if not order.supervision_months:
        return []
    months = [3] + list(range(6, order.supervision_months, 6))
    return [add_months(order.imposed_on, m) for m in months if m < order.supervision_months]


def schedule_reviews(order: Order) -> list[Review]:
    """Create the order's scheduled reviews not yet held (again after a variation: the
    unheld scheduled ones are replaced)."""
    with transaction.atomic():
        Review.objects.filter(order=order, held_on=None, court_set=False).delete()
        held = set(Review.objects.filter(order=order).values_list("due_on", flat=True))
        return Review.objects.bulk_create(
            Review(order=order, due_on=day) for day in review_schedule(order) if day not in held
        )


def add_court_review(user: Any, order: Order, *, due_on: dt.date) -> Review:
    """A progress review the court set."""
    if due_on < order.imposed_on:
        raise refuse("due_on", f"the order began on {order.imposed_on}")
    return Review.objects.create(order=order, due_on=due_on, court_set=True, by=who(user))


def _objective(n: int, values: dict[str, Any], since: dt.date) -> Objective:
    problems = []
    for name, words in (("need_area", "the need"), ("what", "what will be done"),
                        ("who", "who does it")):  # fmt: skip
        if not str(values.get(name, "")).strip():
            problems.append((f"objective {n}: {name}", f"say {words}"))
    if values.get("need_area") and values["need_area"] not in NEED_AREAS:
        problems.append(
            (f"objective {n}: need_area", f"{values['need_area']!r} is not a need area")
        )
    by_when = values.get("by_when")
    if not isinstance(by_when, dt.date):
        problems.append((f"objective {n}: by_when", "an objective has a date it is due by"))
    elif by_when < since:
        problems.append((f"objective {n}: by_when", f"the plan was agreed on {since}"))
    if problems or not isinstance(by_when, dt.date):
        raise Refused(problems)
    return Objective(
        need_area=values["need_area"], what=str(values["what"]).strip()[:500],
        who=str(values["who"]).strip()[:200], by_when=by_when,
    )  # fmt: skip


def agree_plan(
    user: Any,
    order: Order,
    *,
    agreed_on: dt.date,
    objectives: list[dict[str, Any]],
    plan_ref: str | None = None,
) -> Plan:
    """The case management plan agreed with the person, with at least one objective
    (import: none, the old system's objectives are not in the feed)."""
    if agreed_on < order.imposed_on:
        raise refuse("agreed_on", f"the order began on {order.imposed_on}")
    if not objectives and plan_ref is None:
        raise refuse("objectives", "a plan has at least one objective")
    problems: list[tuple[str, str]] = []
    made: list[Objective] = []
    for n, values in enumerate(objectives, start=1):
        try:
            made.append(_objective(n, values, agreed_on))
        except Refused as refused:
            problems.extend(refused.problems)
    if problems:
        raise Refused(problems)
    with transaction.atomic():
        plan = Plan.objects.create(
            order=order, agreed_on=agreed_on, by=who(user), plan_ref=plan_ref
        )
        for objective in made:
            objective.plan = plan
        Objective.objects.bulk_create(made)
    return plan


def hold_review(
    user: Any,
    review: Review,
    *,
    held_on: dt.date,
    attended: str,
    progress: dict[int, dict[str, str]],
    notes: str = "",
    today: dt.date | None = None,
) -> Review:
    """The review was held: who attended and, for each objective of the order's latest
    plan, its status now (and a note). Objectives' statuses are updated with it; a
    dropped objective needs a reason."""
    with transaction.atomic():
        row = locked(review, "order")
        if row.held_on:
            raise refuse("held_on", f"this review was held on {row.held_on}")
        if held_on < row.order.imposed_on:
            raise refuse(
                "held_on", f"a review is not held before the order began ({row.order.imposed_on})"
            )
        if today and held_on > today:
            raise refuse("held_on", "a review is recorded once it has been held")
        if not attended.strip():
            raise refuse("attended", "say who attended the review")
        plan = Plan.objects.filter(order=row.order).order_by("-agreed_on", "-id").first()
        objectives = {o.pk: o for o in plan.objectives.all()} if plan else {}
        problems: list[tuple[str, str]] = []
        for pk, entry in progress.items():
            objective = objectives.get(int(pk))
            status = entry.get("status", "")
            if objective is None:
                problems.append((f"objective {pk}", "is not an objective of the order's plan"))
            elif status not in Objective.Status.values:
                problems.append((f"objective {pk}", f"{status!r} is not a status"))
            elif status == Objective.Status.DROPPED and not entry.get("note", "").strip():
                problems.append((f"objective {pk}", "say why the objective is dropped"))
        if problems:
            raise Refused(problems)
        for pk, entry in progress.items():
            Objective.objects.filter(pk=int(pk)).update(
                status=entry["status"],
                dropped_reason=entry.get("note", "")[:300] if entry["status"] == "dropped" else "",
            )
        Review.objects.filter(pk=row.pk).update(
            held_on=held_on, attended=attended.strip()[:500],
            progress={str(pk): entry for pk, entry in progress.items()}, notes=notes.strip(),
            by=who(user), version=row.version + 1,
        )  # fmt: skip
    return Review.objects.get(pk=review.pk)
