"""An agency's own duplicates: two or more of its records that Pathways holds to be one
person (INTERCHANGE.md, people.csv "Key"). Pathways never changes an agency's references;
it tells the agency, which merges them at source.

Of a person's records of one agency, the *first* is the earliest Pathways received
(`created_at`; ties, as in one import, by `person_ref`); each later one is a duplicate of
it, one row of `pathways export duplicates --agency CODE`:
`agency,person_ref,duplicate_of,person_id,link_confidence`, ordered by person, then as
the first is chosen. A data quality officer marks each pair as sent to the agency
(`DuplicateSent`); a pair that is no longer one person (split since) drops off the list,
and a pair whose first record changed is a new pair.

Set-based: one query finds the rows, streamed in chunks for the export; a page's second
records and marks are read in one query each.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO, TypedDict

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery

from pathways.linkage.internals.export import CHUNK_SIZE, format_confidence
from pathways.linkage.models import DuplicateSent
from pathways.partners.models import Agency
from pathways.people.models import AgencyRecord


class _First(TypedDict):
    first_id: int  # the person's first record of the agency
    first_ref: str  # its person_ref


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # A record of `agency_duplicates`, with its first record's id and reference.
    Duplicate = WithAnnotations[AgencyRecord, _First]

COLUMNS = ("agency", "person_ref", "duplicate_of", "person_id", "link_confidence")
# The order in which a person's records of one agency came: the first is the original.
FIRST_ORDER = ("created_at", "person_ref")


class UnknownAgency(LookupError):
    """No agency of the partnership has this code."""


def agency_named(code: str) -> Agency:
    """The agency with `code`; raises UnknownAgency naming the codes there are."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        known = ", ".join(Agency.objects.order_by("code").values_list("code", flat=True))
        raise UnknownAgency(f"no agency has the code {code!r} (the agencies: {known})")
    return agency


def agency_duplicates(agency: str) -> QuerySet[Duplicate]:
    """The agency's records that are one person with an earlier record of the agency:
    every record of a person after their first of the agency, annotated with the first's
    id and reference (`first_id`, `first_ref`), ordered by person id, then by
    FIRST_ORDER. A lazy query (for the caller to page or stream)."""
    theirs = AgencyRecord.objects.filter(agency_id=agency)
    # Only people with two or more of the agency's records need their first looked up.
    people = (
        theirs.values("person_id")
        .annotate(records=Count("pk"))
        .filter(records__gte=2)
        .values("person_id")
    )
    first = theirs.filter(person_id=OuterRef("person_id")).order_by(*FIRST_ORDER)
    return (
        theirs.filter(person_id__in=people)
        .annotate(
            first_id=Subquery(first.values("pk")[:1]),
            first_ref=Subquery(first.values("person_ref")[:1]),
        )
        .exclude(first_id=F("pk"))
        .order_by("person_id", *FIRST_ORDER)
    )


def with_state(duplicates: QuerySet[Duplicate], *, sent: bool) -> QuerySet[Duplicate]:
    """Only the pairs of `duplicates` marked as sent to the agency (`sent`), or only
    those not yet marked."""
    marked = Exists(
        DuplicateSent.objects.filter(record=OuterRef("pk"), duplicate_of=OuterRef("first_id"))
    )
    return duplicates.filter(marked if sent else ~marked)


def duplicate_rows(agency: str) -> Iterator[list[str]]:
    """The rows of COLUMNS for `agency`, as text, streamed from the database in chunks.
    The query is made now, the rows read as the caller iterates."""
    rows = agency_duplicates(agency).values_list(
        "agency_id", "person_ref", "first_ref", "person_id", "link_confidence"
    )
    return (
        [code, ref, first_ref, str(person), format_confidence(confidence)]
        for code, ref, first_ref, person, confidence in rows.iterator(chunk_size=CHUNK_SIZE)
    )


def write_duplicates_csv(handle: TextIO, agency: str) -> int:
    """Write the agency's duplicates (header and rows) to `handle`; the number of rows.
    An interchange export, read by programs: values exactly as stored."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in duplicate_rows(agency):
        writer.writerow(row)
        count += 1
    return count


@dataclass(frozen=True)
class DuplicatePair:
    """A duplicate record beside its person's first record of the agency, and the mark
    that the agency was told (None: not yet)."""

    record: AgencyRecord
    first: AgencyRecord
    sent: DuplicateSent | None


def pairs_of(duplicates: Iterable[Duplicate]) -> list[DuplicatePair]:
    """Rows of `agency_duplicates` (a page of them) with their first records and marks,
    read in one query each."""
    rows = list(duplicates)
    firsts = AgencyRecord.objects.in_bulk([r.first_id for r in rows])
    marks = {
        (m.record_id, m.duplicate_of_id): m
        for m in DuplicateSent.objects.select_related("sent_by").filter(
            record_id__in=[r.pk for r in rows]
        )
    }
    return [DuplicatePair(r, firsts[r.first_id], marks.get((r.pk, r.first_id))) for r in rows]


@dataclass(frozen=True)
class Marked:
    """What marking pairs as sent did: the pairs newly marked, those marked before, and
    those no longer pairs of the agency (split since, or their first record changed);
    each pair as (record id, first record id)."""

    new: list[tuple[int, int]]
    before: list[tuple[int, int]]
    gone: list[tuple[int, int]]
    # The people of the pairs marked now or before.
    people: set[int]


def mark_sent(agency: str, pairs: Iterable[tuple[int, int]], *, by: User) -> Marked:
    """Mark the agency's `pairs` (duplicate record id, first record id) as sent by `by`,
    now. Idempotent: a pair marked before keeps its first mark; a pair that is no longer
    one of the agency's duplicates is not marked."""
    asked = list(dict.fromkeys(pairs))
    with transaction.atomic():
        current = {
            (pk, first): person
            for pk, first, person in agency_duplicates(agency)
            .filter(pk__in=[pk for pk, _ in asked])
            .values_list("pk", "first_id", "person_id")
        }
        held = [pair for pair in asked if pair in current]
        before = set(
            DuplicateSent.objects.filter(record_id__in=[pk for pk, _ in held]).values_list(
                "record_id", "duplicate_of_id"
            )
        )
        new = [pair for pair in held if pair not in before]
        # Two officers marking at once: the second's rows are ignored, not an error.
        DuplicateSent.objects.bulk_create(
            [DuplicateSent(record_id=pk, duplicate_of_id=first, sent_by=by) for pk, first in new],
            ignore_conflicts=True,
        )
    return Marked(
        new=new,
        before=[pair for pair in held if pair in before],
        gone=[pair for pair in asked if pair not in current],
        people={current[pair] for pair in held},
    )
