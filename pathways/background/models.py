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
