"""Fixtures for the people tests: records arrive through the people importer, as they do
in practice."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.feeds.runner import import_file
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


@pytest.fixture(autouse=True)
def textbook_bands(settings, tmp_path_factory):
    """The thresholds these tests reason with (auto-link from 0.9, review from 0.5), so
    that their pairs are sure or doubtful by the model alone; Glasgow's own are tuned on
    a million records and lean on the clusters' rules (config/glasgow/linkage.toml)."""
    use_bands(settings, tmp_path_factory.mktemp("config"), auto_link=0.9, review=0.5)


def use_bands(settings, folder: Path, *, auto_link: float, review: float) -> None:
    """Point the configuration at a copy of Glasgow's with these linkage thresholds."""
    import shutil

    shutil.copytree(settings.PATHWAYS_CONFIG_DIR, folder, dirs_exist_ok=True)
    (folder / "linkage.toml").write_text(f"auto_link = {auto_link}\nreview = {review}\n")
    settings.PATHWAYS_CONFIG_DIR = folder
