"""Unpaid work sessions and supervision appointments on an order, and the order's hours
ledger (CASEWORK.md "Unpaid work", "Supervision appointments").

Both are contacts (`cases.Contact`, decision 0015). Hours are credited only by sessions:
attended, or sent home with the hours actually worked; never more than offered, never
for an absence, never on an order that has ended or is suspended, other activity never
beyond its cap and nothing beyond the hours imposed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from pathways.cases.models import Contact
from pathways.casework.models import Order, Project, Suspension
from pathways.casework.orders import other_activity_cap
from pathways.casework.refusals import Refused, locked, refuse, who
from pathways.months import add_months

A = Contact.Attendance
SESSION_KINDS = (Contact.Kind.UPW, Contact.Kind.OTHER_ACTIVITY)
ORDER_KINDS = (*SESSION_KINDS, Contact.Kind.SUPERVISION)
SQUAD_SIZE = 12
ZERO = Decimal(0)


def hours(value: Any, field: str = "hours") -> Decimal | None:
    """Hours as a Decimal in quarter hours (2.25), None when empty; refused otherwise."""
    if value in (None, ""):
        return None
    try:
        found = Decimal(str(value))
    except InvalidOperation:
        raise refuse(field, f"{value!r} is not a number of hours") from None
    if found < 0 or found > 24 or (found * 4) % 1:
        raise refuse(field, f"hours are 0 to 24 in quarter hours, not {value}")
    return found


def said(value: Decimal | int) -> str:
    """Hours as a page says them: 2, 2.5, 87.25 (no trailing zeros)."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Ledger:
    """An order's unpaid work: hours imposed and credited (unpaid work, and other activity
    with what of it counts), remaining, and the date they must be done by."""

    imposed: int
    credited_upw: Decimal
    credited_other: Decimal
    other_cap: Decimal
    must_be_done_by: dt.date
    suspended_days: int

    @property
    def other_counted(self) -> Decimal:
        return min(self.credited_other, self.other_cap)

    @property
    def credited(self) -> Decimal:
        return self.credited_upw + self.other_counted

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.imposed) - self.credited, ZERO)

    @property
    def percent_done(self) -> int:
        return int(min(self.credited * 100 / self.imposed, Decimal(100))) if self.imposed else 0

    def at_risk(self, as_of: dt.date) -> bool:
        """More than 5 hours a week remain for the weeks left to the time limit."""
        days_left = (self.must_be_done_by - as_of).days
        if self.remaining <= 0:
            return False
        return days_left <= 0 or self.remaining * 7 > 5 * days_left


def suspended_days(order: Order, as_of: dt.date) -> int:
    """Days the order has been suspended up to `as_of` (an open suspension to `as_of`)."""
    total = 0
    for s in Suspension.objects.filter(order=order, from_on__lte=as_of):
        end = min(s.to_on or as_of, as_of)
        total += max((end - s.from_on).days, 0)
    return total


# Hours imposed -> the cap (a handful of values; Decimal arithmetic done once each).
_CAPS: dict[int, Decimal] = {}


def other_activity_counted(order: Order) -> Decimal:
    """The most other activity that counts towards the order's unpaid work: the court's
    allowance where it set one, never more than 30% of the hours or 30."""
    cap = _CAPS.get(order.upw_hours or 0)
    if cap is None:
        cap = _CAPS[order.upw_hours or 0] = other_activity_cap(order.upw_hours or 0)
    if order.other_activity_hours and order.other_activity_hours < cap:
        return Decimal(order.other_activity_hours)
    return cap


def time_limit(order: Order, as_of: dt.date) -> dt.date:
    """When the unpaid work must be done: 3 months after imposition for up to 100 hours
    (level 1), 6 months above (level 2), plus any extension, plus days suspended."""
    months = 3 if (order.upw_hours or 0) <= 100 else 6
    limit = add_months(order.imposed_on, months + order.upw_extension_months)
    return limit + dt.timedelta(days=suspended_days(order, as_of))


