"""Writing a synthetic partnership as interchange CSV files (INTERCHANGE.md)."""

from __future__ import annotations

import csv
from pathlib import Path

from pathways.events.imports.formats import (
    EVENT_COLUMNS,
    PEOPLE_COLUMNS,
    REFERRAL_COLUMNS,
    TRUTH_COLUMNS,
)
from pathways.synth.population import SynthData

FILES = {
    "people": ("people.csv", PEOPLE_COLUMNS),
    "events": ("events.csv", EVENT_COLUMNS),
    "referrals": ("referrals.csv", REFERRAL_COLUMNS),
    "truth": ("truth.csv", TRUTH_COLUMNS),
}


def write_csvs(data: SynthData, out_dir: Path) -> dict[str, Path]:
    """Write people.csv, events.csv, referrals.csv and truth.csv in one pass; their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / file for name, (file, _) in FILES.items()}
    handles = {name: path.open("w", encoding="utf-8", newline="") for name, path in paths.items()}
    try:
        writers = {
            name: csv.DictWriter(handles[name], fieldnames=FILES[name][1], lineterminator="\n")
            for name in FILES
        }
        for writer in writers.values():
            writer.writeheader()
        for house in data:
            writers["people"].writerows(house.people)
            writers["events"].writerows(house.events)
            writers["referrals"].writerows(house.referrals)
            writers["truth"].writerows(house.truth)
    finally:
        for handle in handles.values():
            handle.close()
    return paths
