"""Pathways' linkage model on the synthetic partnership (issue 6 "Figures").

    .venv/bin/python -m bench.linkage [--sizes 100000,300000,1000000] [--people-csv FILE
                                       --truth-csv FILE]

The synthetic partnership's agency records (pathways.synth: records of the same person
at several agencies, with typos, nicknames, swapped dates, moves and missing fields) and
its truth file. For each size, the first N records (each size in a process of its own,
so its peak memory is its own) are prepared, the model trained without labels and the
candidate pairs scored; people are the clusters of auto-linked pairs under the product's
rules (pathways.linkage.internals.clusters). Printed: pairwise precision and recall of
auto-links (every pair inside a cluster), recall of auto-links and the review band
together, the share of records in a review pair, time and peak memory. Figures at
1,000,000 records: precision >= 0.995, recall >= 0.95; with the review band recall
>= 0.98 and the band under 2% of records; <= 90 s and <= 4 GiB.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def synthetic_files(records: int) -> tuple[Path, Path]:
    """people.csv and truth.csv of a synthetic partnership with at least `records`."""
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    work = Path(tempfile.mkdtemp(prefix="pathways-bench-linkage-"))
    people = int(records / 1.6) + 1000  # about 1.7 records a person
    print(f"generating {people:,} synthetic people…", flush=True)
    files = write_csvs(generate(people, seed=13), work)
    return files["people"], files["truth"]


def measure(size: int, people_csv: Path, truth_csv: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    import django

    django.setup()
    from pathways.linkage.internals.clusters import cluster
    from pathways.linkage.internals.model import connection, linker_for, train
    from pathways.linkage.internals.preparation import LinkRecord, prepare
    from pathways.linkage.internals.thresholds import thresholds
    from pathways.people.names import name_key

    with truth_csv.open(encoding="utf-8") as handle:
        truth = {(r["agency"], r["person_ref"]): r["true_person"] for r in csv.DictReader(handle)}
    records = []
    with people_csv.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if len(records) == size:
                break
            records.append(LinkRecord(
                f"{row['agency']}/{row['person_ref']}", row["agency"], name_key(row["given_name"]),
                name_key(row["family_name"]), row["date_of_birth"] or None, row["sex"],
                row["postcode"], row["address"]))  # fmt: skip
    same: dict[str, list[str]] = {}
    for r in records:
        same.setdefault(truth[tuple(r.unique_id.split("/", 1))], []).append(r.unique_id)  # type: ignore[arg-type]
    true_pairs = {tuple(sorted(p)) for ids in same.values() for p in combinations(ids, 2)}
    del truth, same
    bands = thresholds()

    started = time.perf_counter()
    con = connection()
    table = prepare(records)
    # What clustering needs of each record; the model keeps its own copy of the rest.
    born = {r.unique_id: (r.agency, str(r.date_of_birth or "") or None) for r in records}
    del records
    linker = linker_for(con, table)
    del table
    skipped = train(linker)
    trained = time.perf_counter() - started
    if skipped:
        print(f"  (training blocks given up: {', '.join(skipped)})", flush=True)
    scored = linker.inference.predict(threshold_match_probability=bands.review)
    rows = con.execute(  # strongest first, as clustering takes them
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {scored.physical_name}"
        " ORDER BY match_probability DESC, unique_id_l, unique_id_r"
    ).fetchall()

    # People are the clusters of auto-linked records: records linked through a third are
    # one person too (each pair inside a cluster counts). A cluster holds one record per
    # agency and dates of birth that agree (pathways.linkage.internals.clusters).
    members: dict[str, list[str]] = {}
    for uid, person in cluster(rows, born, bands.auto_link).items():
        members.setdefault(person, []).append(uid)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    auto = {tuple(sorted(p)) for ids in members.values() for p in combinations(ids, 2)}
    # The product queues every pair at or above `review` its people do not hold together
    # (doubtful, or refused by a rule).
    review = {tuple(sorted((a, b))) for a, b, _ in rows} - auto
    hits = len(auto & true_pairs)
    in_review = {uid for pair in review for uid in pair}
    precision, recall = hits / max(len(auto), 1), hits / len(true_pairs)
    with_review = len((auto | review) & true_pairs) / len(true_pairs)
    print(f"{size:,} records ({len(true_pairs):,} true pairs): auto-link precision "
          f"{precision:.4f}, recall {recall:.4f}; with the review band recall {with_review:.4f}; "
          f"review band {len(review):,} pairs, {len(in_review) / size:.2%} of records; "
          f"trained {trained:.1f} s, {seconds:.1f} s in all; peak {peak:.2f} GiB",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--people-csv", type=Path)
    parser.add_argument("--truth-csv", type=Path)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.measure, options.people_csv, options.truth_csv)
        return
    sizes = [int(s) for s in options.sizes.split(",")]
    people_csv, truth_csv = options.people_csv, options.truth_csv
    if not (people_csv and truth_csv):
        people_csv, truth_csv = synthetic_files(max(sizes))
    for size in sizes:
        subprocess.run([sys.executable, "-m", "bench.linkage", "--measure", str(size),
                        "--people-csv", str(people_csv), "--truth-csv", str(truth_csv)],
                       cwd=REPO, check=True)  # fmt: skip


if __name__ == "__main__":
    main()
