"""Finding people by name, date of birth or agency reference, within what a user may see:
the door's search (`find_people`, audited), for the search page and the API.

Results come in this order: people with an agency reference equal to a word; then
people whose records' family name starts with the word (by family name, given name,
date of birth); then those whose given name starts with it (by given name, family name,
date of birth). Each part is read from an index in that order, and the sharing policy is
asked of each record as it is read, so the database stops after a page of people the
user may see: a common surname among a million people costs a page, not every Smith.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OrderBy, OuterRef, Q, QuerySet

from pathways.access.looks import looks
from pathways.people.models import AgencyRecord, Person
from pathways.people.names import name_key
from pathways.people.scoping import door_open
from pathways.sharing.grants import grants_of
from pathways.sharing.policy import User, visible_people, visible_record_list

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
MAX_WORDS = 6


def parse_search_date(token: str) -> dt.date | None:
    """A date typed as 2004-03-12 or 12/03/2004 (day first, as written in the UK)."""
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", token):
            return dt.date.fromisoformat(token)
        match = _DMY.match(token)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def _after_prefix(key: str) -> str | None:
    """The least string above every string starting with `key` (None: no such bound).

    Keys are lower-case letters and digits, so the range [key, after) holds exactly the
    keys starting with `key`, and a plain index can both find and order them.
    """
    while key:
        last = ord(key[-1])
        if last < 0x10FFFF:
            return key[:-1] + chr(last + 1)
        key = key[:-1]
    return None


def _starting_with(field: str, key: str) -> Q:
    """Records whose `field` starts with `key`, written as a range an index can walk."""
    condition = Q(**{f"{field}__gte": key, f"{field}__startswith": key})
    after = _after_prefix(key)
    if after is not None:
        condition &= Q(**{f"{field}__lt": after})
    return condition


def _reference_q(word: str, agencies: list[str]) -> Q:
    """Records whose agency reference is the word (as typed or in capitals), of the
    agencies whose identity data the user's grants may open: a reference another agency
    holds must not find (and so confirm) anyone."""
    return Q(person_ref__in=sorted({word, word.upper()}), agency_id__in=agencies)


def _word_condition(word: str, agencies: list[str]) -> Q:
    """Records matching one word: a date of birth, an agency reference as typed or in
    capitals (of `agencies`), or the start of a given or family name (accents and case
    ignored)."""
    day = parse_search_date(word)
    if day is not None:
        return Q(date_of_birth=day)
    condition = _reference_q(word, agencies)
    key = name_key(word)
    if key:
        condition |= _starting_with("family_key", key) | _starting_with("given_key", key)
    return condition


def _born() -> OrderBy:
    # NULLS LAST on every database: PostgreSQL's index order, asked of SQLite too.
    return F("date_of_birth").asc(nulls_last=True)


def _parts(lead: str, agencies: list[str]) -> list[tuple[Q, tuple[Any, ...]]]:
    """The ways the lead word finds records, each with the order its index reads them."""
    day = parse_search_date(lead)
    if day is not None:
        return [(Q(date_of_birth=day), ("family_key", "given_key", "person_id"))]
    parts: list[tuple[Q, tuple[Any, ...]]] = [
        (_reference_q(lead, agencies), ("agency_id", "person_ref"))
    ]
    key = name_key(lead)
    if key:
        parts += [
            (_starting_with("family_key", key), ("family_key", "given_key", _born(), "person_id")),
            (_starting_with("given_key", key), ("given_key", "family_key", _born(), "person_id")),
        ]
    return parts


def _person_ids_in_order(
    records: QuerySet[AgencyRecord], order: tuple[Any, ...], first: int
) -> Iterator[int]:
    """Person ids of the records in index order, read `first` and then ever larger
    slices (a person with several matching records comes more than once; the caller
    keeps the first)."""
    ordered = records.order_by(*order).values_list("person_id", flat=True)
    start, size = 0, first
    while True:
        batch = list(ordered[start : start + size])
        yield from batch
        if len(batch) < size:
            return
        start += size
        size *= 4


def search_people(user: User, query: str, limit: int = 25) -> list[Person]:
    """At most `limit` people visible to `user` matching every word of `query` (at most
    six words), in the order the module describes.

    A word matches an agency reference exactly, a date of birth, or the start of a
    given or family name in any of the person's records (accents and case ignored).
    The longest name-like word leads: its index is walked in order; the other words and
    the sharing policy are checked on each record read.
    """
    words = query.split()[:MAX_WORDS]
    if not words or limit <= 0:
        return []
    names = [w for w in words if parse_search_date(w) is None]
    lead = max(names, key=len) if names else words[0]
    agencies = sorted({g.source for g in grants_of(user) if "identity" in g.categories})
    conditions = [
        Exists(visible_people(user).filter(pk=OuterRef("person_id"))),
        *(
            Exists(
                AgencyRecord.objects.filter(
                    _word_condition(w, agencies), person=OuterRef("person_id")
                )
            )
            for w in words
            if w is not lead
        ),
    ]
    found: dict[int, None] = {}
    for finds, order in _parts(lead, agencies):
        records = AgencyRecord.objects.filter(finds, *conditions)
        for person_id in _person_ids_in_order(records, order, first=limit - len(found)):
            found.setdefault(person_id, None)
            if len(found) == limit:
                break
        if len(found) == limit:
            break
    people = Person.objects.in_bulk(list(found))
    return [people[pk] for pk in found]


@dataclass(frozen=True)
class Found:
    """A page of a search's people, in order; whether more matched; and, for each
    person shown, the latest agency record the user may see (postcode and reference,
    to tell people of one name apart), where there is one."""

    people: list[Person]
    more: bool
    latest: dict[int, AgencyRecord] = field(default_factory=dict)
    page: int = 1


def _latest_records(user: User, people: list[Person]) -> dict[int, AgencyRecord]:
    """Each person's most recently updated record that the user may see: one query."""
    latest: dict[int, AgencyRecord] = {}
    records = visible_record_list(user, [p.pk for p in people]).select_related("agency")
    for record in records.order_by("person_id", "-updated_at", "-pk"):
        latest.setdefault(record.person_id, record)
    return latest


def find_people(user: User, query: str, *, limit: int = 25, page: int = 1) -> Found:
    """Page `page` of the people `search_people` finds for `user`, `limit` to a page;
    audited: the query as typed (the audit must show what was looked for), the page and
    the people shown (with the records that tell them apart, identity)."""
    page = max(1, page)
    with door_open():
        found = search_people(user, query, limit=page * limit + 1)
        people = found[(page - 1) * limit : page * limit]
        latest = _latest_records(user, people)
    more = len(found) > page * limit
    looks(
        user,
        [p.pk for p in people],
        action="search",
        categories={"identity"},
        purpose="finding a person",
        detail=f"{len(people)}{'+' if more else ''} result(s)"
        + (f", page {page}" if page > 1 else "")
        + f" for: {query}",
    )
    return Found(people, more, latest, page)
