"""Reading a partnership's whole configuration (`config/<partnership>/*.toml`) and
writing it to the database.

Each app checks its own files (`partners.config`, `sharing.config`,
`identification.config`); this module reads the directory, hands each its files in
dependency order, and collects every problem, not just the first, each naming the
file, the key and the reason, so a person editing the files can fix them in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from pathways.alerts.models import Alert
from pathways.casework.config import apply_casework, check_casework
from pathways.events.models import EVENT_FLAGS, CrimeGroup
from pathways.identification.config import apply_rules, check_rules
from pathways.partners.config import (
    apply_partners,
    apply_reasons,
    check_agencies,
    check_areas,
    check_reasons,
    check_roles,
    check_services,
    check_teams,
)
from pathways.partners.config_checks import Checker, ConfigError, ConfigProblem, read_tables
from pathways.sharing.config import (
    apply_governance,
    check_agreements,
    check_categories,
    check_retention,
    check_role_categories,
)

__all__ = ["ConfigError", "ConfigProblem", "PartnershipConfig", "apply_config", "load_config"]

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
    "reasons",
    "casework",
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
    reasons: dict[str, dict[str, str]] = field(default_factory=dict)
    casework: dict[str, Any] = field(default_factory=dict)


def load_config(directory: Path) -> PartnershipConfig:
    """Read and validate a partnership's configuration directory.

    Raises `ConfigError` listing every problem found.
    """
    problems: list[ConfigProblem] = []
    if not directory.is_dir():
        raise ConfigError([ConfigProblem(str(directory), "-", "is not a directory")])
    tables = read_tables(directory, FILES, problems)
    config = PartnershipConfig()

    def checker(name: str) -> Checker:
        return Checker(f"{name}.toml", problems)

    config.areas = check_areas(checker("areas"), tables["areas"])
    config.agencies = check_agencies(checker("agencies"), tables["agencies"])
    config.categories = check_categories(checker("categories"), tables["categories"])
    config.roles = check_roles(checker("roles"), tables["roles"])
    config.services = check_services(
        checker("services"),
        tables["services"],
        agencies=config.agencies,
        areas=config.areas,
        crime_groups={c.value for c in CrimeGroup},
        event_kinds=set(Alert.Kind.values),  # what a team can be told of
        flags=set(EVENT_FLAGS),
    )
    config.teams = check_teams(
        checker("teams"),
        tables["teams"],
        agencies=config.agencies,
        areas=config.areas,
        services=config.services,
    )
    config.rules = check_rules(checker("rules"), tables["rules"], config.services, config.teams)
    check_role_categories(checker("roles"), config.roles, config.categories)
    config.agreements = check_agreements(
        checker("agreements"),
        tables["agreements"],
        agencies=config.agencies,
        services=config.services,
        teams=config.teams,
        categories=config.categories,
    )
    config.retention = check_retention(checker("retention"), tables["retention"])
    config.reasons = check_reasons(checker("reasons"), tables["reasons"])
    config.casework = check_casework(checker("casework"), tables["casework"], config.teams)
    if problems:
        raise ConfigError(problems)
    return config


@transaction.atomic
def apply_config(config: PartnershipConfig) -> dict[str, int]:
    """Write a validated configuration to the database, creating or updating by code.

    Entries removed from the files are left in place: records may still refer to them.
    Returns how many entries of each kind the configuration holds.
    """
    apply_partners(config.areas, config.agencies, config.roles, config.services, config.teams)
    apply_governance(config.categories, config.agreements, config.retention)
    apply_rules(config.rules)
    apply_reasons(config.reasons)
    apply_casework(config.casework)
    return {name: len(getattr(config, name)) for name in FILES}
