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

Outside a request the command line, the background worker and the tests act with the
operator's authority: they run `outside_requests()` (no dimension enforced), as
`pathways.cli` and each background task do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django_scopes import ScopedManager, scope, scopes_disabled
from django_scopes.exceptions import ScopeError

__all__ = [
    "PersonDataManager",
    "ScopeError",
    "door_open",
    "door_shut",
    "outside_requests",
]

DIMENSION = "door"


def PersonDataManager() -> Any:  # noqa: N802 (a manager class's name, as django-scopes')
    """The default manager of a model holding person data (see the module docstring).
    The dimension filters nothing: the door opens it with no value."""
    return ScopedManager(**{DIMENSION: "pk"})


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
