"""The candidate queue a user works: open candidates for the services whose rules name
one of the user's teams (rules.toml `queue_teams`), how it sorts, and a candidate's rule
in words. The door (`access.candidates`) shows the queue, of people the sharing policy
lets the user see."""

from __future__ import annotations

from pathways.identification.models import Candidate, Rule
from pathways.partners.capabilities import REFER, memberships_with
from pathways.partners.memberships import User, memberships_of

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
    teams = {m.team_id for m in memberships_with(user, REFER)}
    if not teams:
        return []
    return [
        rule.service_id
        for rule in Rule.objects.order_by("rank")
        if teams.intersection(rule.queue_teams)
    ]


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
