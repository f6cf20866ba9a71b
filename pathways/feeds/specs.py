"""What every importer shares: the reference codes rows are checked against, the shape
of a validated row, and the outcome of writing a batch."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from pathways.partners.models import Agency, Area, Service


class RowInvalid(Exception):
    """A row that cannot be imported; `problems` are (column, reason) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{c}: {r}" for c, r in problems))


@dataclass(frozen=True)
class Codes:
    """The configured codes an imported row may use, read once per import."""

    agencies: frozenset[str]
    areas: frozenset[str]
    services: dict[str, Service]

    @classmethod
    def load(cls) -> Codes:
        return cls(
            agencies=frozenset(Agency.objects.values_list("code", flat=True)),
            areas=frozenset(Area.objects.values_list("code", flat=True)),
            services={s.code: s for s in Service.objects.all()},
        )


@dataclass
class Pending:
    """A row that passed validation, waiting to be written."""

    line: int
    key: tuple[str, ...]
    clean: dict[str, Any]
    raw: dict[str, str]
    content_hash: str


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[Pending, str, str]] = field(default_factory=list)


def content_hash(clean: dict[str, Any]) -> str:
    """A short fingerprint of a row's cleaned values: equal rows, equal hashes.

    Each format builds `clean` with its keys in one fixed order, so values alone suffice.
    """
    text = "\x1f".join([str(v) for v in clean.values()])
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


class RowSpec(Protocol):
    """One interchange format: its columns, how to check a row and how to write a batch."""

    kind: str
    key_column: str
    columns: tuple[str, ...]
    required: tuple[str, ...]

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        """The row's key and cleaned values, or `RowInvalid`."""
        ...

    def write(self, batch: list[Pending], run_id: int) -> BatchResult:
        """Create, update or leave each row of the batch, in one transaction."""
        ...


class ProblemList:
    """Collects a row's problems column by column, so one bad value does not hide another."""

    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def check(self, column: str, parse: Any, *args: Any) -> Any:
        from pathways.feeds.fields import BadValue

        try:
            return parse(*args)
        except BadValue as exc:
            self.problems.append((column, str(exc)))
            return None

    def add(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def raise_if_any(self) -> None:
        if self.problems:
            raise RowInvalid(self.problems)
