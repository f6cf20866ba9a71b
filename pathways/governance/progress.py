"""How a long governance job tells how far it has got: `progress(done, of, what)`,
called as it moves on. The job page shows it; the command line passes nothing."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]


def silent(done: int, of: int, what: str) -> None:
    """No one to tell."""
