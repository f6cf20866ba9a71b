"""The outcome tests run on the Glasgow configuration (services, agencies, areas)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def partnership(config_loaded: None) -> None:
    """The Glasgow configuration (tests/conftest.py's `config_loaded`)."""