def ledger(order: Order, as_of: dt.date) -> Ledger:
    """The order's hours ledger from its sessions (two sums in one query)."""
    sums = Contact.objects.filter(order=order).aggregate(
        upw=Sum("hours_credited", filter=Q(kind=Contact.Kind.UPW)),
        other=Sum("hours_credited", filter=Q(kind=Contact.Kind.OTHER_ACTIVITY)),
    )
    imposed = order.upw_hours or 0
    return Ledger(
        imposed=imposed,
        credited_upw=Decimal(sums["upw"] or 0),
        credited_other=Decimal(sums["other"] or 0),
        other_cap=other_activity_counted(order),
        must_be_done_by=time_limit(order, as_of),
        suspended_days=suspended_days(order, as_of),
    )  # fmt: skip


def session_sums(
    ids: Any, as_of: dt.date, absences_since: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """Per order (`ids`: a list, or a query of them), in one pass over its sessions: the
    hours credited of unpaid work (`upw`) and of other activity (`other`), and with
    `absences_since` the unacceptable absences after that day up to `as_of` (`absent`)."""
    sums: dict[str, Any] = {
        "upw": Sum("hours_credited", filter=Q(kind=Contact.Kind.UPW)),
        "other": Sum("hours_credited", filter=Q(kind=Contact.Kind.OTHER_ACTIVITY)),
    }
    if absences_since is not None:
        sums["absent"] = Count("id", filter=Q(
            attendance=Contact.Attendance.UNACCEPTABLE_ABSENCE, on__gt=absences_since,
            on__lte=as_of,
        ))  # fmt: skip
    return {
        row["order_id"]: dict(row)
        for row in Contact.objects.filter(order_id__in=ids).values("order_id").annotate(**sums)
    }


def ledgers(
    orders: list[Order],
    as_of: dt.date,
    among: Any = None,
    sums: dict[int, dict[str, Any]] | None = None,
) -> dict[int, Ledger]:
    """The ledgers of many orders with unpaid work at once (two queries, however many):
    for a caseload or a team's list. `among`: a query of the orders' ids, for the
    database to join rather than be sent a list of them; `sums`: `session_sums` of them
    when the caller has them already."""
    with_hours = [o for o in orders if o.upw_hours]
    if not with_hours:
        return {}
    ids = among if among is not None else [o.pk for o in with_hours]
    if sums is None:
        sums = session_sums(ids, as_of)
    away: dict[int, int] = {}
    for order_id, start, end in Suspension.objects.filter(
        order_id__in=ids, from_on__lte=as_of
    ).values_list("order_id", "from_on", "to_on"):
        away[order_id] = away.get(order_id, 0) + max((min(end or as_of, as_of) - start).days, 0)
    found = {}
    for o in with_hours:
        row = sums.get(o.pk, {})
        months = (3 if (o.upw_hours or 0) <= 100 else 6) + o.upw_extension_months
        found[o.pk] = Ledger(
            imposed=o.upw_hours or 0,
            credited_upw=Decimal(row.get("upw") or 0),
            credited_other=Decimal(row.get("other") or 0),
            other_cap=other_activity_counted(o),
            must_be_done_by=add_months(o.imposed_on, months) + dt.timedelta(days=away.get(o.pk, 0)),
            suspended_days=away.get(o.pk, 0),
        )
    return found


def _order_takes(order: Order, kind: str, on: dt.date) -> None:
    if order.state != Order.State.ACTIVE:
        raise refuse("order", f"the order is {order.get_state_display()}: no session is recorded")
    if on < order.imposed_on:
        raise refuse("on", f"the order began on {order.imposed_on}")
    if (
        Suspension.objects.filter(order=order, from_on__lte=on)
        .filter(Q(to_on__isnull=True) | Q(to_on__gt=on))
        .exists()
    ):
        raise refuse("on", "the order was suspended that day")
    if kind in SESSION_KINDS and "unpaid_work" not in order.requirements:
        raise refuse("kind", "the order has no unpaid work requirement")
    if (
        kind == Contact.Kind.SUPERVISION
        and order.type == Order.Type.CPO
        and ("supervision" not in order.requirements)
    ):
        raise refuse("kind", "the order has no supervision requirement")


def _outcome(kind: str, values: dict[str, Any], on: dt.date | None = None) -> dict[str, Any]:
    """The attendance fields, checked: an outcome only once the day has come; hours
    credited only for attended or sent home and never above the hours offered; a reason
    for lateness and absence."""
    attendance = values.get("attendance") or ""
    if attendance and on is not None and on > timezone.localdate():
        raise refuse("attendance", f"{on} has not come yet: book it, and record what happened then")
    # A session of unpaid work is attended or sent home (lateness goes in the reason); an
    # appointment may be attended late, and nobody is sent home from one.
    wrong = (A.LATE,) if kind in SESSION_KINDS else (A.SENT_HOME,)
    allowed = [a for a in A.values if a not in wrong]
    if attendance and attendance not in allowed:
        raise refuse("attendance", f"{attendance!r} is not one of {', '.join(allowed)}")
    offered = hours(values.get("hours_offered"), "hours_offered")
    credited = hours(values.get("hours_credited"), "hours_credited")
    reason = str(values.get("reason", "")).strip()[:300]
    evidence = str(values.get("evidence", "")).strip()[:300]
    if kind in SESSION_KINDS:
        if offered is None or offered == 0:
            raise refuse("hours_offered", "say how many hours the session offered")
        if attendance == A.ATTENDED and credited is None:
            credited = offered
        if attendance == A.SENT_HOME and credited is None:
            raise refuse("hours_credited", "say how many hours were worked before going home")
        if credited is not None and credited > offered:
            raise refuse(
                "hours_credited",
                f"{said(credited)} hours credited is more than the {said(offered)} offered",
            )
    if credited and attendance not in (A.ATTENDED, A.SENT_HOME):
        raise refuse("hours_credited", "hours are credited only for a session attended")
    if kind == Contact.Kind.SUPERVISION:
        credited = None
    if attendance in (A.LATE, A.ACCEPTABLE_ABSENCE, A.SENT_HOME) and not reason:
        raise refuse("reason", f"say why ({A(attendance).label})")
    if attendance == A.ACCEPTABLE_ABSENCE and not evidence:
        raise refuse("evidence", "note the evidence for an acceptable absence (a line will do)")
    return {
        "attendance": attendance, "hours_offered": offered, "hours_credited": credited,
        "reason": reason, "evidence": evidence,
    }  # fmt: skip


def _within_hours(order: Order, kind: str, credited: Decimal | None, as_of: dt.date,
                  replacing: Decimal | None = None) -> None:  # fmt: skip
    if not credited:
        return
    book = ledger(order, as_of)
    back = replacing or ZERO
    if kind == Contact.Kind.OTHER_ACTIVITY and (
        book.credited_other - back + credited > book.other_cap
    ):
        raise refuse(
            "hours_credited",
            f"other activity counts for at most {said(book.other_cap)} hours of this order; "
            f"{said(book.credited_other)} are credited already",
        )
    if book.credited_upw + book.credited_other - back + credited > book.imposed:
        raise refuse(
            "hours_credited",
            f"the order has {said(book.remaining)} hours left; "
            f"{said(credited)} would go beyond them",
        )


def record_session(
    user: Any,
    order: Order,
    *,
    kind: str,
    on: dt.date,
    project: Project | None = None,
    mode: str = "",
    session_ref: str | None = None,
    **values: Any,
) -> Contact:
    """A session of unpaid work or other activity, or a supervision appointment, on the
    order: booked ahead (no attendance) or with its outcome."""
    if kind not in ORDER_KINDS:
        raise refuse("kind", f"{kind!r} is not one of {', '.join(ORDER_KINDS)}")
    if kind in SESSION_KINDS:
        wanted = Project.Kind.OTHER_ACTIVITY if kind == Contact.Kind.OTHER_ACTIVITY else None
        if project is None:
            raise refuse("project", "say which project the session was on")
        if (project.kind == Project.Kind.OTHER_ACTIVITY) != (wanted is not None):
            raise refuse("project", f"{project.name} is not a project for {kind} sessions")
    if mode and mode not in Contact.Mode.values:
        raise refuse("mode", f"{mode!r} is not one of {', '.join(Contact.Mode.values)}")
    outcome = _outcome(kind, values, on)
    with transaction.atomic():
        row = Order.objects.select_for_update().get(pk=order.pk)
        _order_takes(row, kind, on)
        _within_hours(row, kind, outcome["hours_credited"], on)
        return Contact.objects.create(
            kind=kind, person_id=row.person_id, order=row, on=on, project=project,
            mode=mode if kind == Contact.Kind.SUPERVISION else "", session_ref=session_ref,
            recorded_by=who(user), **outcome,
        )  # fmt: skip


def record_attendance(user: Any, session: Contact, **values: Any) -> Contact:
    """The outcome of a booked session or appointment. `session` is as the worker read it:
    if someone recorded it meanwhile, this one is refused and told."""
    with transaction.atomic():
        row = locked(session, "order")
        if row.order is None:
            raise refuse("session", "this contact belongs to an engagement, not an order")
        if row.attendance:
            raise refuse(
                "attendance",
                f"already recorded as {row.get_attendance_display().lower()}: correct it instead",
            )
        order = Order.objects.select_for_update().get(pk=row.order.pk)
        _order_takes(order, row.kind, row.on)
        outcome = _outcome(row.kind, {"hours_offered": row.hours_offered, **values}, row.on)
        _within_hours(order, row.kind, outcome["hours_credited"], row.on)
        Contact.objects.filter(pk=row.pk).update(
            **outcome, recorded_by=who(user), version=row.version + 1
        )
    return Contact.objects.get(pk=row.pk)


@dataclass(frozen=True)
class SquadRow:
    """One person on a squad's session: their order, and what happened."""

    order: Order
    attendance: str
    hours_offered: Any
    hours_credited: Any = None
    reason: str = ""
    evidence: str = ""


def record_squad(user: Any, project: Project, on: dt.date, rows: list[SquadRow]) -> list[Contact]:
    """A squad's session: attendance and hours for up to 12 people, all saved or none.
    Refused with every row's problems (field `row N: field`), so the supervisor fixes
    them on one form; a person already recorded for this project that day is refused (two
    supervisors saving one register: the second is told)."""
    if not rows:
        raise refuse("rows", "nobody is on the register")
    if len(rows) > SQUAD_SIZE:
        raise refuse("rows", f"a squad is at most {SQUAD_SIZE} people, not {len(rows)}")
    kind = (
        Contact.Kind.OTHER_ACTIVITY
        if project.kind == Project.Kind.OTHER_ACTIVITY
        else Contact.Kind.UPW
    )
    problems: list[tuple[str, str]] = []
    made: list[Contact] = []
    with transaction.atomic():
        orders = {
            o.pk: o
            for o in Order.objects.select_for_update().filter(pk__in=[r.order.pk for r in rows])
        }
        done = set(
            Contact.objects.filter(order__in=list(orders), project=project, on=on)
            .exclude(attendance="")
            .values_list("order_id", flat=True)
        )
        for n, row in enumerate(rows, start=1):
            order = orders[row.order.pk]
            try:
                if order.pk in done:
                    raise refuse("attendance", "already recorded for this session by someone else")
                _order_takes(order, kind, on)
                outcome = _outcome(kind, row.__dict__ | {"order": None}, on)
                _within_hours(order, kind, outcome["hours_credited"], on)
            except Refused as refused:
                problems.extend((f"row {n}: {field}", why) for field, why in refused.problems)
                continue
            made.append(
                Contact(
                    kind=kind,
                    person_id=order.person_id,
                    order=order,
                    on=on,
                    project=project,
                    recorded_by=who(user),
                    **outcome,
                )  # fmt: skip
            )
        if problems:
            raise Refused(problems)
        return Contact.objects.bulk_create(made)
