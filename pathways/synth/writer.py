"""Writing a synthetic partnership as interchange CSV files (INTERCHANGE.md).

One pass over the population writes all four files, streaming: memory stays flat however
many people there are.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from pathways.feeds.formats import (
    ASSESSMENT_COLUMNS,
    COURT_REPORT_COLUMNS,
    ORDER_COLUMNS,
    PLAN_COLUMNS,
    REVIEW_COLUMNS,
    SESSION_COLUMNS,
)
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
    # Justice social work's casework (CASEWORK.md "Feeds"), in the order they import.
    "orders": ("orders.csv", ORDER_COLUMNS),
    "sessions": ("sessions.csv", SESSION_COLUMNS),
    "court_reports": ("court_reports.csv", COURT_REPORT_COLUMNS),
    "plans": ("plans.csv", PLAN_COLUMNS),
    "reviews": ("reviews.csv", REVIEW_COLUMNS),
    "assessments": ("assessments.csv", ASSESSMENT_COLUMNS),
}
CASEWORK_FILES = ("orders", "sessions", "court_reports", "plans", "reviews", "assessments")
BUFFER_BYTES = 1 << 20


def write_csvs(data: SynthData, out_dir: Path, *, casework: bool = True) -> dict[str, Path]:
    """Write people.csv, events.csv, referrals.csv, truth.csv and justice social work's
    six casework files into `out_dir` (created if need be) and return their paths by name
    (`people`, `events`, `referrals`, `truth`, `orders`, `sessions`, ...); without
    `casework`, only the first four (benchmarks that do not read casework).

    UTF-8 without BOM, RFC 4180 quoting, `\\n` line ends. Each file is written under a
    temporary name and renamed into place when complete, so an interrupted run never leaves
    a truncated file that looks finished.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {n: f for n, f in FILES.items() if casework or n not in CASEWORK_FILES}
    paths = {name: out_dir / file for name, (file, _) in files.items()}
    partial = {name: path.with_name(path.name + ".partial") for name, path in paths.items()}
    handles = {
        name: path.open("w", encoding="utf-8", newline="", buffering=BUFFER_BYTES)
        for name, path in partial.items()
    }
    try:
        writers = {name: csv.writer(handles[name], lineterminator="\n") for name in files}
        for name, writer in writers.items():
            writer.writerow(FILES[name][1])
        people, events, referrals, truth = (
            writers[n] for n in ("people", "events", "referrals", "truth")
        )
        for house in data.households():
            people.writerows(house.people)
            events.writerows(house.events)
            if house.referrals:
                referrals.writerows(house.referrals)
            truth.writerows(house.truth)
            for name in CASEWORK_FILES if casework else ():
                rows = getattr(house.casework, name)
                if rows:
                    writers[name].writerows(rows)
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
