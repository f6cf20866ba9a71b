"""The parts every configuration file's checks share: a problem (file, key, reason), the
error that lists them all, and a checker that collects problems while reading entries."""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ConfigProblem:
    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.reason}"


class ConfigError(Exception):
    """The configuration is invalid; `problems` lists every reason."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Checker:
    """Collects problems while reading one file's entries."""

    def __init__(self, file: str, problems: list[ConfigProblem]) -> None:
        self.file = file
        self.problems = problems

    def problem(self, key: str, reason: str) -> None:
        self.problems.append(ConfigProblem(self.file, key, reason))

    def text(self, entry: dict[str, Any], key: str, name: str, required: bool = True) -> str:
        value = entry.get(name)
        if value is None:
            if required:
                self.problem(f"{key}.{name}", "is required")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(f"{key}.{name}", f"must be non-empty text, not {value!r}")
            return ""
        return value.strip()

    def boolean(self, entry: dict[str, Any], key: str, name: str, default: bool) -> bool:
        value = entry.get(name, default)
        if not isinstance(value, bool):
            self.problem(f"{key}.{name}", f"must be true or false, not {value!r}")
            return default
        return value

    def ref(
        self,
        entry: dict[str, Any],
        key: str,
        name: str,
        known: dict,
        what: str,
        required: bool = True,
    ) -> str | None:
        value = entry.get(name)
        if value is None:
            if required:
                self.problem(f"{key}.{name}", "is required")
            return None
        if value not in known:
            self.problem(f"{key}.{name}", f"unknown {what} {value!r}")
            return None
        return str(value)

    def code_list(
        self,
        entry: dict[str, Any],
        key: str,
        name: str,
        allowed: Collection[str] | dict,
        what: str,
    ) -> list[str]:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(f"{key}.{name}", f"must be a list of {what} codes, not {value!r}")
            return []
        for v in value:
            if v not in allowed:
                self.problem(f"{key}.{name}", f"unknown {what} {v!r}")
        return [v for v in value if v in allowed]

    def number(self, entry: dict[str, Any], key: str, name: str, low: int, high: int) -> int | None:
        value = entry.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.problem(
                f"{key}.{name}", f"must be a whole number from {low} to {high}, not {value!r}"
            )
            return None
        return value

    def unknown_keys(self, entry: dict[str, Any], key: str, allowed: set[str]) -> None:
        for name in sorted(set(entry) - allowed):
            self.problem(f"{key}.{name}", "is not a known setting (a typo?)")


def read_tables(
    directory: Path, files: tuple[str, ...], problems: list[ConfigProblem]
) -> dict[str, dict[str, Any]]:
    tables: dict[str, dict[str, Any]] = {}
    for name in files:
        path = directory / f"{name}.toml"
        file = f"{name}.toml"
        if not path.exists():
            problems.append(ConfigProblem(file, "-", f"file is missing from {directory}"))
            tables[name] = {}
            continue
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            problems.append(ConfigProblem(file, "-", f"is not valid TOML: {exc}"))
            tables[name] = {}
            continue
        extra = set(data) - {name}
        for key in sorted(extra):
            problems.append(
                ConfigProblem(file, key, f"unexpected top-level table; expected [{name}.CODE]")
            )
        section = data.get(name, {})
        entries: dict[str, Any] = {}
        for code, entry in section.items():
            if not isinstance(entry, dict):
                problems.append(ConfigProblem(file, f"{name}.{code}", "must be a table"))
                continue
            if not code.replace("_", "").isalnum() or len(code) > 32:
                problems.append(
                    ConfigProblem(
                        file, f"{name}.{code}", "a code is letters, digits and _ (at most 32)"
                    )
                )
                continue
            entries[code] = entry
        tables[name] = entries
    return tables
