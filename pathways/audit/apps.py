"""The access audit: every look at person data, chained with a keyed hash."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "pathways.audit"
    label = "audit"
