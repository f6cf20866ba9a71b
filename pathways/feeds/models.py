"""Import runs: each file an agency sent, what it held, and the rows it rejected or
replaced."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        FINISHED = "finished"
        FAILED = "failed"

    kind = models.CharField(max_length=16)  # people, events, referrals
    file_name = models.CharField(max_length=500)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    operator = models.CharField(max_length=150, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    rows_read = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the whole file was refused, if it was.")

    class Meta:
        db_table = "events_importrun"  # created by the events app (docs/decisions/0009)
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"import {self.kind} {self.file_name} ({self.status})"


class RejectedRow(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejected_rows")
    line = models.PositiveIntegerField()
    column = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=500)
    row = models.JSONField(default=dict)

    class Meta:
        db_table = "events_rejectedrow"  # created by the events app
        ordering = ["run", "line"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class SupersededRow(models.Model):
    """The previous content of an imported row that a later import updated."""

    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True)
    kind = models.CharField(max_length=16)
    key = models.CharField(max_length=200)
    content = models.JSONField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "events_supersededrow"  # created by the events app
        indexes = [models.Index(fields=["kind", "key"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} before {self.replaced_at:%Y-%m-%d %H:%M}"
