"""The sharing policy: what of a person's data a user may see.

Every query for people, their records, events and referrals that a user may see is
built here from the user's grants (`sharing.grants`: role rules and agreements) and
filtered by the database. `decide` answers the same question for one person and one
category, naming the rule or agreement that allows it. The door (`pathways.access`)
fetches what the pages, the API and exports show through these functions, and audits
it; the alert scan asks `decide` whom it may tell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet

from pathways.events.models import Event
from pathways.partners.memberships import User
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Referral
from pathways.sharing.grants import (
    Grant,
    category_of,
    event_kinds_by_category,
    grants_of,
    holds_data_q,
    kept_case_q,
)
from pathways.sharing.models import Condition

__all__ = [
    "Decision",
    "User",
    "category_of_kind",
    "category_rows_q",
    "decide",
    "events_open_q",
    "grants_holding",
    "grounds",
    "own_agency_q",
    "person_if_visible",
    "referrals_open_q",
    "visible_events",
    "visible_people",
    "visible_record_list",
    "visible_records",
    "visible_referral_list",
    "visible_referrals",
]


@dataclass(frozen=True)
class Decision:
    """Whether a user may see a category of a person's data, and on what basis."""

    allowed: bool
    basis: str
    purpose: str = ""
    sources: frozenset[str] = frozenset()  # agencies whose data of the category is open


def _kinds(user: User) -> dict[str, tuple[str, ...]]:
    cached = getattr(user, "_pathways_kinds", None)
    if cached is None:
        cached = event_kinds_by_category()
        if getattr(user, "pk", None) is not None:
            user._pathways_kinds = cached  # type: ignore[union-attr]
    return cached


def category_of_kind(user: User, kind: str) -> str:
    """The data category an event kind belongs to (categories.toml); "" if none."""
    return category_of(kind, _kinds(user))


@dataclass(frozen=True)
class _ConditionGroup:
    """Grants that share a condition (and the services it looks at), asked as one:
    `when` is the condition in SQL (None: always), `holds` whether any of the grants'
    sources holds data of their categories on the person (None: none can)."""

    grants: tuple[Grant, ...]
    when: Q | None
    holds: Q | None


def _condition_groups(
    grants: Iterable[Grant], kinds: dict[str, tuple[str, ...]]
) -> list[_ConditionGroup]:
    """The user's grants grouped by condition, each group's sources merged into one
    `agency IN …` per set of categories: a few SQL expressions instead of one per grant,
    which keeps the query short to build and to plan."""
    by_condition: dict[tuple, list[Grant]] = defaultdict(list)
    for grant in grants:
        by_condition[(grant.condition, grant.services)].append(grant)
    groups = []
    for members in by_condition.values():
        sources: dict[tuple, set[str]] = defaultdict(set)
        for grant in members:
            sources[(grant.categories, grant.referral_services)].add(grant.source)
        holds: Q | None = None
        for (categories, referral_services), agencies in sources.items():
            part = holds_data_q(agencies, categories, referral_services, kinds)
            if part is not None:
                holds = part if holds is None else holds | part
        groups.append(_ConditionGroup(tuple(members), members[0].condition_q(), holds))
    return groups


def _people_q(grants: Iterable[Grant], kinds: dict[str, tuple[str, ...]]) -> Q | None:
    """SQL on Person: some grant's condition holds and its source holds data on them."""
    condition: Q | None = None
    for group in _condition_groups(grants, kinds):
        if group.holds is None:
            continue
        part = group.holds if group.when is None else group.when & group.holds
        condition = part if condition is None else condition | part
    return condition


def visible_people(user: User) -> QuerySet[Person]:
    """The people this user may see at all: some grant opens data held about them."""
    condition = _people_q(grants_of(user), _kinds(user))
    if condition is None:
        return Person.objects.none()
    return Person.objects.filter(condition)


def grants_holding(user: User, person: Person) -> tuple[Grant, ...]:
    """The user's grants whose condition holds for this person now: one query.

    Remembered on the person object (which lives for one request).
    """
    cached = getattr(person, "_pathways_holding", None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]
    found = _person_with_answers(user, person.pk)
    holding = found[1] if found else ()
    person._pathways_holding = (user.pk, holding)  # type: ignore[attr-defined]
    return holding


