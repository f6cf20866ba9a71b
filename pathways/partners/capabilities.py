"""May this user do X? The one answer, for the pages' decorators, the API, the command
line and the menu.

Capabilities are data: each role lists its own (`roles.toml`), and a user has those of
the roles of their team memberships. A superuser (the installation's own administrator
account) has every capability. Capabilities open pages and actions, never person data:
what a user sees of a person is the sharing policy's answer (`pathways.sharing.policy`),
and the steps that act for a team (accepting for a service, recording its contacts,
approving for police or social work) ask which teams the user belongs to, here too.
"""

from __future__ import annotations

from typing import Any

from pathways.partners.memberships import User, memberships_of
from pathways.partners.models import Membership

VIEW = "view"  # person data, as the sharing policy allows
REFER = "refer"
APPROVE = "approve"
ACCEPT = "accept"
RECORD_CONTACT = "record_contact"
CONFIGURE = "configure"
READ_AUDIT = "read_audit"
RESEARCH_EXTRACT = "research_extract"
MANAGE_IMPORTS = "manage_imports"
REVIEW_LINKS = "review_links"  # the linkage review: identity fields of records in doubt
READ_REPORTS = "read_reports"  # published outcome figures (small numbers suppressed)
UNSUPPRESSED_REPORTS = "unsuppressed_reports"  # the figures as computed, audited
CASEWORK = "casework"  # justice social work: orders, reports, sessions, plans, reviews
MANAGE_CASEWORK = "manage_casework"  # the team manager: the team's caseload, allocation
RECORD_SESSIONS = "record_sessions"  # an unpaid work supervisor: a squad's register only
CAPABILITIES = frozenset(
    {
        VIEW, REFER, APPROVE, ACCEPT, RECORD_CONTACT, CONFIGURE, READ_AUDIT,
        RESEARCH_EXTRACT, MANAGE_IMPORTS, REVIEW_LINKS, READ_REPORTS, UNSUPPRESSED_REPORTS,
        CASEWORK, MANAGE_CASEWORK, RECORD_SESSIONS,
    }
)  # fmt: skip
# The two sides of a joint approval: a team of an agency of one of these sectors.
APPROVING_SECTORS = ("police", "social_work")
# The capabilities that act for the service a team delivers: its consent is theirs to record.
ACTING_FOR_SERVICE = frozenset({ACCEPT, RECORD_CONTACT})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_active", False))


def _superuser(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) and _active(user)


def capabilities_of(user: User) -> frozenset[str]:
    """Every capability the user has: a superuser's are all of them; an inactive account
    has none."""
    if not _active(user):
        return frozenset()
    if _superuser(user):
        return CAPABILITIES
    return frozenset(c for m in memberships_of(user) for c in m.role.capabilities or [])


def has_capability(user: User, capability: str) -> bool:
    """Whether the user has `capability` (a superuser has them all)."""
    return capability in capabilities_of(user)


def has_any(user: User, *capabilities: str) -> bool:
    """Whether the user has one of `capabilities`."""
    return bool(capabilities_of(user) & set(capabilities))


def memberships_with(user: User, capability: str) -> list[Membership]:
    """The user's memberships whose role gives `capability`: the teams they act for with
    it (an inactive account acts for none)."""
    if not _active(user):
        return []
    return [m for m in memberships_of(user) if capability in (m.role.capabilities or [])]


def may_read_reports(user: User) -> bool:
    """Published outcome figures: either reporting capability."""
    return has_any(user, READ_REPORTS, UNSUPPRESSED_REPORTS)


def may_see_unsuppressed(user: User) -> bool:
    """Outcome figures as computed, small numbers and all."""
    return has_capability(user, UNSUPPRESSED_REPORTS)


def may_review_links(user: User) -> bool:
    """The linkage review queue and the merges, splits and undos made from it; each
    agency's own duplicates, to tell it."""
    return has_capability(user, REVIEW_LINKS)


def may_refer(user: User) -> bool:
    """Whether the user refers for an agency (a team whose role may refer)."""
    return bool(memberships_with(user, REFER))


def referring_agencies(user: User) -> set[str]:
    """The agencies the user refers for: a referral held under one of their records is
    theirs to send or withdraw."""
    return {m.team.agency_id for m in memberships_with(user, REFER)}


def approving_sector(user: User) -> tuple[str, str] | None:
    """(sector, agency) the user approves for: a team of a police or social work agency
    in a role that may approve; None if they approve for neither."""
    for membership in memberships_with(user, APPROVE):
        if membership.team.agency.sector in APPROVING_SECTORS:
            return membership.team.agency.sector, membership.team.agency_id
    return None


def services_acted_for(user: User) -> frozenset[str]:
    """The services the user acts for: those their teams deliver, where their role
    accepts referrals or records contacts (their consent is the team's to record)."""
    if not _active(user):
        return frozenset()
    return frozenset(
        m.team.service_id
        for m in memberships_of(user)
        if m.team.service_id and ACTING_FOR_SERVICE & set(m.role.capabilities or [])
    )


def records_contacts_for(user: User, service: str) -> bool:
    """The user records contacts for `service`: a team of theirs delivers it."""
    return any(m.team.service_id == service for m in memberships_with(user, RECORD_CONTACT))


def is_custody_mentor(user: User) -> bool:
    """The user records contacts in a team whose service visits people held in police
    custody (`custody_visits` in services.toml)."""
    return any(
        m.team.service is not None and m.team.service.custody_visits
        for m in memberships_with(user, RECORD_CONTACT)
    )
