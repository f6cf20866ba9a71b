"""The test stages really run where they say they do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.db import connection

from pathways.partners.models import Service

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_database_is_the_one_database_url_names() -> None:
    url = os.environ.get("DATABASE_URL", "sqlite://")
    expected = "postgresql" if url.startswith("postgres") else "sqlite"
    assert connection.vendor == expected


@pytest.mark.django_db
def test_glasgow_partnership_is_loaded_into_the_test_database() -> None:
    adapt = Service.objects.get(code="ADAPT")
    assert adapt.provider_id == "INCLUDEM"
    assert (adapt.min_age, adapt.max_age) == (12, 25)


def test_front_end_packages_are_installed_into_static_not_committed() -> None:
    vendor = REPO / "pathways" / "static" / "vendor"
    assert (vendor / "design-system" / "css" / "design-system.min.css").is_file()
    assert (vendor / "htmx" / "htmx.min.js").is_file()
