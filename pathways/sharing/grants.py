"""The rules of who may see what, as grants.

A grant opens one agency's data of some categories to a user, about the people for whom
its condition holds. A user's grants come from two places, both configuration:
- role rules: each team membership whose role has the `view` capability opens the
  team's own agency's data, in the categories the role may see (`roles.toml`);
- agreements (`agreements.toml`) whose recipient is the user's team, its service or its
  agency, valid on the day, in the categories both the agreement shares and the role
  may see, while the agreement's condition holds for the person.

Conditions are SQL (`Exists` over referrals, or over open identification candidates) so
that lists of people are filtered by the database; the same expressions decide for one
person (`policy.grants_holding`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pathways.events.models import Event
from pathways.identification.models import Candidate
from pathways.partners.capabilities import VIEW
from pathways.partners.memberships import User, memberships_of
from pathways.partners.models import Service, Team
from pathways.people.models import AgencyRecord
from pathways.referrals import states
from pathways.referrals.models import Consent, Referral
from pathways.sharing.models import Agreement, Condition, DataCategory

STATES_FOR = {
    Condition.AWAITING_APPROVAL: states.IN_APPROVAL,
    Condition.ACTIVE_REFERRAL: states.ACTIVE,
    Condition.CONSENTED_REFERRAL: states.CONSENTED,
    Condition.STATUTORY_CASE: states.ENGAGED,
    Condition.OPEN_ENGAGEMENT: states.ENGAGED,
    Condition.WORKED_WITH: states.WORKED,
}
# How long after a custody episode the custody peer mentors see the person.
RECENT_CUSTODY_DAYS = 7
# Case records whose category the software fixes (categories.toml says so too).
REFERRAL_CATEGORIES = frozenset({"referral"})
# Justice social work's categories (court_reports, orders, case_plans, assessments,
# mappa) never make a person visible by themselves: they say what more a user sees of a
# person some other grant already shows them (the police told that an order exists,
# never shown everyone who has one). Justice social work sees its own people by its
# identity grant.


@dataclass(frozen=True)
class Grant:
    """One agency's data, in some categories, open to a user while a condition holds."""

    source: str  # the agency whose data is opened
    categories: frozenset[str]
    condition: str  # a Condition value
    # The services the condition looks at; None: any service.
    services: frozenset[str] | None
    basis: str  # what a person reads in the audit: the role rule or the agreement
    purpose: str
    agreement: str = ""  # the agreement's code; empty for a role rule
    # Referrals shown under this grant are limited to these services (None: all the
    # source's referrals): a partner sees its own referral, not the person's others.
    referral_services: frozenset[str] | None = None

    def condition_q(self) -> Q | None:
        """The condition as SQL on Person (None when it always holds)."""
        if self.condition == Condition.ALWAYS:
            return None
        if self.condition == Condition.RECENT_CUSTODY:
            today = timezone.localdate()
            since = today - dt.timedelta(days=RECENT_CUSTODY_DAYS - 1)  # seven days in all
            return Q(
                Exists(
                    Event.objects.filter(
                        person=OuterRef("pk"),
                        kind="custody",
                        occurred_on__gte=since,
                        occurred_on__lte=today,
                    )
                )
            )
        if self.condition == Condition.IDENTIFIED_CANDIDATE:
            candidates = Candidate.objects.filter(
                person=OuterRef("pk"), status=Candidate.Status.OPEN
            )
            if self.services is not None:
                candidates = candidates.filter(service_id__in=self.services)
            return Q(Exists(candidates))
        referrals = Referral.objects.filter(
            person=OuterRef("pk"), state__in=STATES_FOR[Condition(self.condition)]
        )
        if self.services is not None:
            referrals = referrals.filter(service_id__in=self.services)
        if self.condition == Condition.STATUTORY_CASE:
            referrals = referrals.filter(service__kind=Service.Kind.STATUTORY)
        if self.condition == Condition.CONSENTED_REFERRAL:
            referrals = referrals.filter(consent_in_force_q(timezone.localdate()))
        if self.condition == Condition.WORKED_WITH:
            referrals = referrals.filter(kept_case_q())
        return Q(Exists(referrals))

    def holds_data_q(self, kinds_of: dict[str, tuple[str, ...]]) -> Q | None:
        """SQL on Person: the source agency holds data of these categories about them."""
        return holds_data_q((self.source,), self.categories, self.referral_services, kinds_of)


def kept_case_q(pk: str = "pk") -> Q:
    """SQL on Referral (`pk`: the path to its id): a case the service keeps read-only
    (`worked_with`): the work ended completed, disengaged or closed, and the person never
    withdrew consent to it (a withdrawal closes the case to the service, even after the
    ending)."""
    withdrawn = Consent.objects.filter(referral=OuterRef(pk), withdrawn_on__isnull=False)
    state = "state__in" if pk == "pk" else pk.removesuffix("pk") + "state__in"
    return Q(**{state: states.WORKED}) & ~Q(Exists(withdrawn))


def consent_in_force_q(today: dt.date) -> Q:
    """SQL on Referral: its consent has not lapsed (a service's `consent_valid_days`):
    no consent given and not withdrawn whose last day is past, or a newer one asked
    again that is still in force. Referrals whose consent came from an earlier system
    (no row, or no last day) are in force until withdrawn."""
    given = Consent.objects.filter(
        referral=OuterRef("pk"), answer=Consent.Answer.GIVEN, withdrawn_on__isnull=True
    )
    lapsed = given.filter(expires_on__lt=today)
    in_force = given.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    return ~Q(Exists(lapsed)) | Q(Exists(in_force))


