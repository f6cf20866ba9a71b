"""Earlier versions of imported rows, as people read them: when an agency sends a row
again changed (an event's category corrected, a date of birth fixed), the import keeps
what it replaced (`SupersededRow`); here each event's changes are said field by field,
oldest first, for the chronology and the subject access request."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from pathways.events.models import Event
from pathways.feeds.events import as_row
from pathways.feeds.models import SupersededRow

# The fields of an event a person reads, with their names on the page.
EVENT_FIELDS = {
    "kind": "kind",
    "occurred_at": "when",
    "crime_group": "crime group",
    "category": "category",
    "area": "area",
    "flags": "flags",
    "disposal": "disposal",
    "offence_date": "offence date",
}


@dataclass(frozen=True)
class Change:
    """What one later import changed: when it replaced the row, and each field's old and
    new value."""

    replaced_at: dt.datetime
    fields: list[tuple[str, str, str]]


def event_key(event: Event) -> str:
    """The key an events import keeps an event's earlier versions under."""
    return f"{event.agency_id}/{event.event_ref}"


def event_changes(events: Iterable[Event]) -> dict[int, list[Change]]:
    """For each of `events` that an agency sent again changed, its changes, oldest
    first (one query)."""
    by_key = {event_key(e): e for e in events}
    if not by_key:
        return {}
    versions: dict[str, list[SupersededRow]] = defaultdict(list)
    for row in SupersededRow.objects.filter(kind="events", key__in=sorted(by_key)).order_by(
        "replaced_at", "pk"
    ):
        versions[row.key].append(row)
    found: dict[int, list[Change]] = {}
    for key, rows in versions.items():
        event = by_key[key]
        contents = [row.content for row in rows] + [as_row(event)]
        changes = []
        for row, before, after in zip(rows, contents, contents[1:], strict=False):
            fields = [
                (label, str(before.get(name, "")), str(after.get(name, "")))
                for name, label in EVENT_FIELDS.items()
                if str(before.get(name, "")) != str(after.get(name, ""))
            ]
            if fields:
                changes.append(Change(row.replaced_at, fields))
        if changes:
            found[event.pk] = changes
    return found
