"""The safety net under the door: person data cannot be queried outside it while a user's
request is served.

Every model that holds person data has `PersonDataManager` as its default manager
(django-scopes, on one dimension, `door`). While a web or API request is served, the door
is shut (`door_shut`, `pathways.access.middleware`): a query of person data then raises
`ScopeError` instead of running, unless it is made inside one of the door's own
functions (`pathways.access`), which open it for their work (`door_open`) and check and
audit what they fetch. A view that reads `Person.objects`, or follows a reverse relation
to person data, fails in the tests that visit it, rather than showing what the sharing
policy would have hidden.

Outside a request the net is off: the command line, the background worker, a thread
of their own and the tests' own set-up act with the operator's authority. A task run
inside a request (the tests run tasks at once) says so with `outside_requests()`.

What the net does not catch, by its nature: a query the door built and handed out (a
chronology the page then pages is already the policy's), and a forward relation
(`alert.person`), which Django reads with the plain base manager. The door selects what
it shows; `tests/access/test_one_door.py` reads the pages for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models
from django_scopes import get_scope, scope, scopes_disabled
from django_scopes.exceptions import ScopeError
from django_scopes.manager import DisabledQuerySet

__all__ = [
    "PersonDataManager",
    "ScopeError",
    "door_open",
    "door_shut",
    "outside_requests",
]

DIMENSION = "door"
_M = TypeVar("_M", bound=models.Model)


class PersonDataManager(models.Manager[_M]):
    """The default manager of a model holding person data: django-scopes' ScopedManager
    on the one dimension `door`, which filters nothing (the door opens it with no value),
    written as a class so that the type checker knows each model's manager."""

    def get_queryset(self) -> models.QuerySet[_M]:
        current = get_scope()
        # Enforced only inside a scope (a request, `door_shut`): django-scopes enforces
        # everywhere by default, and code outside requests (a command, the worker, a
        # thread of its own) is the operator's.
        if current.get("_enabled") is True and DIMENSION not in current:
            # Raises ScopeError on any use but .none() and .create().
            queryset: Any = DisabledQuerySet(self.model, using=self._db, missing_scopes=[DIMENSION])
            return queryset  # type: ignore[no-any-return]
        return super().get_queryset()


@contextmanager
def door_shut() -> Iterator[None]:
    """Serve a user's request: person data only through the door."""
    with scope():
        yield


@contextmanager
def door_open() -> Iterator[None]:
    """The door's own work: it checks and audits what it fetches."""
    with scope(**{DIMENSION: None}):
        yield


@contextmanager
def outside_requests() -> Iterator[None]:
    """The operator's own work (a command, the background worker, a test's set-up):
    nothing is enforced."""
    with scopes_disabled():
        yield
