"""Reading and checking the governance configuration: `categories.toml` (the data
categories and which event kinds belong to each) and `agreements.toml` (the
information-sharing agreements). Called by `setup.configuration.load_config`, which reports
every problem with file, key and reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pathways.events.models import EventKind
from pathways.partners.config_checks import Checker
from pathways.sharing.models import Agreement, Condition, DataCategory, RetentionPeriod

SPECIAL = {s.value for s in DataCategory.Special}
CONDITIONS = {c.value for c in Condition}
RECIPIENT_KEYS = ("to_agency", "to_service", "to_team")
# Categories whose sharing needs an Article 9 or 10 condition named in the agreement.
CATEGORY_KEYS = {"name", "description", "special", "event_kinds"}
AGREEMENT_KEYS = {
    "title",
    "owner",
    "from",
    *RECIPIENT_KEYS,
    "categories",
    "purpose",
    "legal_basis",
    "special_condition",
    "law_enforcement",
    "condition",
    "about_services",
    "valid_from",
    "valid_to",
    "review_on",
}


def check_categories(check: Checker, entries: dict[str, dict[str, Any]]) -> dict[str, dict]:
    """The categories, each event kind in exactly one of them."""
    categories: dict[str, dict] = {}
    kinds = {k.value for k in EventKind}
    placed: dict[str, str] = {}
    for code, entry in entries.items():
        key = f"categories.{code}"
        check.unknown_keys(entry, key, CATEGORY_KEYS)
        special = entry.get("special", "")
        if special not in SPECIAL:
            check.problem(f"{key}.special", f'must be "", "art9" or "art10", not {special!r}')
            special = ""
        event_kinds = check.code_list(entry, key, "event_kinds", kinds, "event kind")
        for kind in event_kinds:
            if kind in placed:
                check.problem(
                    f"{key}.event_kinds", f"{kind!r} is already in category {placed[kind]!r}"
                )
            placed[kind] = code
        categories[code] = {
            "name": check.text(entry, key, "name"),
            "description": check.text(entry, key, "description", required=False),
            "special": special,
            "event_kinds": event_kinds,
        }
    for kind in sorted(kinds - set(placed)):
        check.problem("categories", f"event kind {kind!r} is in no category")
    return categories


def check_role_categories(
    check: Checker, roles: dict[str, dict[str, Any]], categories: dict[str, dict]
) -> None:
    """Replace each role's category list by its checked version."""
    for code, role in roles.items():
        key = f"roles.{code}"
        role["categories"] = check.code_list(role, key, "categories", categories, "category")
        if role["categories"] and "view" not in role["capabilities"]:
            check.problem(f"{key}.categories", "a role without the view capability sees no data")


def _date(check: Checker, entry: dict[str, Any], key: str, name: str, required: bool) -> Any:
    value = entry.get(name)
    if value is None:
        if required:
            check.problem(f"{key}.{name}", "is required (a date: 2025-04-01)")
        return None
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        check.problem(f"{key}.{name}", f"must be a date written 2025-04-01, not {value!r}")
        return None
    return value


def check_agreements(
    check: Checker,
    entries: dict[str, dict[str, Any]],
    *,
    agencies: dict,
    services: dict,
    teams: dict,
    categories: dict[str, dict],
) -> dict[str, dict]:
    """The agreements, every reference resolved and every legal requirement present."""
    agreements: dict[str, dict] = {}
    known = {"to_agency": (agencies, "agency"), "to_service": (services, "service")}
    known["to_team"] = (teams, "team")
    for code, entry in entries.items():
        key = f"agreements.{code}"
        check.unknown_keys(entry, key, AGREEMENT_KEYS)
        given = [name for name in RECIPIENT_KEYS if name in entry]
        if len(given) != 1:
            check.problem(key, "name exactly one recipient: to_agency, to_service or to_team")
        recipient: dict[str, str | None] = {name: None for name in RECIPIENT_KEYS}
        for name in given[:1]:
            table, what = known[name]
            recipient[name] = check.ref(entry, key, name, table, what)
        shared = check.code_list(entry, key, "categories", categories, "category")
        if not shared and "categories" in entry:
            check.problem(f"{key}.categories", "share at least one category")
        elif "categories" not in entry:
            check.problem(f"{key}.categories", "is required")
        condition = check.text(entry, key, "condition")
        if condition and condition not in CONDITIONS:
            check.problem(
                f"{key}.condition",
                f"must be one of {', '.join(sorted(CONDITIONS))}, not {condition!r}",
            )
        about = entry.get("about_services", [])
        if about != ["*"]:
            about = check.code_list(entry, key, "about_services", services, "service")
        special_condition = check.text(entry, key, "special_condition", required=False)
        special = [c for c in shared if categories[c]["special"]]
        if special and not special_condition:
            check.problem(
                f"{key}.special_condition",
                f"is required: {', '.join(special)} is special category or offence data",
            )
        valid_from = _date(check, entry, key, "valid_from", required=True)
        valid_to = _date(check, entry, key, "valid_to", required=False)
        if valid_from and valid_to and valid_to < valid_from:
            check.problem(f"{key}.valid_to", "is before valid_from")
        agreements[code] = {
            "title": check.text(entry, key, "title"),
            "owner": check.text(entry, key, "owner"),
            "from_agency": check.ref(entry, key, "from", agencies, "agency"),
            **recipient,
            "categories": shared,
            "purpose": check.text(entry, key, "purpose"),
            "legal_basis": check.text(entry, key, "legal_basis"),
            "special_condition": special_condition,
            "law_enforcement": check.text(entry, key, "law_enforcement", required=False),
            "condition": condition,
            "about_services": about,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "review_on": _date(check, entry, key, "review_on", required=True),
        }
    return agreements


# What retention can act on: event categories, referrals, identity, import leftovers.
RETAINED = {"offending", "custody", "health", "risk", "referral", "identity", "rejected_rows",
            "superseded_rows", "job_files", "orders", "court_reports", "assessments",
            "mappa"}  # fmt: skip


def check_retention(check: Checker, entries: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Days to keep each kind of data; every kind retention acts on must have a period."""
    periods: dict[str, int] = {}
    for code, entry in entries.items():
        key = f"retention.{code}"
        check.unknown_keys(entry, key, {"years", "days"})
        if code not in RETAINED:
            check.problem(key, f"retention applies to {', '.join(sorted(RETAINED))}")
            continue
        years = check.number(entry, key, "years", 1, 100)
        days = check.number(entry, key, "days", 1, 36_500)
        if (years is None) == (days is None):
            check.problem(key, "give years or days (one of them)")
            continue
        periods[code] = days if days is not None else round((years or 0) * 365.25)
    for code in sorted(RETAINED - set(entries)):
        check.problem(f"retention.{code}", "is missing: every kind of data needs a period")
    return periods


def apply_governance(
    categories: dict[str, dict], agreements: dict[str, dict], retention: dict[str, int]
) -> None:
    """Write checked categories and agreements, creating or updating by code.

    An agreement removed from the file is removed here too: it no longer grants
    anything (the audit keeps the code of every agreement that was ever a basis).
    """
    for code, values in categories.items():
        DataCategory.objects.update_or_create(code=code, defaults=values)
    for code, values in agreements.items():
        defaults = {
            f"{name}_id" if name.startswith(("from_", "to_")) else name: value
            for name, value in values.items()
        }
        Agreement.objects.update_or_create(code=code, defaults=defaults)
    Agreement.objects.exclude(code__in=list(agreements)).delete()
    for code, days in retention.items():
        RetentionPeriod.objects.update_or_create(code=code, defaults={"days": days})
