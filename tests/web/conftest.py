"""Fixtures for the page tests: the Glasgow configuration and a small world (world.py)."""

from __future__ import annotations

import pytest
from django.conf import settings

from pathways.setup.configuration import apply_config, load_config

from .world import World, build_world


@pytest.fixture(autouse=True)
def partnership(db: None) -> None:
    """The Glasgow configuration (idempotent: tests/conftest.py may have loaded it)."""
    apply_config(load_config(settings.PATHWAYS_CONFIG_DIR))


@pytest.fixture
def world(partnership: None) -> World:
    return build_world()
