"""Finding people by name, date of birth or agency reference, within what a user may see."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

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


def _candidates(word: str) -> QuerySet[AgencyRecord, Any]:
    """The ids of people with a record matching the word, as one index scan per branch
    (a UNION: an OR of the branches would make the database read every record)."""
    day = parse_search_date(word)
    if day is not None:
        return AgencyRecord.objects.filter(date_of_birth=day).values("person_id")
    by_ref = AgencyRecord.objects.filter(person_ref__in=sorted({word, word.upper()}))
    key = name_key(word)
    if not key:
        return by_ref.values("person_id")
    return by_ref.values("person_id").union(
        AgencyRecord.objects.filter(family_key__startswith=key).values("person_id"),
        AgencyRecord.objects.filter(given_key__startswith=key).values("person_id"),
    )


def _word_condition(word: str) -> Q:
    """Records matching one word: a date of birth, an agency reference as typed or in
    capitals, or the start of a given or family name (accents and case ignored). Each
    branch has an index, so the database can find the records without reading them all."""
    day = parse_search_date(word)
    if day is not None:
        return Q(date_of_birth=day)
    condition = Q(person_ref__in=sorted({word, word.upper()}))
    key = name_key(word)
    if key:
        condition |= Q(family_key__startswith=key) | Q(given_key__startswith=key)
    return condition


def search_people(user: User, query: str, limit: int = 25) -> QuerySet[Person]:
    """People visible to `user` matching every word of `query` (at most six words).

    A word matches an agency reference exactly, a date of birth, or the start of a
    given or family name in any of the person's records (accents and case ignored).
    The first name-like word finds the candidates by index; the other words and the
    sharing policy then narrow those down, so the cost follows the matches, not the
    number of people.
    """
    words = query.split()[:6]
    if not words:
        return Person.objects.none()
    names = [w for w in words if parse_search_date(w) is None]
    lead = max(names, key=len) if names else words[0]
    people = visible_people(user).filter(pk__in=_candidates(lead))
    for word in words:
        if word is lead:
            continue
        people = people.filter(
            Exists(AgencyRecord.objects.filter(_word_condition(word), person=OuterRef("pk")))
        )
    return people.order_by("family_name", "given_name", "pk")[:limit]