def person_if_visible(user: User, person_id: int) -> Person | None:
    """The person, if this user may see them at all (None: no such person, or not for
    this user); one query."""
    found = _person_with_answers(user, person_id)
    return found[0] if found is not None and found[2] else None


def _person_with_answers(
    user: User, person_id: int
) -> tuple[Person, tuple[Grant, ...], bool] | None:
    """The person, the grants whose condition holds for them, and whether the user may
    see them at all (some holding grant's source holds data on them): one query,
    asking of one person what `visible_people` asks of everyone."""
    grants = grants_of(user)
    groups = _condition_groups(grants, _kinds(user))
    asked: dict[str, Q] = {}
    for i, group in enumerate(groups):
        if group.when is not None:
            asked[f"when{i}"] = group.when
        if group.holds is not None:
            asked[f"holds{i}"] = group.holds
    person = (
        Person.objects.filter(pk=person_id)
        .annotate(
            **{name: ExpressionWrapper(q, output_field=BooleanField()) for name, q in asked.items()}
        )
        .first()
    )
    if person is None:
        return None
    answers = {name: bool(getattr(person, name)) for name in asked}
    holding_groups = [
        i for i, group in enumerate(groups) if group.when is None or answers[f"when{i}"]
    ]
    holds = {g for i in holding_groups for g in groups[i].grants}
    holding = tuple(g for g in grants if g in holds)  # in the grants' order: `decide`'s basis
    visible = any(answers.get(f"holds{i}", False) for i in holding_groups)
    person._pathways_holding = (user.pk, holding)  # type: ignore[attr-defined]
    return person, holding, visible


def decide(
    user: User,
    person: Person,
    category: str,
    purpose: str | None = None,
    *,
    source: str | None = None,
) -> Decision:
    """May `user` see `person`'s data of `category` (for `purpose`, if given; of the
    agency `source`, if given)?

    The basis names the first role rule or agreement that allows it; `sources` are all
    the agencies whose data of that category is open to the user about this person.
    """
    allowing = [
        g
        for g in grants_holding(user, person)
        if category in g.categories
        and (purpose is None or g.purpose == purpose)
        and (source is None or g.source == source)
    ]
    if not allowing:
        return Decision(False, f"no role rule or agreement opens {category} data to this user")
    first = allowing[0]
    return Decision(True, first.basis, first.purpose, frozenset(g.source for g in allowing))


def visible_records(user: User, person: Person) -> QuerySet[AgencyRecord]:
    """The person's agency records (identity) this user may see."""
    sources = {g.source for g in grants_holding(user, person) if "identity" in g.categories}
    return (
        AgencyRecord.objects.filter(person=person, agency_id__in=sorted(sources))
        .select_related("agency", "area")
        .order_by("agency_id", "person_ref")
    )


def _event_kinds(grant: Grant, kinds: dict[str, tuple[str, ...]]) -> set[str]:
    """The event kinds a grant opens (those of its categories)."""
    return {kind for category in grant.categories for kind in kinds.get(category, ())}


def _referrals_of(grant: Grant, prefix: str = "") -> Q:
    """SQL on rows naming a referral (`prefix`: the path to it): the referrals a grant
    with the referral category shows, those held by its source, to its services."""
    part = Q(**{f"{prefix}record__agency_id": grant.source})
    if grant.referral_services is not None:
        part &= Q(**{f"{prefix}service_id__in": sorted(grant.referral_services)})
    if grant.condition == Condition.WORKED_WITH:
        # A kept case shows the referrals the service worked, one by one: not the
        # person's other referrals to it (proposed, sent, opted out).
        part &= kept_case_q(f"{prefix}pk")
    return part


def visible_events(user: User, person: Person) -> QuerySet[Event]:
    """The person's events this user may see, newest first."""
    kinds = _kinds(user)
    opened: dict[str, set[str]] = defaultdict(set)
    for grant in grants_holding(user, person):
        opened[grant.source] |= _event_kinds(grant, kinds)
    condition = Q(pk__in=[])
    for source, source_kinds in sorted(opened.items()):
        if source_kinds:
            condition |= Q(agency_id=source, kind__in=sorted(source_kinds))
    return (
        Event.objects.filter(condition, person=person)
        .select_related("agency", "area")
        .order_by("-occurred_at", "-id")
    )


