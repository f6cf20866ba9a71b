"""The background worker: `pathways worker`, its heartbeat and the orphaned-task sweep."""

from django.apps import AppConfig


class BackgroundConfig(AppConfig):
    name = "pathways.background"
    label = "background"
    verbose_name = "Background worker"
