"""What follows an import, whoever ran it (the command line, a page, a test, the demo).

People are linked as each batch of their records lands (`feeds.people` asks
`linkage.services`), unless linking was deferred for a first load. After the files of
one import:
- events: the background worker is asked to alert workers to the new events and open
  the custody mentors' visits (`alert_on_new_events`; the import does not wait for it);
- events or referral history that changed anything: identification runs, for the people
  with new events (everyone, after referral history, which changes who is excluded).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from pathways.alerts.models import AlertScan
from pathways.alerts.scan import scan_new_events as scan_for_alerts
from pathways.cases.custody import open_visits
from pathways.feeds.models import ImportRun
from pathways.identification.models import Run
from pathways.identification.runs import identify
from pathways.people.scoping import outside_requests


@dataclass(frozen=True)
class AfterImport:
    """What followed an import: the identification run, if one was made."""

    identified: Run | None = None


def after_import(
    kind: str, runs: Sequence[ImportRun], announce: Callable[[str], object] | None = None
) -> AfterImport:
    """Do what follows an import of `kind` (people, events or referrals) whose files made
    `runs`; `announce`, if given, is told of each step before it starts."""
    created = sum(run.created for run in runs)
    changed = created + sum(run.updated for run in runs)
    if kind == "events" and created:
        alert_on_new_events.enqueue()
    identified = None
    if kind in ("events", "referrals") and changed and settings.PATHWAYS_IDENTIFY_AFTER_IMPORT:
        if announce:
            announce("identify: running the rules")
        identified = identify(timezone.localdate(), full=kind == "referrals")
    return AfterImport(identified=identified)


def scan_new_events() -> AlertScan:
    """Alert workers to the events that arrived since the last scan, and open a custody
    visit for each new custody episode among them (in the scan's transaction)."""
    return scan_for_alerts(also=[open_visits])


@task()
def alert_on_new_events() -> int:
    """The background worker's part of an import of events; how many alerts it raised.
    Background work is the system's own, outside any user's request."""
    with outside_requests():
        return scan_new_events().alerts
