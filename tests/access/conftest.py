"""Fixtures for the door's tests: the shared world (tests/world.py)."""

from __future__ import annotations

import pytest

from tests.world import World, build_world


@pytest.fixture
def world(config_loaded: None) -> World:
    return build_world()
