"""The data protection officer's jobs run from the pages: a subject access request, a
research extract, a retention run. Each runs in the background worker, shows its
progress on its page, and leaves its files for download in its own folder."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models


class GovernanceJob(models.Model):
    class Kind(models.TextChoices):
        SUBJECT_ACCESS = "subject_access", "subject access request"
        RESEARCH_EXTRACT = "research_extract", "research extract"
        RETENTION_DRY_RUN = "retention_dry_run", "retention: count what is due"
        RETENTION_APPLY = "retention_apply", "retention: remove what is due"

    class Status(models.TextChoices):
        QUEUED = "queued", "waiting for the worker"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    kind = models.CharField(max_length=24, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # What it was asked for: {"person_id": 12}, {"username": "robin"}, {}.
    params = models.JSONField(default=dict, blank=True)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)  # what it is doing now
    summary = models.TextField(blank=True)  # what it did, in words
    error = models.TextField(blank=True)  # why it failed
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk} ({self.status})"

    @property
    def folder(self) -> Path:
        """Where its files are written (person data: under VAR_DIR, never served as
        static files; downloaded through the job's page, audited)."""
        return Path(settings.PATHWAYS_JOBS_DIR) / f"job-{self.pk}"

    def files(self) -> list[str]:
        """The names of the files it wrote, for download."""
        if not self.folder.is_dir():
            return []
        return sorted(p.name for p in self.folder.iterdir() if p.is_file())

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0