def visible_referrals(user: User, person: Person) -> QuerySet[Referral]:
    """The person's referrals this user may see (held by the referring agency)."""
    condition = Q(pk__in=[])
    for grant in grants_holding(user, person):
        if "referral" in grant.categories:
            condition |= _referrals_of(grant)
    return (
        Referral.objects.filter(condition, person=person)
        .select_related("service", "record")
        .order_by("-referred_on", "-id")
    )


def _when(grant: Grant, person: str) -> Q | None:
    """The grant's condition, asked of the person a row's `person` field names."""
    when = grant.condition_q()
    if when is None:
        return None
    return Q(Exists(Person.objects.filter(when, pk=OuterRef(person))))


def referrals_open_q(user: User, *, prefix: str = "") -> Q | None:
    """SQL on rows that name a referral (`prefix`: the path to it, "" on Referral
    itself): the referrals `visible_referrals` shows person by person, for lists.
    None: no referral is open to the user."""
    condition: Q | None = None
    for grant in grants_of(user):
        if "referral" not in grant.categories:
            continue
        part = _referrals_of(grant, prefix)
        when = _when(grant, f"{prefix}person_id")
        if when is not None:
            part &= when
        condition = part if condition is None else condition | part
    return condition


def events_open_q(user: User, *, person: str, agency: str, kind: str) -> Q | None:
    """SQL on rows that tell of an event (an alert, say): those whose event's category,
    from its agency, a grant whose condition holds for the row's person opens to the user
    (the fields name the row's person, the event's agency and its kind). None: none is."""
    kinds = _kinds(user)
    condition: Q | None = None
    for grant in grants_of(user):
        opened = sorted(_event_kinds(grant, kinds))
        if not opened:
            continue
        part = Q(**{agency: grant.source, f"{kind}__in": opened})
        when = _when(grant, person)
        if when is not None:
            part &= when
        condition = part if condition is None else condition | part
    return condition


def category_rows_q(user: User, category: str, *, agency: str, person: str) -> Q | None:
    """SQL on rows of a category held by an agency (justice social work's orders, court
    reports, plans, assessments): those a grant opening `category` from the row's agency
    (the field `agency`), whose condition holds for the row's person (`person`), opens to
    the user. None: none is."""
    condition: Q | None = None
    for grant in grants_of(user):
        if category not in grant.categories:
            continue
        part = Q(**{agency: grant.source})
        when = _when(grant, person)
        if when is not None:
            part &= when
        condition = part if condition is None else condition | part
    return condition


def own_agency_q(user: User, category: str, *, agency: str) -> Q | None:
    """SQL on rows of a category: those held by an agency whose role rule opens the
    category to the user (their own agency's records, in full). None: none is."""
    mine = sorted(
        {g.source for g in grants_of(user) if not g.agreement and category in g.categories}
    )
    return Q(**{f"{agency}__in": mine}) if mine else None


def visible_record_list(user: User, person_ids: Iterable[int]) -> QuerySet[AgencyRecord]:
    """The agency records (identity) of these people this user may see, as one query:
    what `visible_records` shows person by person, for lists of people."""
    condition: Q | None = None
    for grant in grants_of(user):
        if "identity" not in grant.categories:
            continue
        part = Q(agency_id=grant.source)
        when = _when(grant, "person_id")
        if when is not None:
            part &= when
        condition = part if condition is None else condition | part
    if condition is None:
        return AgencyRecord.objects.none()
    return AgencyRecord.objects.filter(condition, person_id__in=sorted(set(person_ids)))


def visible_referral_list(user: User) -> QuerySet[Referral]:
    """Every referral this user may see, of anyone: the referrals `visible_referrals`
    shows person by person, as one query (for inboxes and lists)."""
    condition = referrals_open_q(user)
    if condition is None:
        return Referral.objects.none()
    return Referral.objects.filter(condition).select_related("person", "service", "record")


def grounds(user: User, person: Person, shown: dict[str, set[str]]) -> list[Grant]:
    """The grants on which a look showed `shown` (category -> the agencies whose data of
    it was shown): those whose condition holds for the person and that open one of those
    categories from one of those agencies. The audit's basis and purpose."""
    return [
        g
        for g in grants_holding(user, person)
        if any(c in g.categories and g.source in sources for c, sources in shown.items())
    ]
