"""casework.toml: justice social work's compliance thresholds, unpaid work projects and
assessment instruments, checked (every problem with its key) and written."""

from __future__ import annotations

import re
from typing import Any

from pathways.casework.models import CompliancePolicy, Instrument, Project
from pathways.partners.config_checks import Checker

SECTIONS = {"compliance", "projects", "instruments"}
_CODE = re.compile(r"[A-Za-z0-9_]{1,32}")
_ITEM = re.compile(r"[a-z][a-z0-9_]{0,31}")


def check_casework(check: Checker, entries: dict[str, Any], teams: dict) -> dict[str, Any]:
    """The three sections, checked: `compliance` (absences, within_months, warnings),
    `projects` (name, kind, team), `instruments` (open: scale and items; licensed:
    has_level and the scores kept)."""
    for name in sorted(set(entries) - SECTIONS):
        check.problem(f"casework.{name}", f"is not a section ({', '.join(sorted(SECTIONS))})")
    compliance = entries.get("compliance", {})
    check.unknown_keys(compliance, "casework.compliance", {"absences", "within_months", "warnings"})
    found: dict[str, Any] = {
        "compliance": {
            "absences": check.number(compliance, "casework.compliance", "absences", 1, 20) or 2,
            "within_months": check.number(compliance, "casework.compliance", "within_months", 1, 36)
            or 12,
            "warnings": check.number(compliance, "casework.compliance", "warnings", 1, 10) or 2,
        },
        "projects": {},
        "instruments": {},
    }
    for code, entry in entries.get("projects", {}).items():
        key = f"casework.projects.{code}"
        if not _CODE.fullmatch(code) or not isinstance(entry, dict):
            check.problem(key, "a project is a table with a code of A-Z, 0-9 and _")
            continue
        check.unknown_keys(entry, key, {"name", "kind", "team"})
        kind = entry.get("kind")
        if kind not in Project.Kind.values:
            check.problem(f"{key}.kind", f"must be one of {', '.join(Project.Kind.values)}")
        found["projects"][code] = {
            "name": check.text(entry, key, "name"),
            "kind": kind,
            "team": check.ref(entry, key, "team", teams, "team", required=False),
        }
    for code, entry in entries.get("instruments", {}).items():
        key = f"casework.instruments.{code}"
        if not _CODE.fullmatch(code) or not isinstance(entry, dict):
            check.problem(key, "an instrument is a table with a code of A-Z, 0-9 and _")
            continue
        check.unknown_keys(
            entry, key, {"name", "licensed", "scale", "items", "has_level", "scores"}
        )
        licensed = check.boolean(entry, key, "licensed", False)
        instrument: dict[str, Any] = {
            "name": check.text(entry, key, "name"),
            "licensed": licensed,
            "has_level": check.boolean(entry, key, "has_level", False),
            "items": [],
            "scale": (1, 10),
            "scores": [],
        }
        if licensed:
            if "items" in entry:
                check.problem(f"{key}.items", "a licensed tool's questions are never kept")
            scores = entry.get("scores", [])
            if not isinstance(scores, list) or not all(
                isinstance(s, str) and _ITEM.fullmatch(s) for s in scores
            ):
                check.problem(f"{key}.scores", "must be a list of lower-case score codes")
            else:
                instrument["scores"] = scores
        else:
            scale = entry.get("scale")
            if not (
                isinstance(scale, list) and len(scale) == 2
                and all(isinstance(v, int) for v in scale) and 0 <= scale[0] < scale[1] <= 100
            ):  # fmt: skip
                check.problem(f"{key}.scale", "must be [lowest, highest], whole numbers 0-100")
            else:
                instrument["scale"] = tuple(scale)
            items = entry.get("items")
            if not isinstance(items, list) or not items or not all(
                isinstance(i, list) and len(i) == 2 and isinstance(i[0], str)
                and _ITEM.fullmatch(i[0]) and isinstance(i[1], str) and i[1].strip()
                for i in items
            ):  # fmt: skip
                check.problem(f"{key}.items", "must be a list of [code, label] pairs")
            else:
                instrument["items"] = [[c, label.strip()] for c, label in items]
        found["instruments"][code] = instrument
    return found


def apply_casework(casework: dict[str, Any]) -> None:
    """Write the thresholds, projects and instruments, each created or updated by code.
    A project no longer listed is marked inactive: sessions still name it."""
    if not casework:
        return
    CompliancePolicy.objects.update_or_create(code="default", defaults=casework["compliance"])
    for code, project in casework["projects"].items():
        Project.objects.update_or_create(
            code=code,
            defaults={"name": project["name"], "kind": project["kind"],
                      "team_id": project["team"], "active": True},
        )  # fmt: skip
    Project.objects.exclude(code__in=list(casework["projects"])).update(active=False)
    for code, instrument in casework["instruments"].items():
        low, high = instrument["scale"]
        Instrument.objects.update_or_create(
            code=code,
            defaults={
                "name": instrument["name"], "licensed": instrument["licensed"],
                "items": instrument["items"], "scale_min": low, "scale_max": high,
                "has_level": instrument["has_level"], "scores": instrument["scores"],
            },
        )  # fmt: skip
