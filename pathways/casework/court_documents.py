"""Documents for court drawn from the record (WeasyPrint, like the annual report): a
progress review report, a breach report and a completion report. Each holds the order,
its requirements, the hours ledger, attendance, warnings and breaches, and the worker's
own text; nothing is typed twice."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.template.loader import render_to_string

from pathways.cases.models import Contact
from pathways.casework.models import BreachReport, Order, Warning
from pathways.casework.sessions import ledger

KINDS = {
    "progress": "Progress review report",
    "breach": "Breach report",
    "completion": "Completion report",
}


def court_document(kind: str, order: Order, *, author: Any, text: str, on: dt.date) -> bytes:
    """The PDF of `kind` (progress, breach, completion) for the order, written by
    `author` on `on` with their own `text`. The caller fetched the order through the door."""
    from weasyprint import HTML  # loading pango takes a moment

    if kind not in KINDS:
        raise ValueError(f"{kind!r} is not a court document ({', '.join(KINDS)})")
    contacts = Contact.objects.filter(order=order, on__lte=on)
    outcomes = Counter(contacts.exclude(attendance="").values_list("attendance", flat=True))
    present = outcomes["attended"] + outcomes["late"] + outcomes["sent_home"]
    counted = present + outcomes["unacceptable_absence"]
    html = render_to_string("casework/court_document.html", {
        "title": KINDS[kind], "kind": kind, "order": order, "on": on, "text": text.strip(),
        "author": (author.get_full_name() or author.get_username()) if author else "",
        "ledger": ledger(order, on) if order.upw_hours else None,
        "outcomes": outcomes, "present": present, "counted": counted,
        "attendance": round(100 * present / counted) if counted else None,
        "warnings": list(Warning.objects.filter(order=order, on__lte=on)),
        "breaches": list(BreachReport.objects.filter(order=order, on__lte=on)),
        "recent": list(contacts.order_by("-on", "-id")[:20]),
    })  # fmt: skip
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
