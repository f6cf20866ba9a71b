"""Setting a partnership up: its configuration and the demo."""

from django.apps import AppConfig


class SetupConfig(AppConfig):
    name = "pathways.setup"
    label = "setup"