def holds_data_q(
    sources: Iterable[str],
    categories: frozenset[str],
    referral_services: frozenset[str] | None,
    kinds_of: dict[str, tuple[str, ...]],
) -> Q | None:
    """SQL on Person: one of `sources` holds data of these categories about them.

    Identity is the agency's record of the person; every event and referral an agency
    holds hangs on such a record, so a record is enough when identity is shared.
    Otherwise the person must have an event of a shared kind, or a referral (to
    `referral_services`, when given). Several sources are asked as one `agency IN …`.
    """
    agencies = sorted(set(sources))
    if "identity" in categories:
        return Q(Exists(AgencyRecord.objects.filter(person=OuterRef("pk"), agency_id__in=agencies)))
    condition: Q | None = None
    kinds = [kind for category in sorted(categories) for kind in kinds_of.get(category, ())]
    if kinds:
        condition = Q(
            Exists(
                Event.objects.filter(person=OuterRef("pk"), agency_id__in=agencies, kind__in=kinds)
            )
        )
    if categories & REFERRAL_CATEGORIES:
        referrals = Referral.objects.filter(person=OuterRef("pk"), record__agency_id__in=agencies)
        if referral_services is not None:
            referrals = referrals.filter(service_id__in=referral_services)
        held = Q(Exists(referrals))
        condition = held if condition is None else condition | held
    return condition


def category_of(kind: str, kinds_by_category: dict[str, tuple[str, ...]]) -> str:
    """The data category an event kind belongs to (categories.toml); "" if none."""
    return next((code for code, kinds in kinds_by_category.items() if kind in kinds), "")


def event_kinds_by_category() -> dict[str, tuple[str, ...]]:
    """Each category's event kinds (categories.toml)."""
    return {
        code: tuple(kinds)
        for code, kinds in DataCategory.objects.values_list("code", "event_kinds")
    }


def _recipient_services(
    agreement: Agreement, team: Team, provided: dict[str, frozenset[str]]
) -> frozenset[str]:
    """The services an agreement's condition looks at by default: the recipient's."""
    if agreement.to_service_id:
        return frozenset({agreement.to_service_id})
    if agreement.to_team_id and team.service_id:
        return frozenset({team.service_id})
    return provided.get(agreement.to_agency_id or team.agency_id, frozenset())


def _referrals_shown(agreement: Agreement) -> frozenset[str] | None:
    """The referrals an agreement shows: those to its recipient service, else to the
    services its condition looks at, else (None) all of the source's."""
    if agreement.to_service_id:
        return frozenset({agreement.to_service_id})
    about = agreement.about_services
    if about and about != ["*"]:
        return frozenset(about)
    return None


def _receives(agreement: Agreement, team: Team) -> bool:
    return (
        agreement.to_agency_id == team.agency_id
        or (agreement.to_service_id is not None and agreement.to_service_id == team.service_id)
        or agreement.to_team_id == team.code
    )


def grants_of(user: User, on: dt.date | None = None) -> tuple[Grant, ...]:
    """Every grant the user's memberships and the agreements valid `on` (default today)
    give. Remembered on the user object, which lives for one request, so a change of
    membership or agreement takes effect on the next request."""
    day = on or timezone.localdate()
    cached = getattr(user, "_pathways_grants", None)
    if cached is not None and cached[0] == day:
        return cached[1]
    grants = _grants_from_configuration(user, day)
    if getattr(user, "pk", None) is not None:
        user._pathways_grants = (day, grants)  # type: ignore[union-attr]
    return grants


def _grants_from_configuration(user: User, day: dt.date) -> tuple[Grant, ...]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ()
    memberships = [
        m for m in memberships_of(user) if VIEW in (m.role.capabilities or []) and m.role.categories
    ]
    if not memberships:
        return ()
    agreements = list(
        Agreement.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
        )
    )
    provided: dict[str, set[str]] = defaultdict(set)
    for code, provider in Service.objects.values_list("code", "provider_id"):
        provided[provider].add(code)
    services_of = {agency: frozenset(codes) for agency, codes in provided.items()}
    grants: list[Grant] = []
    for membership in memberships:
        team, role = membership.team, membership.role
        allowed = frozenset(role.categories)
        grants.append(
            Grant(
                source=team.agency_id,
                categories=allowed,
                condition=Condition.ALWAYS,
                services=None,
                basis=f"role rule: {role.code} in {team.code} sees its own agency's data",
                purpose="the agency's own work",
            )
        )
        for agreement in agreements:
            shared = allowed & frozenset(agreement.categories)
            if not shared or not _receives(agreement, team):
                continue
            about = agreement.about_services
            services = (
                None
                if about == ["*"]
                else frozenset(about)
                if about
                else _recipient_services(agreement, team, services_of)
            )
            grants.append(
                Grant(
                    source=agreement.from_agency_id,
                    categories=shared,
                    condition=agreement.condition,
                    services=services,
                    basis=f"agreement {agreement.code} ({agreement.condition})",
                    purpose=agreement.purpose,
                    agreement=agreement.code,
                    referral_services=_referrals_shown(agreement),
                )
            )
    return tuple(grants)
