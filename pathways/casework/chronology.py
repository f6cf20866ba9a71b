"""An order's chronology: everything recorded on it, newest first, made from the records
the order's page already holds (no query of its own)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pathways.casework.models import Order
from pathways.casework.sessions import said


@dataclass(frozen=True)
class Entry:
    on: dt.date
    what: str  # the kind of record, as a heading says it
    said: str  # the record in a sentence


def order_chronology(
    order: Order,
    *,
    sessions: Iterable[Any] = (),
    warnings: Iterable[Any] = (),
    breaches: Iterable[Any] = (),
    variations: Iterable[Any] = (),
    suspensions: Iterable[Any] = (),
    plans: Iterable[Any] = (),
    reviews: Iterable[Any] = (),
    assessments: Iterable[Any] = (),
) -> list[Entry]:
    """Each record as an entry, newest first (the order made, its end, sessions and
    appointments, warnings, breach reports, variations, suspensions, plans, reviews held,
    assessments)."""
    made = f"{order.get_type_display()} made by the {order.get_court_display()}"
    found = [Entry(order.imposed_on, "Order made", made)]
    if order.ended_on:
        found.append(Entry(order.ended_on, "Order ended", order.get_state_display()))
    for s in sessions:
        outcome = s.get_attendance_display() if s.attendance else "booked"
        hours = f", {said(s.hours_credited)} hours" if s.hours_credited else ""
        found.append(Entry(s.on, s.get_kind_display(), f"{outcome}{hours}"))
    for w in warnings:
        found.append(Entry(w.on, "Warning", w.reason))
    for b in breaches:
        found.append(Entry(b.on, "Breach report", f"{b.reason} ({b.get_outcome_display()})"))
    for v in variations:
        change = f"{v.field}: {v.old or 'none'} to {v.new or 'none'} ({v.reason})"
        found.append(Entry(v.on, "Court variation", change))
    for s in suspensions:
        found.append(Entry(s.from_on, "Suspended", s.reason))
        if s.to_on:
            found.append(Entry(s.to_on, "Back in the community", "the suspension ended"))
    for p in plans:
        found.append(Entry(p.agreed_on, "Plan agreed", f"{len(p.objectives.all())} objectives"))
    for r in reviews:
        if r.held_on:
            found.append(Entry(r.held_on, "Review held", r.attended or ""))
    for a in assessments:
        level = f": {a.get_level_display()}" if a.level else ""
        found.append(
            Entry(a.assessed_on, "Assessment", f"{a.instrument} ({a.get_stage_display()}){level}")
        )
    return sorted(found, key=lambda e: e.on, reverse=True)
