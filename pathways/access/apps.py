"""The one door: every fetch of person data shown to a user, checked and audited."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "pathways.access"
    label = "access"
