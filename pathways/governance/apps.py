"""Governance work: subject access, retention, research extracts, the DPO's audit queries."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pathways.governance"
    label = "governance"
