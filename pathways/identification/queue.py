"""The candidate queue a user works: open candidates for the services whose rules name
one of the user's teams (rules.toml `queue_teams`), of people the sharing policy lets the
user see. The queue, a candidate's page and the API all come through here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from pathways.audit.log import record_access
from pathways.events.models import Event
from pathways.identification.matching import triggering_events
from pathways.identification.models import Candidate, Rule
from pathways.partners.memberships import memberships_of, memberships_with
from pathways.sharing.policy import REFUSED_BASIS, User, decide, visible_events, visible_people

SORTS = {
    "score": ("-score", "-last_event_on", "pk"),
    "recent": ("-last_event_on", "-score", "pk"),
    "name": ("person__family_name", "person__given_name", "pk"),
    "found": ("-first_found_on", "-score", "pk"),
}


def queue_services(user: User) -> list[str]:
    """The services whose candidates this user decides on: their rules name one of the
    user's teams, in a role that may refer."""
    if user.pk is None:
        return []
    teams = {m.team_id for m in memberships_with(user, "refer")}
    return [
        rule.service_id
        for rule in Rule.objects.order_by("rank")
        if teams.intersection(rule.queue_teams)
    ]


def visible_candidates(user: User, service: str | None = None) -> QuerySet[Candidate]:
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


def get_candidate_for(user: User, candidate_id: int, *, action: str) -> Candidate:
    """An open candidate in the user's queue, else 404 (looking is audited either way)."""
    candidate = visible_candidates(user).filter(pk=candidate_id).first()
    if candidate is None:
        record_access(
            user,
            action=action,
            allowed=False,
            basis=REFUSED_BASIS,
            detail=f"candidate {candidate_id}",
        )
        raise Http404("No open candidate with that id in your queue.")
    decision = decide(user, candidate.person, "offending")
    record_access(
        user,
        action=action,
        allowed=True,
        person_id=candidate.person_id,
        categories={"identity", "offending"} if decision.allowed else {"identity"},
        purpose="deciding on an identification candidate",
        basis=decision.basis,
        detail=f"candidate {candidate_id} for {candidate.service_id}",
    )
    return candidate


@dataclass(frozen=True)
class Explanation:
    """Why a candidate was found, in words, and the counted events the viewer may see."""

    sentence: str
    events: list[Event]
    hidden: int  # counted events the viewer may not see


def explain(user: User, candidate: Candidate) -> Explanation:
    """The rule that matched, in a sentence, and the events that triggered it."""
    rule = Rule.objects.select_related("service").get(service_id=candidate.service_id)
    counted = list(triggering_events(rule, candidate.person_id, candidate.as_of))
    allowed = set(
        visible_events(user, candidate.person)
        .filter(pk__in=[e.pk for e in counted])
        .values_list("pk", flat=True)
    )
    shown = [e for e in counted if e.pk in allowed]
    return Explanation(
        sentence=rule_sentence(rule, candidate),
        events=shown,
        hidden=len(counted) - len(shown),
    )


def rule_sentence(rule: Rule, candidate: Candidate) -> str:
    """The rule as it applied to this candidate, in plain words."""
    service = rule.service
    parts = []
    if service.min_age is not None or service.max_age is not None:
        parts.append(
            f"aged {service.min_age or 0}–{service.max_age or 'any'} on {candidate.as_of:%-d %B %Y}"
        )
    if service.sexes:
        parts.append("sex " + " or ".join(service.sexes))
    if service.areas:
        parts.append("living in " + ", ".join(service.areas))
    what = " or ".join(k.replace("asb", "antisocial behaviour incident") for k in rule.kinds)
    if service.crime_groups:
        what += f" (offences of {', '.join(service.crime_groups)})"
    if service.flags:
        what += f" flagged {' or '.join(service.flags)}"
    least = service.min_offences or 1
    window = service.window_days or rule.recent_days
    parts.append(
        f"at least {least} {what} in the {window} days to {candidate.as_of:%-d %B %Y}, "
        f"the latest within {rule.recent_days} days"
    )
    also = f"; also fits {', '.join(candidate.also_fits)}" if candidate.also_fits else ""
    return (
        f"{service.name}: {'; '.join(parts)}. Found with {candidate.events_counted} counted "
        f"event(s), the latest on {candidate.last_event_on:%-d %B %Y}; priority score "
        f"{candidate.score:g}{also}."
    )


def referring_agency(user: User, service: str) -> str:
    """The agency the user refers for: that of their team working this service's queue
    ("" when none of their teams does)."""
    teams = Rule.objects.get(service_id=service).queue_teams
    mine = sorted((m for m in memberships_of(user) if m.team_id in teams), key=lambda m: m.team_id)
    return mine[0].team.agency_id if mine else ""
