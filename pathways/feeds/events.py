"""events.csv: offences, custody episodes, overdoses, ASB, convictions, concerns."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import connection, transaction

from pathways.bulk_load import bulk_load_pays, indexes_set_aside
from pathways.events.models import EVENT_FLAGS, CrimeGroup, Disposal, Event, EventKind
from pathways.feeds import fields
from pathways.feeds.formats import EVENT_COLUMNS
from pathways.feeds.models import SupersededRow
from pathways.feeds.records import unknown_person_reason
from pathways.feeds.sinks import Progress, Reject, conflict_reason
from pathways.feeds.specs import Codes, Pending, ProblemList

KINDS = frozenset(k.value for k in EventKind)
CRIME_GROUPS = frozenset(c.value for c in CrimeGroup)
DISPOSALS = frozenset(d.value for d in Disposal)
FLAGS = frozenset(EVENT_FLAGS)
NEEDS_CRIME_GROUP = {EventKind.OFFENCE.value, EventKind.CONVICTION.value}


class EventsSpec:
    kind = "events"
    key_column = "event_ref"
    columns = EVENT_COLUMNS
    required = ("agency", "event_ref", "person_ref", "kind", "occurred_at")

    def __init__(self, codes: Codes) -> None:
        self.codes = codes
        self.postgres = connection.vendor == "postgresql"

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        fast = self._clean_valid(values)
        if fast is not None:
            return fast
        return self._clean_with_reasons(values)

    def _clean_valid(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]] | None:
        """The common case, quickly: a row with nothing wrong, or None to look closer.

        Must accept exactly what `_clean_with_reasons` accepts, with the same result
        (a property test holds them together).
        """
        agency = values["agency"].strip()
        event_ref = values["event_ref"].strip()
        person_ref = values["person_ref"].strip()
        kind = values["kind"].strip()
        crime_group = values["crime_group"].strip()
        category = values["category"].strip()
        area = values["area"].strip()
        disposal = values["disposal"].strip()
        flags_raw = values["flags"]
        if not (
            agency in self.codes.agencies
            and 0 < len(event_ref) <= fields.REF_MAX
            and 0 < len(person_ref) <= fields.REF_MAX
            and kind in KINDS
            and (crime_group in CRIME_GROUPS if crime_group else kind not in NEEDS_CRIME_GROUP)
            and len(category) <= fields.TEXT_MAX
            and (not area or area in self.codes.areas)
            and (disposal in DISPOSALS if disposal else kind != EventKind.CONVICTION)
            and len(flags_raw.strip()) <= fields.TEXT_MAX
            and not values["offence_date"].strip()
        ):
            return None
        flags = [f.strip() for f in flags_raw.split(";") if f.strip()] if flags_raw else []
        if any(f not in FLAGS for f in flags):
            return None
        try:
            occurred_at, occurred_on = fields.parse_occurred_at(values["occurred_at"])
        except fields.BadValue:
            return None
        return _cleaned(
            agency, event_ref, person_ref, kind, (occurred_at, occurred_on), crime_group,
            category, area, flags, disposal, None,
        )  # fmt: skip

    def _clean_with_reasons(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
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
            p.add(
                "area",
                f"{area!r} is not a known area (one of: {', '.join(sorted(self.codes.areas))})",
            )
        flags = [f.strip() for f in values["flags"].split(";") if f.strip()]
        unknown = [f for f in flags if f not in FLAGS]
        if unknown:
            p.add(
                "flags",
                f"unknown flag(s) {', '.join(map(repr, unknown))} "
                f"(known: {', '.join(EVENT_FLAGS)})",
            )
        p.check("flags", fields.text, values["flags"])
        disposal = values["disposal"].strip()
        if disposal:
            p.check("disposal", fields.choice, disposal, DISPOSALS, "disposal")
        elif kind == EventKind.CONVICTION:
            p.add("disposal", "is required for a conviction")
        offence_date = p.check("offence_date", fields.optional_date, values["offence_date"])
        p.raise_if_any()
        return _cleaned(
            agency, event_ref, person_ref, kind, occurred, crime_group, category, area, flags,
            disposal, offence_date,
        )  # fmt: skip

    def staging_columns(self) -> list[tuple[str, str]]:
        moment, day = ("timestamptz", "date") if self.postgres else ("text", "text")
        return [
            ("line", "integer"),
            ("agency", "text"),
            ("event_ref", "text"),
            ("person_ref", "text"),
            ("kind", "text"),
            ("occurred_at", moment),
            ("occurred_on", day),
            ("crime_group", "text"),
            ("category", "text"),
            ("area", "text"),
            ("flags", "text"),
            ("disposal", "text"),
            ("offence_date", day),
            ("content_hash", "text"),
            ("occurred_raw", "text"),
            ("flags_raw", "text"),
            ("source_hash", "text"),
        ]

    def staged_row(self, item: Pending) -> tuple[Any, ...]:
        c = item.clean
        if self.postgres:
            moment: Any = c["occurred_at"]
            day: Any = c["occurred_on"]
            offence: Any = c["offence_date"]
        else:
            # As Django stores them in SQLite: UTC without offset, ISO with a space.
            moment = c["occurred_at"].astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
            day = c["occurred_on"].isoformat()
            offence = c["offence_date"].isoformat() if c["offence_date"] else None
        return (
            item.line,
            c["agency"],
            c["event_ref"],
            c["person_ref"],
            c["kind"],
            moment,
            day,
            c["crime_group"],
            c["category"],
            c["area"] or None,
            c["flags"],
            c["disposal"],
            offence,
            item.content_hash,
            item.raw["occurred_at"],
            item.raw["flags"],
            source_hash(item.raw),
        )

    def merge(
        self, table: str, reject: Reject, run_id: int, progress: Progress | None
    ) -> dict[str, int]:
        """Write the staged events in one transaction: a few set-based statements."""
        with transaction.atomic(), connection.cursor() as cursor:
            if not self.postgres:
                cursor.execute(f"CREATE INDEX {table}_key ON {table} (agency, event_ref)")
            else:
                # Temporary tables are never analysed automatically: without statistics
                # the planner takes a million staged rows for a handful. Hash joins and
                # grouping over them want more than the default 4 MB of working memory.
                cursor.execute(f"ANALYZE {table}")
                cursor.execute("SET LOCAL work_mem = '256MB'")
            repeats = self._set_aside_repeats(cursor, table, reject)
            if progress:
                progress(0, 4, "matching people")
            unknown = """NOT EXISTS (SELECT 1 FROM people_agencyrecord r
                WHERE r.agency_id = s.agency AND r.person_ref = s.person_ref)"""
            cursor.execute(f"SELECT {STAGE_ROW} FROM {table} s WHERE {unknown} ORDER BY s.line")
            for row in cursor.fetchall():
                values = _row_values(row)
                reject(
                    row[0],
                    "person_ref",
                    "person_ref: " + unknown_person_reason(values["agency"], values["person_ref"]),
                    values,
                )
            cursor.execute(
                f"DELETE FROM {table} WHERE line IN (SELECT s.line FROM {table} s WHERE {unknown})"
            )
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            staged = cursor.fetchone()[0]
            if progress:
                progress(1, 4, "keeping previous versions")
            joined = f"""SELECT s.*, r.id AS rec, r.person_id AS pid FROM {table} s
                JOIN people_agencyrecord r
                ON r.agency_id = s.agency AND r.person_ref = s.person_ref"""
            changed = """(e.content_hash <> src.content_hash OR e.record_id <> src.rec)"""
            matches = f"""events_event e JOIN ({joined}) src
                ON e.agency_id = src.agency AND e.event_ref = src.event_ref"""
            cursor.execute(
                f"SELECT COUNT(*), COALESCE(SUM(CASE WHEN {changed} THEN 1 ELSE 0 END), 0) "
                f"FROM {matches}"
            )
            matched, changing = cursor.fetchone()
            changed_ids: list[int] = []
            if changing:
                cursor.execute(f"SELECT e.id FROM {matches} WHERE {changed}")
                changed_ids = [r[0] for r in cursor.fetchall()]
            self._keep_previous(changed_ids, run_id)
            if progress:
                progress(2, 4, "updating")
            updated = 0
            if changed_ids:
                sets = ", ".join(f"{col} = src.{src}" for col, src in UPDATE_COLUMNS)
                cursor.execute(
                    f"""UPDATE events_event AS e SET {sets} FROM ({joined}) src
                    WHERE e.agency_id = src.agency AND e.event_ref = src.event_ref
                    AND {changed}"""
                )
                updated = cursor.rowcount
            if progress:
                progress(3, 4, "inserting")
            created = 0
            if staged > matched:
                # On PostgreSQL, ON CONFLICT rather than NOT EXISTS: a plan that scans
                # events_event for each row (chosen when its statistics say it is empty)
                # would re-read the rows this very statement adds, and never finish.
                new_only = (
                    "ON CONFLICT (agency_id, event_ref) DO NOTHING"
                    if self.postgres
                    else """WHERE NOT EXISTS (SELECT 1 FROM events_event e
                        WHERE e.agency_id = s.agency AND e.event_ref = s.event_ref)"""
                )
                insert = f"""INSERT INTO events_event ({", ".join(INSERT_COLUMNS)})
                    SELECT s.agency, s.event_ref, r.id, r.person_id, s.kind, s.occurred_at,
                        s.occurred_on, s.crime_group, s.category, s.area, s.flags, s.disposal,
                        s.offence_date, s.content_hash, s.source_hash
                    FROM {table} s JOIN people_agencyrecord r
                        ON r.agency_id = s.agency AND r.person_ref = s.person_ref
                    {new_only}"""
                if self.postgres and bulk_load_pays(cursor, staged - matched):
                    # With no staged reference stored yet, nothing can conflict.
                    fresh = matched == 0
                    if fresh:
                        insert = insert.replace(new_only, "")
                    with indexes_set_aside(cursor, progress, keep_unique=not fresh):
                        cursor.execute(insert)
                        created = cursor.rowcount
                else:
                    cursor.execute(insert)
                    created = cursor.rowcount
            if progress:
                progress(4, 4, "done")
        return {
            "created": created,
            "updated": updated,
            "unchanged": staged - created - updated + repeats,
        }

    @staticmethod
    def _set_aside_repeats(cursor: Any, table: str, reject: Reject) -> int:
        """Reject every row of a key given twice with different content; drop exact repeats.

        Returns the number of exact repeats (each counts as unchanged).
        """
        # Usually no key is repeated: one pass finds out, and the rest is skipped.
        cursor.execute(
            f"""SELECT EXISTS (SELECT 1 FROM {table}
            GROUP BY agency, event_ref HAVING COUNT(*) > 1)"""
        )
        if not cursor.fetchone()[0]:
            return 0
        conflicting = f"""(s.agency, s.event_ref) IN (SELECT agency, event_ref FROM {table}
            GROUP BY agency, event_ref HAVING COUNT(DISTINCT content_hash) > 1)"""
        cursor.execute(f"SELECT {STAGE_ROW} FROM {table} s WHERE {conflicting} ORDER BY s.line")
        for row in cursor.fetchall():
            reject(row[0], "event_ref", conflict_reason((row[1], row[2])), _row_values(row))
        cursor.execute(
            f"DELETE FROM {table} WHERE line IN (SELECT s.line FROM {table} s WHERE {conflicting})"
        )
        cursor.execute(
            f"""DELETE FROM {table} WHERE line NOT IN
            (SELECT MIN(line) FROM {table} GROUP BY agency, event_ref)"""
        )
        return int(cursor.rowcount)

    @staticmethod
    def _keep_previous(event_ids: list[int], run_id: int) -> None:
        for start in range(0, len(event_ids), 900):
            chunk = Event.objects.filter(pk__in=event_ids[start : start + 900]).select_related(
                "record"
            )
            SupersededRow.objects.bulk_create(
                SupersededRow(
                    run_id=run_id,
                    kind="events",
                    key=f"{e.agency_id}/{e.event_ref}",
                    content=as_row(e),
                )
                for e in chunk
            )


def _cleaned(
    agency: str,
    event_ref: str,
    person_ref: str,
    kind: str,
    occurred: tuple[dt.datetime, dt.date],
    crime_group: str,
    category: str,
    area: str,
    flags: list[str],
    disposal: str,
    offence_date: dt.date | None,
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """A checked row's key and clean values, in the fixed order content_hash() relies on."""
    clean = {
        "agency": agency,
        "event_ref": event_ref,
        "person_ref": person_ref,
        "kind": kind,
        "occurred_at": occurred[0],
        "occurred_on": occurred[1],
        "crime_group": crime_group,
        "category": category,
        "area": area,
        "flags": ";".join(sorted(set(flags))),
        "disposal": disposal,
        "offence_date": offence_date,
    }
    return (agency, event_ref), clean


