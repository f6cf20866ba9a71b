"""How a casework step says no: every reason, each with the field it is about (for a form
error, an API message or a rejected row); and the lock every state change starts with."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


class Refused(ValueError):
    """The record or the step is refused: `problems` are (field, why)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {why}" for field, why in problems))
        self.problems = problems


def refuse(field: str, why: str) -> Refused:
    return Refused([(field, why)])


def locked(record: M, *related: str) -> M:
    """The record's row, locked for the rest of the transaction; refused when it changed
    since `record` was read (its `version`), so of two workers the second is told."""
    model: Any = type(record)
    row = model.objects.select_for_update(of=("self",)).select_related(*related).get(pk=record.pk)
    if getattr(row, "version", None) != getattr(record, "version", None):
        raise refuse("version", "it was changed by someone else since you read it: reload it")
    return row


def who(user: Any) -> Any:
    """The user to record as having done it (None for the import and system jobs)."""
    return user if getattr(user, "pk", None) else None
