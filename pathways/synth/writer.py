"""Writing a synthetic partnership as interchange CSV files (INTERCHANGE.md).

One pass over the population writes all four files, streaming: memory stays flat however
many people there are.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from pathways.synth.population import (
    EVENT_COLUMNS,
    PEOPLE_COLUMNS,
    REFERRAL_COLUMNS,
    TRUTH_COLUMNS,
    SynthData,
)

FILES: dict[str, tuple[str, tuple[str, ...]]] = {
    "people": ("people.csv", PEOPLE_COLUMNS),
    "events": ("events.csv", EVENT_COLUMNS),
    "referrals": ("referrals.csv", REFERRAL_COLUMNS),
    "truth": ("truth.csv", TRUTH_COLUMNS),
}
BUFFER_BYTES = 1 << 20


def write_csvs(data: SynthData, out_dir: Path) -> dict[str, Path]:
    """Write people.csv, events.csv, referrals.csv and truth.csv into `out_dir` (created if
    need be) and return their paths by name (`people`, `events`, `referrals`, `truth`).

    UTF-8 without BOM, RFC 4180 quoting, `\\n` line ends. Each file is written under a
    temporary name and renamed into place when complete, so an interrupted run never leaves
    a truncated file that looks finished.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / file for name, (file, _) in FILES.items()}
    partial = {name: path.with_name(path.name + ".partial") for name, path in paths.items()}
    handles = {
        name: path.open("w", encoding="utf-8", newline="", buffering=BUFFER_BYTES)
        for name, path in partial.items()
    }
    try:
        people, events, referrals, truth = (
            csv.writer(handles[name], lineterminator="\n") for name in FILES
        )
        for name, writer in zip(FILES, (people, events, referrals, truth), strict=True):
            writer.writerow(FILES[name][1])
        for house in data.households():
            people.writerows(house.people)
            events.writerows(house.events)
            if house.referrals:
                referrals.writerows(house.referrals)
            truth.writerows(house.truth)
    except BaseException:
        for handle in handles.values():
            handle.close()
        for path in partial.values():
            path.unlink(missing_ok=True)
        raise
    for handle in handles.values():
        handle.close()
    for name, path in paths.items():
        os.replace(partial[name], path)
    return paths
