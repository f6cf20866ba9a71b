"""Agency feeds: importers, import runs, and what follows an import."""

from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "pathways.feeds"
    label = "feeds"
