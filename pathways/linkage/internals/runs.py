"""Runs of `pathways link`, recorded so the data quality officer can follow them on the
web (`/linkage/runs/`) as on the command line.

A full re-link is one transaction: its own writes are invisible to others until it
commits. So on PostgreSQL the run's stage is written through a second connection of its
own, committed at once; SQLite allows one writer at a time, so there the page shows the
run's start and end only.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, connections
from django.utils import timezone

from pathways.linkage.models import LinkRun

# Stage updates at most this often (seconds): a progress bar calls far more often.
EVERY = 1.0


@contextmanager
def recorded_run(kind: str, operator: str) -> Iterator[Callable[..., None]]:
    """Record a run of `kind` by `operator`: yields `report(stage, done, total)`; the
    caller sets `report.summary` (a dataclass or dict) before leaving. A run that raises
    is recorded as failed, with the error."""
    run = LinkRun.objects.create(kind=kind, operator=operator, stage="starting")
    side = connections.create_connection("default") if connection.vendor == "postgresql" else None
    last = 0.0

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        nonlocal last
        now = time.monotonic()
        if side is None or now - last < EVERY:
            return
        last = now
        shown = f"{stage} ({done:,} of {total:,})" if total else stage
        with side.cursor() as cursor:
            cursor.execute(
                "UPDATE people_linkrun SET stage = %s WHERE id = %s",
                [shown[:100], run.pk],
            )

    report.summary = {}  # type: ignore[attr-defined]
    try:
        yield report
    except BaseException as error:
        LinkRun.objects.filter(pk=run.pk).update(
            status=LinkRun.Status.FAILED, finished_at=timezone.now(), stage="",
            error=f"{type(error).__name__}: {error}"[:2000],
        )  # fmt: skip
        raise
    finally:
        if side is not None:
            side.close()
    summary: Any = report.summary  # type: ignore[attr-defined]
    if dataclasses.is_dataclass(summary) and not isinstance(summary, type):
        summary = dataclasses.asdict(summary)
    LinkRun.objects.filter(pk=run.pk).update(
        status=LinkRun.Status.FINISHED, finished_at=timezone.now(), stage="", summary=summary
    )
