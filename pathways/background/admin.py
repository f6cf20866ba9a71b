"""The background worker in the admin, read-only, for the administrator: the workers'
last beats, the tasks (django-tasks-db's own list, with who ran each and why it failed),
and the tasks swept up after their worker died."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from pathways.background.heartbeat import is_stale
from pathways.background.models import OrphanedTask, WorkerBeat


class ReadOnly(admin.ModelAdmin):
    """Written by the workers alone."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnly):
    list_display = ("worker_id", "host", "pid", "started_at", "last_beat_at", "state")

    @admin.display(description="state")
    def state(self, beat: WorkerBeat) -> str:
        if beat.stopped_at is not None:
            return "stopped"
        return "not beating (dead?)" if is_stale(beat.last_beat_at, timezone.now()) else "running"


@admin.register(OrphanedTask)
class OrphanedTaskAdmin(ReadOnly):
    list_display = ("found_at", "task_path", "task_id", "worker_id", "rerun_as", "attempt")
    search_fields = ("task_id", "task_path", "worker_id")


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """django-tasks-db's list of tasks, with the worker that ran each and why it failed."""

    list_display = (*DBTaskResultAdmin.list_display, "worker", "failure")  # type: ignore[assignment]
    search_fields = ("id", "task_path", "exception_class_path")

    @admin.display(description="worker")
    def worker(self, task: DBTaskResult) -> str:
        return (task.worker_ids or ["-"])[-1]

    @admin.display(description="why it failed")
    def failure(self, task: DBTaskResult) -> str:
        return task.exception_class_path.rsplit(".", 1)[-1] if task.exception_class_path else ""
