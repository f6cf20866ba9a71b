"""People from scored pairs: clusters of agency records, under the product's rules.

Linking is transitive (records linked through a third are one person), so a single
wrong link can merge two people. Two rules keep clusters plausible:

- one record per agency: an agency holds one record of a person, so two records of the
  same agency are never one person;
- dates of birth that agree: every two dates of birth in a cluster are the same, have
  day and month swapped, or are one or two characters off (unknown dates agree with
  any).

Pairs are taken strongest first, and a pair whose clusters would break a rule is left
out: the stronger links already made decide which person a record belongs to. Pure
Python, no Django, so the import and the benches share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def dates_agree(left: str, right: str) -> bool:
    """Whether two ISO dates of birth may be the same person's: equal, day and month
    swapped, or at most two characters off (a swap of neighbours counts as one)."""
    if left == right:
        return True
    if len(left) == len(right):
        if len(left) == 10 and left[:5] == right[:5]:
            if left[5:7] == right[8:10] and left[8:10] == right[5:7]:
                return True
        if sum(a != b for a, b in zip(left, right, strict=True)) <= 2:
            return True  # substitutions alone: no need for the full distance
    return _edits(left, right, most=2) <= 2


def _edits(left: str, right: str, most: int) -> int:
    """Damerau-Levenshtein distance (optimal string alignment) of two short strings, or
    more than `most` as soon as it must be."""
    before: list[int] = []
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i]
        for j, b in enumerate(right, 1):
            cost = 0 if a == b else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        if min(current) > most:
            return most + 1
        before, previous = previous, current
    return previous[-1]


def cluster(
    pairs: Iterable[tuple[str, str, float]],
    records: Mapping[str, tuple[str, str | None]],
    threshold: float,
) -> dict[str, str]:
    """Each record's cluster (named by one of its records) from scored pairs
    `(id, id, match probability)`: pairs at or above `threshold`, strongest first, join
    the clusters of their records unless the joined cluster would hold two records of one
    agency or dates of birth that disagree (`dates_agree`). `records`: every record's
    agency and date of birth (None when unknown); a record in no pair is its own cluster.
    Pairs may come in any order (already sorted, strongest first, is quickest)."""
    parent: dict[str, str] = {}
    agencies: dict[str, set[str]] = {}
    births: dict[str, set[str]] = {}

    def root(uid: str) -> str:
        if uid not in parent:  # first seen: a cluster of its own
            agency, born = records[uid]
            parent[uid], agencies[uid], births[uid] = uid, {agency}, {born} if born else set()
            return uid
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    strongest = sorted((p for p in pairs if p[2] >= threshold), key=lambda p: (-p[2], p[0], p[1]))
    for left, right, _ in strongest:
        a, b = root(left), root(right)
        if a == b or agencies[a] & agencies[b]:
            continue
        if not all(dates_agree(x, y) for x in births[a] for y in births[b]):
            continue
        if len(agencies[a]) < len(agencies[b]):
            a, b = b, a
        parent[b] = a
        agencies[a] |= agencies.pop(b)
        births[a] |= births.pop(b)
    return {uid: root(uid) if uid in parent else uid for uid in records}
