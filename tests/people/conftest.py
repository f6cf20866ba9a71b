"""Fixtures for the people tests: records arrive through the people importer, as they do
in practice."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.events.imports.runner import import_file
from pathways.people.models import AgencyRecord

HEADER = "agency,person_ref,given_name,family_name,date_of_birth,sex"


@pytest.fixture
def load(tmp_path: Path):
    """load(*rows, kind="people", header=HEADER): import rows of CSV text."""
    files = iter(range(1000))

    def load(*rows: str, kind: str = "people", header: str = HEADER):
        path = tmp_path / f"{kind}-{next(files)}.csv"
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        run = import_file(kind, path)
        assert run.rejected == 0, list(run.rejected_rows.values_list("reason", flat=True))
        return run

    return load


def person_of(agency: str, ref: str) -> int:
    return AgencyRecord.objects.get(agency_id=agency, person_ref=ref).person_id
