"""Writing what the door showed to the access audit: whose data, which categories, on
what basis, or that it refused.

Every function of the door ends in one of these: a look at one person (`look`), a list
of several (`looks`), or a refusal (`refusal`), which the audit records exactly like a
look at no one, so that "not allowed" and "not there" stay the same to the user.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pathways.audit.log import record_access
from pathways.partners.memberships import User
from pathways.people.models import Person
from pathways.sharing.policy import grants_holding, grounds

NOT_FOUND = "No person with that id, or you may not see them."
REFUSED_BASIS = "no role rule or agreement lets this user see this person"
LIST_BASIS = "the people shown are those the user's grants open"


def look(
    user: User,
    person: Person,
    *,
    action: str,
    shown: Mapping[str, Iterable[str]],
    purpose: str = "",
    detail: str = "",
    when_nothing_holds: str = "",
) -> None:
    """Audit a look at one person that showed `shown`: each category, with the agencies
    whose data of it was shown. The basis names the role rules and agreements that opened
    exactly those (an agreement that opened a provider's contacts, say, though the
    provider holds no record of the person); failing that, those of the same agencies
    that hold for the person (a name shown under an agreement that opens only their
    overdoses); failing that, any that hold; failing that (a step that ended the user's
    access, shown its result), `when_nothing_holds`."""
    categories = {category: set(sources) for category, sources in shown.items() if sources}
    holding = grants_holding(user, person)
    agencies = set().union(*categories.values())
    on = (
        grounds(user, person, categories)
        or [g for g in holding if g.source in agencies]
        or list(holding)
    )
    record_access(
        user,
        action=action,
        allowed=True,
        person_id=person.pk,
        categories=categories,
        purpose=purpose or "; ".join(dict.fromkeys(g.purpose for g in on)),
        basis="; ".join(dict.fromkeys(g.basis for g in on)) or when_nothing_holds,
        detail=detail,
    )


def looks(
    user: User,
    person_ids: Iterable[int],
    *,
    action: str,
    categories: Iterable[str],
    purpose: str,
    detail: str = "",
    basis: str = LIST_BASIS,
) -> None:
    """Audit a list that showed several people (a search, a queue, an inbox)."""
    record_access(
        user,
        action=action,
        allowed=True,
        person_ids=person_ids,
        categories=categories,
        purpose=purpose,
        basis=basis,
        detail=detail,
    )


def refusal(user: User, *, action: str, person_id: int | None = None, detail: str = "") -> None:
    """Audit a refused look (the user is answered "not found")."""
    record_access(
        user,
        action=action,
        allowed=False,
        person_id=person_id,
        basis=REFUSED_BASIS,
        detail=detail,
    )
