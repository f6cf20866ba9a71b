"""The door to identification candidates: the queue a user works, one candidate with why
the rules found them, and the candidate a decision acts on. Candidates are of people the
sharing policy lets the user see, in services whose queue their team works
(`identification.queue.queue_services`); every look is audited."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from pathways.access.looks import look, looks, refusal
from pathways.access.pages import acting_on, page_of_rows
from pathways.access.people import identity_sources
from pathways.events.models import Event
from pathways.identification.matching import triggering_events
from pathways.identification.models import Candidate, Rule
from pathways.identification.queue import SORTS, queue_services, rule_sentence
from pathways.partners.memberships import User
from pathways.people.scoping import door_open
from pathways.sharing.policy import category_of_kind, visible_events, visible_people

CANDIDATE_NOT_FOUND = "No open candidate with that id in your queue."


def _visible_candidates(user: User, service: str | None = None) -> QuerySet[Candidate]:
    """Open candidates in the user's queue, of people the user may see."""
    services = queue_services(user)
    if service is not None:
        services = [s for s in services if s == service]
    if not services:
        return Candidate.objects.none()
    return (
        Candidate.objects.filter(status=Candidate.Status.OPEN, service_id__in=services)
        .filter(Exists(visible_people(user).filter(pk=OuterRef("person_id"))))
        .select_related("person", "service")
    )


def open_candidates_count(user: User) -> int:
    """How many open candidates wait in the user's queue (the home page's count; it names
    no one, so it is not audited)."""
    if not queue_services(user):
        return 0
    with door_open():
        return _visible_candidates(user).count()


def candidate_queue(
    user: User,
    *,
    service: str | None,
    sort: str,
    page: object,
    per_page: int,
    nearest: bool = True,
) -> Page[Candidate]:
    """A page of the user's queue (`sort`: one of identification.queue.SORTS; `nearest`:
    as `access.pages.page_of_rows`); audited as a list of the people it showed, with the
    offending that each candidate's score, count and latest date come from."""
    with door_open():
        queue = _visible_candidates(user, service).order_by(*SORTS[sort])
        shown = page_of_rows(queue, page, per_page, nearest=nearest)
    if shown.object_list:
        looks(
            user,
            [c.person_id for c in shown.object_list],
            action="candidate_queue",
            categories={"identity"} | _counted_categories(user, list(shown.object_list)),
            purpose="deciding whom to refer",
            detail=f"queue {service or 'all'}, page {shown.number}",
        )
    return shown


def _counted_categories(user: User, candidates: list[Candidate]) -> set[str]:
    """The categories of the events the candidates' rules count: each candidate's score,
    count and latest date are made of them (rules.toml `kinds`)."""
    kinds = Rule.objects.filter(service_id__in={c.service_id for c in candidates}).values_list(
        "kinds", flat=True
    )
    return {category_of_kind(user, kind) for listed in kinds for kind in listed} - {""}


def _fetched(user: User, candidate_id: int, *, action: str) -> tuple[Candidate, Rule, list[Event]]:
    """An open candidate in the user's queue, its rule and the events the rule counted,
    else 404 (looking is audited either way); audited with the categories and agencies of
    those events, which the score, the count and the latest date are made of, whether or
    not the user may see the events themselves (the explanation shows only those)."""
    with door_open():
        candidate = _visible_candidates(user).filter(pk=candidate_id).first()
        if candidate is None:
            refusal(user, action=action, detail=f"candidate {candidate_id}")
            raise Http404(CANDIDATE_NOT_FOUND)
        rule = Rule.objects.select_related("service").get(service_id=candidate.service_id)
        counted = list(triggering_events(rule, candidate.person_id, candidate.as_of))
        shown: dict[str, set[str]] = {"identity": identity_sources(user, candidate.person)}
        for event in counted:
            shown.setdefault(category_of_kind(user, event.kind), set()).add(event.agency_id)
        shown.pop("", None)
        look(
            user,
            candidate.person,
            action=action,
            shown=shown,
            purpose="deciding on an identification candidate",
            detail=f"candidate {candidate_id} for {candidate.service_id}",
        )
    return candidate, rule, counted


def candidate_for(user: User, candidate_id: int, *, action: str) -> Candidate:
    """An open candidate in the user's queue, else 404; audited (see `_fetched`)."""
    return _fetched(user, candidate_id, action=action)[0]


def candidate_to_act_on(
    user: User, candidate_id: int, *, action: str, version: int | None = None
) -> AbstractContextManager[Candidate]:
    """The candidate a decision acts on (dismiss, refer), fetched and audited as
    `candidate_for` does, with the `version` the user's page showed. The block runs with
    the door open."""
    return acting_on(candidate_for(user, candidate_id, action=action), version)


@dataclass(frozen=True)
class Explanation:
    """Why a candidate was found, in words, and the counted events the viewer may see."""

    sentence: str
    events: list[Event]
    hidden: int  # counted events the viewer may not see


def _explained(user: User, candidate: Candidate, rule: Rule, counted: list[Event]) -> Explanation:
    with door_open():
        allowed = set(
            visible_events(user, candidate.person)
            .filter(pk__in=[e.pk for e in counted])
            .values_list("pk", flat=True)
        )
    shown = [e for e in counted if e.pk in allowed]
    return Explanation(
        sentence=rule_sentence(rule, candidate), events=shown, hidden=len(counted) - len(shown)
    )


def candidate_page(user: User, candidate_id: int) -> tuple[Candidate, Explanation]:
    """A candidate and why the rules found them, as the candidate's page and the API show
    them; audited as `view_candidate`."""
    candidate, rule, counted = _fetched(user, candidate_id, action="view_candidate")
    return candidate, _explained(user, candidate, rule, counted)


def explanation(user: User, candidate: Candidate) -> Explanation:
    """The rule that matched, in a sentence, and the events that triggered it that the
    user may see (the others only counted), for a candidate the door has already shown
    (a decision's form shown again with its errors)."""
    with door_open():
        rule = Rule.objects.select_related("service").get(service_id=candidate.service_id)
        counted = list(triggering_events(rule, candidate.person_id, candidate.as_of))
    return _explained(user, candidate, rule, counted)
