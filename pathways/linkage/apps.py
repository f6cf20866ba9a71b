"""Identity linkage: which agency records are one person."""

from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "pathways.linkage"
    label = "linkage"
