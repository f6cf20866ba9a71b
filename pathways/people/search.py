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


def search_people(user: User, query: str, limit: int = 25) -> QuerySet[Person]:
    """People visible to `user` matching every word of `query`.

    A word matches an agency reference exactly, a date of birth, or the start of a
    given or family name in any of the person's records (accents and case ignored).
    """
    words = query.split()
    if not words:
        return Person.objects.none()
    people = visible_people(user)
    for word in words[:6]:
        day = parse_search_date(word)
        if day is not None:
            people = people.filter(
                Exists(AgencyRecord.objects.filter(person=OuterRef("pk"), date_of_birth=day))
            )
            continue
        key = name_key(word)
        condition = Q(person_ref__iexact=word)
        if key:
            condition |= Q(family_key__startswith=key) | Q(given_key__startswith=key)
        people = people.filter(
            Exists(AgencyRecord.objects.filter(condition, person=OuterRef("pk")))
        )
    return people.order_by("family_name", "given_name", "pk")[:limit]
