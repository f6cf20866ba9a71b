"""Background tasks (django-tasks, database backend; the worker is `pathways db_worker`)."""

from __future__ import annotations

from django_tasks import task

from pathways.alerts.raising import scan_new_events


@task()
def alert_on_new_events() -> int:
    """Alert workers to the events that arrived since the last scan; how many alerts."""
    return scan_new_events().alerts
