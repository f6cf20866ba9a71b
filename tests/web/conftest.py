"""Fixtures for the page tests: the Glasgow configuration and the shared world
(tests/world.py)."""

from __future__ import annotations

import pytest

from tests.world import World, build_world


@pytest.fixture(autouse=True)
def partnership(config_loaded: None) -> None:
    """The Glasgow configuration (tests/conftest.py's `config_loaded`)."""


@pytest.fixture
def world(partnership: None) -> World:
    return build_world()
