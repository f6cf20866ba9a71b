"""Compliance with an order: warnings and breach reports to court (CASEWORK.md
"Compliance"). The partnership's configuration says when a warning or a breach report is
due; Pathways puts the case on the worker's list then, and never decides a breach."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.cases.models import Contact
from pathways.casework.models import BreachReport, CompliancePolicy, Order, Warning
from pathways.casework.orders import ENDINGS
from pathways.casework.refusals import refuse, who
from pathways.months import add_months


def policy() -> CompliancePolicy:
    """The thresholds (casework.toml); the defaults when none are configured."""
    return CompliancePolicy.objects.filter(code="default").first() or CompliancePolicy()


def give_warning(
    user: Any, order: Order, *, on: dt.date, reason: str, contact: Contact | None = None
) -> Warning:
    """A formal warning, for an absence (`contact`) or another failure."""
    if not reason.strip():
        raise refuse("reason", "say what the warning is for")
    if on < order.imposed_on:
        raise refuse("on", f"the order began on {order.imposed_on}")
    if order.state in ENDINGS:
        raise refuse("on", "the order has ended")
    if contact is not None and contact.order_id != order.pk:
        raise refuse("contact", "the absence is not one of this order's")
    return Warning.objects.create(
        order=order, on=on, reason=reason.strip()[:500], contact=contact, by=who(user)
    )


def report_breach(
    user: Any, order: Order, *, on: dt.date, reason: str, without_warning_reason: str = ""
) -> BreachReport:
    """A breach report to the court. Allowed without a warning first, but then it asks
    why."""
    if not reason.strip():
        raise refuse("reason", "say what the breach is")
    if order.state in ENDINGS:
        raise refuse("on", "the order has ended")
    if on < order.imposed_on:
        raise refuse("on", f"the order began on {order.imposed_on}")
    if not Warning.objects.filter(order=order).exists() and not without_warning_reason.strip():
        raise refuse(
            "without_warning_reason",
            "no warning is recorded on this order: say why the breach goes to court without one",
        )
    return BreachReport.objects.create(
        order=order, on=on, reason=reason.strip(),
        without_warning_reason=without_warning_reason.strip(), by=who(user),
    )  # fmt: skip


def record_breach_outcome(
    user: Any, breach: BreachReport, *, outcome: str, on: dt.date
) -> BreachReport:
    """What the court decided on the breach (continued, varied, revoked). A revocation
    is recorded on the order too (casework.orders.end_order, by the caller)."""
    if outcome not in BreachReport.Outcome.values or outcome == BreachReport.Outcome.PENDING:
        raise refuse("outcome", "choose what the court decided: continued, varied or revoked")
    with transaction.atomic():
        row = BreachReport.objects.select_for_update().get(pk=breach.pk)
        if row.outcome != BreachReport.Outcome.PENDING:
            raise refuse("outcome", f"the court's decision is recorded already ({row.outcome})")
        if on < row.on:
            raise refuse("on", f"the breach was reported on {row.on}")
        BreachReport.objects.filter(pk=row.pk).update(outcome=outcome, outcome_on=on)
    return BreachReport.objects.get(pk=breach.pk)


def compliance_due(order: Order, as_of: dt.date) -> str:
    """'breach' when the warnings since the last breach report reach the threshold,
    'warning' when the unacceptable absences since the last warning, within the window,
    reach it; '' otherwise."""
    rules = policy()
    last_breach = BreachReport.objects.filter(order=order).order_by("-on").first()
    warnings = Warning.objects.filter(order=order)
    if last_breach:
        warnings = warnings.filter(on__gt=last_breach.on)
    if warnings.count() >= rules.warnings:
        return "breach"
    last_warning = Warning.objects.filter(order=order).order_by("-on").first()
    absences = Contact.objects.filter(
        order=order,
        attendance=Contact.Attendance.UNACCEPTABLE_ABSENCE,
        on__gt=add_months(as_of, -rules.within_months),
        on__lte=as_of,
    )
    if last_warning:
        absences = absences.filter(on__gt=last_warning.on)
    return "warning" if absences.count() >= rules.absences else ""
