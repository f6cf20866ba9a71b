"""The partnership's own configuration files: areas, agencies, roles, services and teams.

Each file's entries are checked here, every problem named with its file, key and reason;
`pathways.setup.configuration` reads the whole directory, hands each app its files and
writes what passed.
"""

from __future__ import annotations

import re
from typing import Any

from pathways.partners.capabilities import CAPABILITIES
from pathways.partners.config_checks import Checker
from pathways.partners.models import Agency, Area, Reason, Role, Service, Team
from pathways.partners.reasons import LISTS, OTHER

SECTORS = {"police", "social_work", "health", "council", "third_sector", "partnership"}
SEXES = {"M", "F", "X", "U"}


def check_areas(check: Checker, entries: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """areas.toml: the partnership's areas."""
    found: dict[str, dict[str, Any]] = {}
    for code, entry in entries.items():
        key = f"areas.{code}"
        check.unknown_keys(entry, key, {"name"})
        found[code] = {"name": check.text(entry, key, "name")}
    return found


def check_agencies(check: Checker, entries: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """agencies.toml: each agency and its sector."""
    found: dict[str, dict[str, Any]] = {}
    for code, entry in entries.items():
        key = f"agencies.{code}"
        check.unknown_keys(entry, key, {"name", "sector"})
        sector = check.text(entry, key, "sector")
        if sector and sector not in SECTORS:
            check.problem(
                f"{key}.sector", f"must be one of {', '.join(sorted(SECTORS))}, not {sector!r}"
            )
        found[code] = {"name": check.text(entry, key, "name"), "sector": sector}
    return found


def check_roles(check: Checker, entries: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """roles.toml: each role's capabilities (its categories are checked against
    categories.toml by `sharing.config.check_role_categories`)."""
    found: dict[str, dict[str, Any]] = {}
    for code, entry in entries.items():
        key = f"roles.{code}"
        check.unknown_keys(entry, key, {"name", "capabilities", "categories"})
        found[code] = {
            "name": check.text(entry, key, "name"),
            "capabilities": check.code_list(entry, key, "capabilities", CAPABILITIES, "capability"),
            # Checked against categories.toml once that is read (sharing.config).
            "categories": entry.get("categories", []),
        }
    return found


def check_services(
    check: Checker,
    entries: dict[str, Any],
    *,
    agencies: dict[str, Any],
    areas: dict[str, Any],
    crime_groups: set[str],
    flags: set[str],
    event_kinds: set[str],
) -> dict[str, dict[str, Any]]:
    """services.toml: each service, its provider, its eligibility and its behaviours
    (`crime_groups`, `flags` and `event_kinds`: the event spine's vocabulary)."""
    found: dict[str, dict[str, Any]] = {}
    kinds = {k.value for k in Service.Kind}
    for code, entry in entries.items():
        key = f"services.{code}"
        check.unknown_keys(
            entry,
            key,
            {
                "name",
                "description",
                "provider",
                "kind",
                "voluntary",
                "requires_consent",
                "joint_approval",
                "decide_within_days",
                "consent_valid_days",
                "told_of",
                "custody_visits",
                "eligibility",
            },
        )
        kind = check.text(entry, key, "kind")
        if kind and kind not in kinds:
            check.problem(f"{key}.kind", f"must be one of {', '.join(sorted(kinds))}, not {kind!r}")
        eligibility = entry.get("eligibility", {})
        if not isinstance(eligibility, dict):
            check.problem(f"{key}.eligibility", "must be a table")
            eligibility = {}
        ekey = f"{key}.eligibility"
        check.unknown_keys(
            eligibility,
            ekey,
            {
                "min_age",
                "max_age",
                "sexes",
                "areas",
                "crime_groups",
                "flags",
                "min_offences",
                "window_days",
            },
        )
        min_age = check.number(eligibility, ekey, "min_age", 0, 120)
        max_age = check.number(eligibility, ekey, "max_age", 0, 120)
        if min_age is not None and max_age is not None and min_age > max_age:
            check.problem(f"{ekey}.max_age", f"is below min_age ({max_age} < {min_age})")
        min_offences = check.number(eligibility, ekey, "min_offences", 1, 10_000)
        window_days = check.number(eligibility, ekey, "window_days", 1, 36_500)
        if min_offences is not None and window_days is None:
            check.problem(f"{ekey}.window_days", "is required with min_offences")
        found[code] = {
            "name": check.text(entry, key, "name"),
            "description": check.text(entry, key, "description", required=False),
            "provider": check.ref(entry, key, "provider", agencies, "agency"),
            "kind": kind,
            "voluntary": check.boolean(entry, key, "voluntary", True),
            "requires_consent": check.boolean(entry, key, "requires_consent", True),
            "joint_approval": check.boolean(entry, key, "joint_approval", False),
            "decide_within_days": check.number(entry, key, "decide_within_days", 1, 60) or 5,
            "consent_valid_days": check.number(entry, key, "consent_valid_days", 1, 3650),
            "told_of": check.code_list(entry, key, "told_of", event_kinds, "event kind"),
            "custody_visits": check.boolean(entry, key, "custody_visits", False),
            "min_age": min_age,
            "max_age": max_age,
            "sexes": check.code_list(eligibility, ekey, "sexes", SEXES, "sex"),
            "areas": check.code_list(eligibility, ekey, "areas", areas, "area"),
            "crime_groups": check.code_list(
                eligibility, ekey, "crime_groups", crime_groups, "crime group"
            ),
            "flags": check.code_list(eligibility, ekey, "flags", flags, "flag"),
            "min_offences": min_offences,
            "window_days": window_days,
        }
        if found[code]["voluntary"] and not found[code]["requires_consent"]:
            check.problem(f"{key}.requires_consent", "a voluntary service must require consent")
    return found


def check_teams(
    check: Checker,
    entries: dict[str, Any],
    *,
    agencies: dict[str, Any],
    areas: dict[str, Any],
    services: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """teams.toml: each team, its agency, area and the service it delivers."""
    found: dict[str, dict[str, Any]] = {}
    for code, entry in entries.items():
        key = f"teams.{code}"
        check.unknown_keys(entry, key, {"name", "agency", "area", "service", "partnership"})
        found[code] = {
            "name": check.text(entry, key, "name"),
            "agency": check.ref(entry, key, "agency", agencies, "agency"),
            "area": check.ref(entry, key, "area", areas, "area", required=False),
            "service": check.ref(entry, key, "service", services, "service", required=False),
            "partnership": check.boolean(entry, key, "partnership", False),
        }
    return found


def apply_partners(
    areas: dict[str, Any],
    agencies: dict[str, Any],
    roles: dict[str, Any],
    services: dict[str, Any],
    teams: dict[str, Any],
) -> None:
    """Write checked entries, creating or updating by code (within the caller's
    transaction). Entries removed from the files are left: records may refer to them."""
    for code, values in areas.items():
        Area.objects.update_or_create(code=code, defaults=values)
    for code, values in agencies.items():
        Agency.objects.update_or_create(code=code, defaults=values)
    for code, values in roles.items():
        Role.objects.update_or_create(code=code, defaults=values)
    for code, values in services.items():
        defaults = {**values, "provider_id": values["provider"]}
        del defaults["provider"]
        Service.objects.update_or_create(code=code, defaults=defaults)
    for code, values in teams.items():
        Team.objects.update_or_create(
            code=code,
            defaults={
                "name": values["name"],
                "agency_id": values["agency"],
                "area_id": values["area"],
                "service_id": values["service"],
                "partnership": values["partnership"],
            },
        )


def check_reasons(check: Checker, entries: dict[str, Any]) -> dict[str, dict[str, str]]:
    """reasons.toml: each list Pathways asks for (partners.reasons.LISTS), code = label,
    in the order the pages offer them; each with `other`."""
    found: dict[str, dict[str, str]] = {}
    for name in LISTS:
        entry = entries.get(name)
        if not isinstance(entry, dict) or not entry:
            check.problem(f"reasons.{name}", f"is missing: the list of {LISTS[name]}")
            continue
        codes: dict[str, str] = {}
        for code, label in entry.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,23}", code):
                check.problem(f"reasons.{name}.{code}", "a code is lower case, a-z, 0-9 and _")
            elif not isinstance(label, str) or not 0 < len(label.strip()) <= 120:
                check.problem(f"reasons.{name}.{code}", "needs a label of 1 to 120 characters")
            else:
                codes[code] = label.strip()
        if OTHER not in codes:
            check.problem(f"reasons.{name}", "needs `other` (with words beside it)")
        found[name] = codes
    for name in sorted(set(entries) - set(LISTS)):
        check.problem(f"reasons.{name}", f"is not a list Pathways asks for ({', '.join(LISTS)})")
    return found


def apply_reasons(reasons: dict[str, dict[str, str]]) -> None:
    """Write the lists: each code created or updated in its place; codes no longer in a
    list are removed from it (the history keeps the label it was recorded with)."""
    for name, codes in reasons.items():
        for position, (code, label) in enumerate(codes.items()):
            Reason.objects.update_or_create(
                list=name, code=code, defaults={"label": label, "position": position}
            )
        Reason.objects.filter(list=name).exclude(code__in=list(codes)).delete()
