"""The agreements in words a data protection officer (or the person the data is about)
can read: who shares what with whom, while what holds, why, and on what legal basis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pathways.partners.models import Service
from pathways.sharing.models import Agreement, Condition, DataCategory

CONDITION_WORDS = {
    Condition.ALWAYS: "at all times",
    Condition.ACTIVE_REFERRAL: "while the person has an active referral to {services}",
    Condition.CONSENTED_REFERRAL: "while the person has consented to engage with {services}",
    Condition.STATUTORY_CASE: "while the person is on the statutory caseload of {services}",
    Condition.OPEN_ENGAGEMENT: "while the person is engaged with {services}",
    Condition.AWAITING_APPROVAL: (
        "while a referral of the person to {services} awaits joint approval by police and "
        "social work"
    ),
    Condition.RECENT_CUSTODY: "for seven days after the person was held in police custody",
    Condition.IDENTIFIED_CANDIDATE: (
        "while identification has found the person for {services} and nobody has yet decided on it"
    ),
    Condition.WORKED_WITH: (
        "after {services} worked with the person, once that work has ended (completed, "
        "disengaged or closed; not when the person withdrew consent), until retention removes "
        "the record"
    ),
}


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class AgreementInWords:
    agreement: Agreement
    sentence: str
    review_overdue: bool
    in_force: bool


def recipient_name(agreement: Agreement) -> str:
    if agreement.to_service is not None:
        return f"{agreement.to_service.provider.name} {agreement.to_service.name}"
    if agreement.to_team is not None:
        return agreement.to_team.name
    return agreement.to_agency.name if agreement.to_agency else ""


def _condition_services(
    agreement: Agreement, names: dict[str, str], provider_of: dict[str, str]
) -> str:
    about = agreement.about_services
    if about == ["*"]:
        return "any service of the partnership"
    if about:
        return _join([names.get(code, code) for code in about])
    if agreement.to_service_id:
        return names.get(agreement.to_service_id, agreement.to_service_id)
    team = agreement.to_team
    if team is not None and team.service_id:
        return names.get(team.service_id, "")
    agency = agreement.to_agency_id or (agreement.to_team.agency_id if agreement.to_team else "")
    provided = [n for code, n in names.items() if provider_of.get(code) == agency]
    return _join(provided) or "the recipient's services"


def describe(
    agreement: Agreement,
    categories: dict[str, str],
    names: dict[str, str],
    provider_of: dict[str, str],
) -> str:
    """One sentence: 'Police Scotland shares offending with Includem ADAPT while the person
    has consented to engage with ADAPT, for diversion…, under UK GDPR Art 6(1)(e)…'."""
    shared = _join([categories.get(c, c).lower() for c in agreement.categories])
    when = CONDITION_WORDS[Condition(agreement.condition)].format(
        services=_condition_services(agreement, names, provider_of)
    )
    legal = [agreement.legal_basis, agreement.special_condition, agreement.law_enforcement]
    basis = "; ".join(part for part in legal if part)
    return (
        f"{agreement.from_agency.name} shares {shared} data with {recipient_name(agreement)} "
        f"{when}, {agreement.purpose}, under {basis}."
    )


def agreements_in_words(today: dt.date) -> list[AgreementInWords]:
    """Every agreement as a sentence, with whether its review is overdue and whether it is
    in force on `today`; overdue reviews first, then by code."""
    categories = dict(DataCategory.objects.values_list("code", "name"))
    services = list(Service.objects.values_list("code", "name", "provider_id"))
    names = {code: name for code, name, _ in services}
    provider_of = {code: provider for code, _, provider in services}
    agreements = Agreement.objects.select_related(
        "from_agency", "to_agency", "to_service__provider", "to_team"
    ).order_by("code")
    described = [
        AgreementInWords(
            agreement=a,
            sentence=describe(a, categories, names, provider_of),
            review_overdue=a.review_on < today,
            in_force=a.valid_from <= today and (a.valid_to is None or a.valid_to >= today),
        )
        for a in agreements
    ]
    return sorted(described, key=lambda d: (not d.review_overdue, d.agreement.code))
