"""events.csv: offences, custody episodes, overdoses, ASB, convictions, concerns."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pathways.events.imports import fields
from pathways.events.imports.records import resolve_person_refs, unknown_person_reason
from pathways.events.imports.specs import BatchResult, Codes, Pending, ProblemList
from pathways.events.models import (
    EVENT_FLAGS,
    CrimeGroup,
    Disposal,
    Event,
    EventKind,
    SupersededRow,
)

KINDS = frozenset(k.value for k in EventKind)
CRIME_GROUPS = frozenset(c.value for c in CrimeGroup)
DISPOSALS = frozenset(d.value for d in Disposal)
FLAGS = frozenset(EVENT_FLAGS)
NEEDS_CRIME_GROUP = {EventKind.OFFENCE.value, EventKind.CONVICTION.value}
UPDATABLE = (
    "record_id", "person_id", "kind", "occurred_at", "occurred_on", "crime_group",
    "category", "area_id", "flags", "disposal", "offence_date", "content_hash",
)


class EventsSpec:
    kind = "events"
    columns = (
        "agency", "event_ref", "person_ref", "kind", "occurred_at", "crime_group",
        "category", "area", "flags", "disposal", "offence_date",
    )
    required = ("agency", "event_ref", "person_ref", "kind", "occurred_at")

    def __init__(self, codes: Codes) -> None:
        self.codes = codes

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        agency = p.check("agency", fields.choice, values["agency"], self.codes.agencies, "agency")
        event_ref = p.check("event_ref", fields.reference, values["event_ref"])
        person_ref = p.check("person_ref", fields.reference, values["person_ref"])
        kind = p.check("kind", fields.choice, values["kind"], KINDS, "event kind")
        occurred = p.check("occurred_at", fields.parse_occurred_at, values["occurred_at"])
        crime_group = values["crime_group"].strip()
        if crime_group:
            p.check("crime_group", fields.choice, crime_group, CRIME_GROUPS, "crime group")
        elif kind in NEEDS_CRIME_GROUP:
            p.add("crime_group", f"is required for an event of kind {kind}")
        category = p.check("category", fields.text, values["category"])
        area = values["area"].strip()
        if area and area not in self.codes.areas:
            p.add("area", f"{area!r} is not a known area (one of: {', '.join(sorted(self.codes.areas))})")
        flags = [f.strip() for f in values["flags"].split(";") if f.strip()]
        unknown = [f for f in flags if f not in FLAGS]
        if unknown:
            p.add("flags", f"unknown flag(s) {', '.join(map(repr, unknown))} (known: {', '.join(EVENT_FLAGS)})")
        p.check("flags", fields.text, values["flags"])
        disposal = values["disposal"].strip()
        if disposal:
            p.check("disposal", fields.choice, disposal, DISPOSALS, "disposal")
        elif kind == EventKind.CONVICTION:
            p.add("disposal", "is required for a conviction")
        offence_date = p.check("offence_date", fields.optional_date, values["offence_date"])
        p.raise_if_any()
        occurred_at, occurred_on = occurred
        clean = {
            "agency": agency, "event_ref": event_ref, "person_ref": person_ref, "kind": kind,
            "occurred_at": occurred_at, "occurred_on": occurred_on, "crime_group": crime_group,
            "category": category, "area": area, "flags": ";".join(sorted(set(flags))),
            "disposal": disposal, "offence_date": offence_date,
        }
        return (agency, event_ref), clean

    @transaction.atomic
    def write(self, batch: list[Pending], run_id: int) -> BatchResult:
        result = BatchResult()
        people = resolve_person_refs((i.clean["agency"], i.clean["person_ref"]) for i in batch)
        ready: list[tuple[Pending, tuple[int, int]]] = []
        for item in batch:
            ref = (item.clean["agency"], item.clean["person_ref"])
            if ref not in people:
                result.rejected.append((item, "person_ref", unknown_person_reason(*ref)))
            else:
                ready.append((item, people[ref]))
        existing = self._existing(i.key for i, _ in ready)
        to_create: list[Event] = []
        for item, (record_id, person_id) in ready:
            event = self._event(item, record_id, person_id)
            old = existing.get(item.key)
            if old is None:
                to_create.append(event)
            elif old.content_hash == item.content_hash and old.record_id == record_id:
                result.unchanged += 1
            else:
                SupersededRow.objects.create(
                    run_id=run_id, kind=self.kind, key="/".join(item.key), content=as_row(old)
                )
                event.pk = old.pk
                event.save(update_fields=UPDATABLE)
                result.updated += 1
        Event.objects.bulk_create(to_create, batch_size=2000)
        result.created += len(to_create)
        return result

    @staticmethod
    def _existing(keys: Any) -> dict[tuple[str, ...], Event]:
        by_agency: dict[str, list[str]] = {}
        for agency, ref in keys:
            by_agency.setdefault(agency, []).append(ref)
        found: dict[tuple[str, ...], Event] = {}
        for agency, refs in by_agency.items():
            for start in range(0, len(refs), 900):
                for event in Event.objects.filter(
                    agency_id=agency, event_ref__in=refs[start : start + 900]
                ).select_related("record"):
                    found[(agency, event.event_ref)] = event
        return found

    @staticmethod
    def _event(item: Pending, record_id: int, person_id: int) -> Event:
        c = item.clean
        return Event(
            agency_id=c["agency"], event_ref=c["event_ref"], record_id=record_id,
            person_id=person_id, kind=c["kind"], occurred_at=c["occurred_at"],
            occurred_on=c["occurred_on"], crime_group=c["crime_group"],
            category=c["category"], area_id=c["area"] or None, flags=c["flags"],
            disposal=c["disposal"], offence_date=c["offence_date"],
            content_hash=item.content_hash,
        )


def as_row(event: Event) -> dict[str, str]:
    """An event as an events.csv row (occurred_at with its offset)."""
    return {
        "agency": event.agency_id,
        "event_ref": event.event_ref,
        "person_ref": event.record.person_ref,
        "kind": event.kind,
        "occurred_at": event.occurred_at.astimezone(fields.LONDON).isoformat(),
        "crime_group": event.crime_group,
        "category": event.category,
        "area": event.area_id or "",
        "flags": event.flags,
        "disposal": event.disposal,
        "offence_date": event.offence_date.isoformat() if event.offence_date else "",
    }