STAGE_ROW = (
    "s.line, s.agency, s.event_ref, s.person_ref, s.kind, s.occurred_raw, s.crime_group, "
    "s.category, s.area, s.flags_raw, s.disposal, s.offence_date"
)
UPDATE_COLUMNS = [
    ("record_id", "rec"),
    ("person_id", "pid"),
    ("kind", "kind"),
    ("occurred_at", "occurred_at"),
    ("occurred_on", "occurred_on"),
    ("crime_group", "crime_group"),
    ("category", "category"),
    ("area_id", "area"),
    ("flags", "flags"),
    ("disposal", "disposal"),
    ("offence_date", "offence_date"),
    ("content_hash", "content_hash"),
    ("source_hash", "source_hash"),
]
INSERT_COLUMNS = [
    "agency_id",
    "event_ref",
    "record_id",
    "person_id",
    "kind",
    "occurred_at",
    "occurred_on",
    "crime_group",
    "category",
    "area_id",
    "flags",
    "disposal",
    "offence_date",
    "content_hash",
    "source_hash",
]


def source_hash(values: dict[str, str]) -> str:
    """A fingerprint of an events.csv row exactly as sent (every column, untrimmed, a
    left-out column as empty): 16 hex digits of the MD5 of the values joined by \\x1f.

    events_copy.py computes the same in SQL.
    """
    text = "\x1f".join(values[c] for c in EVENT_COLUMNS)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def _row_values(row: tuple[Any, ...]) -> dict[str, str]:
    """A staged row back as the file's columns, for the rejected-rows record."""
    return {n: "" if v is None else str(v) for n, v in zip(EVENT_COLUMNS, row[1:], strict=True)}


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
