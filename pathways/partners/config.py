"""Reading and validating a partnership's configuration (`config/<partnership>/*.toml`).

Every problem is reported, not just the first, each naming the file, the key and the
reason, so a person editing the files can fix them in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from pathways.events.models import EVENT_FLAGS, CrimeGroup
from pathways.identification.config import apply_rules, check_rules
from pathways.partners.config_checks import Checker, ConfigError, ConfigProblem, read_tables
from pathways.partners.models import Agency, Area, Role, Service, Team
from pathways.sharing.config import (
    apply_governance,
    check_agreements,
    check_categories,
    check_retention,
    check_role_categories,
)

__all__ = ["ConfigError", "ConfigProblem", "PartnershipConfig", "apply_config", "load_config"]

SECTORS = {"police", "social_work", "health", "council", "third_sector", "partnership"}
CAPABILITIES = {
    "view",
    "refer",
    "approve",
    "accept",
    "record_contact",
    "configure",
    "read_audit",
    "research_extract",
    "review_links",
    "manage_imports",
    "read_reports",
    "unsuppressed_reports",
}
SEXES = {"M", "F", "X", "U"}
# Files read, in dependency order.
FILES = (
    "areas",
    "agencies",
    "categories",
    "roles",
    "services",
    "rules",
    "teams",
    "agreements",
    "retention",
)


@dataclass
class PartnershipConfig:
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    agencies: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    teams: dict[str, dict[str, Any]] = field(default_factory=dict)
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    agreements: dict[str, dict[str, Any]] = field(default_factory=dict)
    retention: dict[str, int] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_config(directory: Path) -> PartnershipConfig:
    """Read and validate a partnership's configuration directory.

    Raises `ConfigError` listing every problem found.
    """
    problems: list[ConfigProblem] = []
    if not directory.is_dir():
        raise ConfigError([ConfigProblem(str(directory), "-", "is not a directory")])
    tables = read_tables(directory, FILES, problems)
    config = PartnershipConfig()

    check = Checker("areas.toml", problems)
    for code, entry in tables["areas"].items():
        key = f"areas.{code}"
        check.unknown_keys(entry, key, {"name"})
        config.areas[code] = {"name": check.text(entry, key, "name")}

    check = Checker("agencies.toml", problems)
    for code, entry in tables["agencies"].items():
        key = f"agencies.{code}"
        check.unknown_keys(entry, key, {"name", "sector"})
        sector = check.text(entry, key, "sector")
        if sector and sector not in SECTORS:
            check.problem(
                f"{key}.sector", f"must be one of {', '.join(sorted(SECTORS))}, not {sector!r}"
            )
        config.agencies[code] = {"name": check.text(entry, key, "name"), "sector": sector}

    config.categories = check_categories(Checker("categories.toml", problems), tables["categories"])

    check = Checker("roles.toml", problems)
    for code, entry in tables["roles"].items():
        key = f"roles.{code}"
        check.unknown_keys(entry, key, {"name", "capabilities", "categories"})
        config.roles[code] = {
            "name": check.text(entry, key, "name"),
            "capabilities": check.code_list(entry, key, "capabilities", CAPABILITIES, "capability"),
            # Checked against categories.toml once that is read (sharing.config).
            "categories": entry.get("categories", []),
        }

    check = Checker("services.toml", problems)
    kinds = {k.value for k in Service.Kind}
    crime_groups = {c.value for c in CrimeGroup}
    for code, entry in tables["services"].items():
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
        config.services[code] = {
            "name": check.text(entry, key, "name"),
            "description": check.text(entry, key, "description", required=False),
            "provider": check.ref(entry, key, "provider", config.agencies, "agency"),
            "kind": kind,
            "voluntary": check.boolean(entry, key, "voluntary", True),
            "requires_consent": check.boolean(entry, key, "requires_consent", True),
            "joint_approval": check.boolean(entry, key, "joint_approval", False),
            "decide_within_days": check.number(entry, key, "decide_within_days", 1, 60) or 5,
            "min_age": min_age,
            "max_age": max_age,
            "sexes": check.code_list(eligibility, ekey, "sexes", SEXES, "sex"),
            "areas": check.code_list(eligibility, ekey, "areas", config.areas, "area"),
            "crime_groups": check.code_list(
                eligibility, ekey, "crime_groups", crime_groups, "crime group"
            ),
            "flags": check.code_list(eligibility, ekey, "flags", set(EVENT_FLAGS), "flag"),
            "min_offences": min_offences,
            "window_days": window_days,
        }
        if config.services[code]["voluntary"] and not config.services[code]["requires_consent"]:
            check.problem(f"{key}.requires_consent", "a voluntary service must require consent")

    check = Checker("teams.toml", problems)
    for code, entry in tables["teams"].items():
        key = f"teams.{code}"
        check.unknown_keys(entry, key, {"name", "agency", "area", "service", "partnership"})
        config.teams[code] = {
            "name": check.text(entry, key, "name"),
            "agency": check.ref(entry, key, "agency", config.agencies, "agency"),
            "area": check.ref(entry, key, "area", config.areas, "area", required=False),
            "service": check.ref(entry, key, "service", config.services, "service", required=False),
            "partnership": check.boolean(entry, key, "partnership", False),
        }

    config.rules = check_rules(
        Checker("rules.toml", problems), tables["rules"], config.services, config.teams
    )
    check_role_categories(Checker("roles.toml", problems), config.roles, config.categories)
    config.agreements = check_agreements(
        Checker("agreements.toml", problems),
        tables["agreements"],
        agencies=config.agencies,
        services=config.services,
        teams=config.teams,
        categories=config.categories,
    )

    config.retention = check_retention(Checker("retention.toml", problems), tables["retention"])

    if problems:
        raise ConfigError(problems)
    return config


@transaction.atomic
def apply_config(config: PartnershipConfig) -> dict[str, int]:
    """Write a validated configuration to the database, creating or updating by code.

    Entries removed from the files are left in place: records may still refer to them.
    Returns how many entries of each kind the configuration holds.
    """
    for code, values in config.areas.items():
        Area.objects.update_or_create(code=code, defaults=values)
    for code, values in config.agencies.items():
        Agency.objects.update_or_create(code=code, defaults=values)
    for code, values in config.roles.items():
        Role.objects.update_or_create(code=code, defaults=values)
    for code, values in config.services.items():
        defaults = {**values, "provider_id": values["provider"]}
        del defaults["provider"]
        Service.objects.update_or_create(code=code, defaults=defaults)
    for code, values in config.teams.items():
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
    apply_governance(config.categories, config.agreements, config.retention)
    apply_rules(config.rules)
    return {name: len(getattr(config, name)) for name in FILES}
