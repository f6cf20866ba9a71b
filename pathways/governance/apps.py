"""Governance work: subject access, retention, research extracts, the DPO's audit queries."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "pathways.governance"
    label = "governance"

    def ready(self) -> None:
        # A job fails with its background task, in whichever process sees the task fail
        # (the worker, or the next one after it died): connect the receiver everywhere.
        from pathways.governance import jobs  # noqa: F401
