"""Reading and checking `rules.toml` (identification rules), called by
`setup.configuration.load_config`, which reports every problem with file, key and reason."""

from __future__ import annotations

from typing import Any

from pathways.events.models import EVENT_FLAGS, CrimeGroup, EventKind
from pathways.identification.models import Rule
from pathways.partners.config_checks import Checker

DAYS = ("recent_days", "fresh_days", "declined_days", "opted_out_days", "dismissed_days")
RULE_KEYS = {"rank", "kinds", "points", "custody_days", "queue_teams", *DAYS}
SCORED = {c.value for c in CrimeGroup} | set(EVENT_FLAGS)


def check_rules(
    check: Checker,
    entries: dict[str, dict[str, Any]],
    services: dict[str, dict[str, Any]],
    teams: dict[str, dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """The rules, one per service, with distinct ranks and the teams working each queue."""
    rules: dict[str, dict[str, Any]] = {}
    ranks: dict[int, str] = {}
    for code, entry in entries.items():
        key = f"rules.{code}"
        check.unknown_keys(entry, key, RULE_KEYS)
        if code not in services:
            check.problem(key, f"there is no service {code!r} in services.toml")
        rank = check.number(entry, key, "rank", 1, 1000)
        if rank is None:
            check.problem(f"{key}.rank", "is required")
        elif rank in ranks:
            check.problem(f"{key}.rank", f"{rank} is also the rank of {ranks[rank]}")
        else:
            ranks[rank] = code
        kinds = check.code_list(entry, key, "kinds", {k.value for k in EventKind}, "event kind")
        if not kinds:
            check.problem(f"{key}.kinds", "name at least one event kind to count")
        days: dict[str, int] = {}
        for name in DAYS:
            value = check.number(entry, key, name, 1, 36_500)
            if value is None and name not in entry:
                check.problem(f"{key}.{name}", "is required")
            days[name] = value or 1
        custody = check.number(entry, key, "custody_days", 0, 36_500)
        points = entry.get("points", {})
        if not isinstance(points, dict):
            check.problem(f"{key}.points", "must be a table of crime group or flag = points")
            points = {}
        for name, value in points.items():
            if name not in SCORED:
                check.problem(f"{key}.points.{name}", "is not a crime group or flag")
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
                check.problem(f"{key}.points.{name}", f"must be 0 to 100, not {value!r}")
        queue_teams = check.code_list(entry, key, "queue_teams", teams, "team")
        if not queue_teams:
            check.problem(f"{key}.queue_teams", "name the team(s) who decide on its candidates")
        rules[code] = {
            "rank": rank or 0,
            "queue_teams": queue_teams,
            "kinds": kinds,
            **days,
            "custody_days": custody or 0,
            "points": {k: v for k, v in points.items() if k in SCORED and isinstance(v, int)},
        }
    return rules


def apply_rules(rules: dict[str, dict[str, Any]]) -> None:
    """Write checked rules; a rule removed from the file stops identifying."""
    for code, values in rules.items():
        Rule.objects.update_or_create(service_id=code, defaults=values)
    Rule.objects.exclude(service_id__in=list(rules)).delete()
