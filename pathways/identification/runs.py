"""Running the identification rules and keeping the candidate queue in step.

A full run looks at everyone; an incremental run only at people with events that arrived
since the last finished run (event ids above its mark). Either way, for the people it
looks at: a person who fits opens (or refreshes) one candidacy, for the service of the
lowest rank that fits; an open candidacy of someone who no longer fits lapses. Decisions
already made (dismissed, referred) are never changed by a run. Running again on the same
data changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Max
from django.utils import timezone

from pathways.events.models import Event
from pathways.identification.matching import Match, find
from pathways.identification.models import Candidate, Run

BATCH = 5_000
# Any constant: the PostgreSQL advisory lock that makes runs take turns.
RUN_LOCK = 7_411_930_222
Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def last_mark() -> int | None:
    """The event id the last finished run saw up to (None: there has been none)."""
    run = Run.objects.filter(status=Run.Status.FINISHED).order_by("-up_to_event").first()
    return run.up_to_event if run else None


def identify(
    as_of: dt.date,
    *,
    full: bool = False,
    by: Any = None,
    progress: Progress | None = None,
) -> Run:
    """Run the rules on `as_of` and update the queue; returns the finished run.

    Incremental unless `full` or there has been no finished run yet. Runs take turns
    (a lock on PostgreSQL; SQLite's write lock does the same), and a failed run changes
    nothing but its own record.
    """
    run = Run.objects.create(
        as_of=as_of, scope=Run.Scope.FULL, by=by if getattr(by, "pk", None) else None
    )
    report = progress or (lambda stage, done, total: None)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RUN_LOCK])
            mark = last_mark()
            full = full or mark is None
            run.scope = Run.Scope.FULL if full else Run.Scope.INCREMENTAL
            run.after_event = 0 if full else mark or 0
            run.up_to_event = Event.objects.aggregate(top=Max("id"))["top"] or 0
            if full:
                found = find(as_of)
                scope: list[int] | None = None
            else:
                new_events = Event.objects.filter(id__gt=run.after_event, id__lte=run.up_to_event)
                scope = sorted(set(new_events.values_list("person_id", flat=True)))
                found = {}
                for n, chunk in enumerate(_chunks(scope)):
                    found.update(find(as_of, chunk))
                    report("people with new events", min((n + 1) * BATCH, len(scope)), len(scope))
            report("rules run", 1, 1)
            _update_queue(run, found, scope)
    except Exception as exc:
        Run.objects.filter(pk=run.pk).update(
            status=Run.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def _update_queue(run: Run, found: dict[int, list[Match]], scope: list[int] | None) -> None:
    """Open, refresh and lapse candidacies for the people the run looked at."""
    # Locked until the run commits: a decision taken meanwhile waits, then finds the
    # version changed and is refused; one taken before is not open and not touched.
    open_now = Candidate.objects.select_for_update().filter(status=Candidate.Status.OPEN)
    existing: dict[int, Candidate] = {}
    if scope is None:
        existing = {c.person_id: c for c in open_now}
    else:
        for chunk in _chunks(scope):
            existing.update((c.person_id, c) for c in open_now.filter(person_id__in=chunk))
    creates: list[Candidate] = []
    updates: list[Candidate] = []
    fields = [
        "service", "as_of", "score", "events_counted", "last_event_on", "also_fits", "run",
        "version",
    ]  # fmt: skip
    for person_id, fits in found.items():
        best, others = fits[0], [m.service_id for m in fits[1:]]
        values = {
            "service_id": best.service_id,
            "as_of": run.as_of,
            "score": best.score,
            "events_counted": best.events_counted,
            "last_event_on": best.last_event_on,
            "also_fits": others,
        }
        candidate = existing.pop(person_id, None)
        if candidate is None:
            creates.append(
                Candidate(person_id=person_id, first_found_on=run.as_of, run=run, **values)
            )
        elif any(getattr(candidate, k) != v for k, v in values.items()):
            for name, value in values.items():
                setattr(candidate, name, value)
            candidate.run = run
            candidate.version += 1
            updates.append(candidate)
    lapsing = sorted(c.pk for c in existing.values())  # looked at, fits no more
    Candidate.objects.bulk_create(creates, batch_size=1000)
    Candidate.objects.bulk_update(updates, fields, batch_size=1000)
    for chunk in _chunks(lapsing):
        Candidate.objects.filter(pk__in=chunk, status=Candidate.Status.OPEN).update(
            status=Candidate.Status.LAPSED, decided_on=run.as_of, version=F("version") + 1
        )
    run.status = Run.Status.FINISHED
    run.finished_at = timezone.now()
    run.people_evaluated = len(scope) if scope is not None else 0
    run.found, run.created, run.updated, run.lapsed = (
        len(found),
        len(creates),
        len(updates),
        len(lapsing),
    )
    run.save()
