"""The synthetic partnership as the linkage model sees it, with the truth: each agency
record as a `LinkRecord` and the pairs of records that are truly one person (for the
linkage tests and benches)."""

from __future__ import annotations

from itertools import combinations

from pathways.linkage.services import LinkRecord
from pathways.people.names import name_key
from pathways.synth.population import generate, iter_people_rows, iter_truth_rows


def link_records_with_truth(
    people: int, seed: int
) -> tuple[list[LinkRecord], set[tuple[str, str]]]:
    """The records of `people` synthetic people (`generate(people, seed)`), their unique
    ids `AGENCY/REF`, and every pair of ids (lower first) that is one true person."""
    data = generate(people, seed=seed)
    rows = list(iter_people_rows(data))
    truth = {(t["agency"], t["person_ref"]): t["true_person"] for t in iter_truth_rows(data)}
    records = [
        LinkRecord(f"{r['agency']}/{r['person_ref']}", r["agency"], name_key(r["given_name"]),
                   name_key(r["family_name"]), r["date_of_birth"] or None, r["sex"],
                   r["postcode"], r["address"])
        for r in rows
    ]  # fmt: skip
    same: dict[str, list[str]] = {}
    for r in rows:
        same.setdefault(truth[(r["agency"], r["person_ref"])], []).append(
            f"{r['agency']}/{r['person_ref']}"
        )
    pairs = {(min(a, b), max(a, b)) for ids in same.values() for a, b in combinations(ids, 2)}
    return records, pairs
