"""Finding people by name, date of birth or agency reference, within what a user may see."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Exists, OuterRef, Q, QuerySet

from pathways.events.imports.fields import name_key
from pathways.people.models import AgencyRecord, Person
from pathways.sharing.policy import User, visible_people

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


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


# Candidates are checked against the policy in growing batches, in name order, until
# enough are visible: the cost follows the page of results, not the number of matches.
FIRST_BATCH = 100
BATCH_GROWTH = 4


def _candidate_branches(word: str) -> list[QuerySet[AgencyRecord, int]]:
    """Queries of the person ids whose records match the word, each in the order of an
    index it can walk: family names, then given names, then references (or dates)."""
    records = AgencyRecord.objects.all()
    day = parse_search_date(word)
    if day is not None:
        by_day = records.filter(date_of_birth=day).order_by("family_key", "given_key", "person_id")
        return [by_day.values_list("person_id", flat=True)]
    branches = []
    key = name_key(word)
    if key:
        branches.append(
            records.filter(family_key__startswith=key).order_by(
                "family_key", "given_key", "person_id"
            )
        )
        branches.append(
            records.filter(given_key__startswith=key).order_by(
                "given_key", "family_key", "person_id"
            )
        )
    branches.append(
        records.filter(person_ref__in=sorted({word, word.upper()})).order_by("person_id")
    )
    return [branch.values_list("person_id", flat=True) for branch in branches]


def _word_condition(word: str) -> Q:
    """Records matching one word: a date of birth, an agency reference as typed or in
    capitals, or the start of a given or family name (accents and case ignored)."""
    day = parse_search_date(word)
    if day is not None:
        return Q(date_of_birth=day)
    condition = Q(person_ref__in=sorted({word, word.upper()}))
    key = name_key(word)
    if key:
        condition |= Q(family_key__startswith=key) | Q(given_key__startswith=key)
    return condition


def search_people(user: User, query: str, limit: int = 25) -> list[Person]:
    """Up to `limit` people visible to `user` matching every word of `query` (at most
    six words), ordered by family name and given name.

    A word matches an agency reference exactly, a date of birth, or the start of a
    given or family name in any of the person's records (accents and case ignored).
    The longest name-like word finds candidates by index, in name order; each batch of
    candidates is narrowed by the other words and by the sharing policy in one query,
    and the walk stops once `limit` people are found.
    """
    words = query.split()[:6]
    if not words:
        return []
    names = [w for w in words if parse_search_date(w) is None]
    lead = max(names, key=len) if names else words[0]
    narrowed = visible_people(user)
    for word in words:
        if word is not lead:
            narrowed = narrowed.filter(
                Exists(AgencyRecord.objects.filter(_word_condition(word), person=OuterRef("pk")))
            )
    found: dict[int, Person] = {}
    seen: set[int] = set()
    for branch in _candidate_branches(lead):
        start, size = 0, FIRST_BATCH
        while len(found) < limit:
            batch = list(branch[start : start + size])
            if not batch:
                break
            start += size
            size *= BATCH_GROWTH
            fresh = [pk for pk in dict.fromkeys(batch) if pk not in seen]
            seen.update(fresh)
            if fresh:
                for person in narrowed.filter(pk__in=fresh):
                    found[person.pk] = person
        if len(found) >= limit:
            break
    people = sorted(found.values(), key=lambda p: (p.family_name, p.given_name, p.pk))
    return people[:limit]
