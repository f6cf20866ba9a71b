"""A person with a justice social work record, and the projects unpaid work is done on."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.casework.models import Project
from tests.world import make_person


@pytest.fixture
def record(config_loaded):
    person = make_person("Pat", "Order", dt.date(1990, 1, 1), records=(("HSCP_CJSW", "C1990"),))
    return person.records.get()


@pytest.fixture
def squad(db) -> Project:
    return Project.objects.create(code="GARDENS", name="Community gardens", kind="squad")


@pytest.fixture
def learning(db) -> Project:
    return Project.objects.create(code="LEARN", name="Learning", kind="other_activity")
