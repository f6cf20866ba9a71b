"""The outcome tests run on the Glasgow configuration (services, agencies, areas)."""

from __future__ import annotations

import pytest
from django.conf import settings

from pathways.setup.configuration import apply_config, load_config


@pytest.fixture(autouse=True)
def partnership(db: None) -> None:
    apply_config(load_config(settings.PATHWAYS_CONFIG_DIR))
