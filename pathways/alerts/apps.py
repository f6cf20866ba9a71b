"""Alerts to workers about people on their caseload."""

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "pathways.alerts"
    label = "alerts"
