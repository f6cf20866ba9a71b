"""One row per `pathways worker` process: who it is and when it last said it was alive."""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    """A worker's heartbeat: written when it starts, then every few seconds while it runs
    (`heartbeat.Beater`); marked stopped when it exits cleanly. A row whose last beat is
    older than `heartbeat.STALE_AFTER_SECONDS` and not stopped is a worker that died."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    # The machine boot and process-id namespace the pid belongs to (heartbeat.process_space).
    process_space = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField()
    last_beat_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_beat_at"]
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"


class OrphanedTask(models.Model):
    """A task found RUNNING after the worker running it died (`orphans.sweep`): it was
    marked failed, and queued again as `rerun_as` when it is safe to re-run. The record
    the administrator reads (Django's admin) beside the task's own."""

    task_id = models.UUIDField(unique=True)  # the failed task (django_tasks_db's DBTaskResult)
    task_path = models.TextField()
    worker_id = models.CharField(max_length=64)  # the worker that died
    worker_last_beat_at = models.DateTimeField(null=True, blank=True)  # None: it never beat
    found_at = models.DateTimeField()
    found_by = models.CharField(max_length=64)  # the worker that swept it up
    rerun_as = models.UUIDField(null=True, blank=True)  # the copy queued, if any
    # How many times in a row this piece of work has lost its worker (1: the first time).
    attempt = models.PositiveSmallIntegerField(default=1)
    outcome = models.TextField()  # what happened, in words (also in the task's traceback)

    class Meta:
        ordering = ["-found_at"]
        verbose_name = "task orphaned by a dead worker"
        verbose_name_plural = "tasks orphaned by dead workers"

    def __str__(self) -> str:
        return f"{self.task_path} ({self.task_id})"
