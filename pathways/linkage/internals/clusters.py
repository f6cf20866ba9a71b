"""People from scored pairs: clusters of agency records, under the product's rules.

Linking is transitive (records linked through a third are one person), so a single
wrong link can merge two people. So where a joined cluster would hold two records that
disagree, those two need evidence of their own (`refusal`):

- two records of one agency: an agency may hold two references for one person, but a
  third record that resembles both is no proof (one record sharing a name and a
  birthday with two of the police's people would make them one). At least one pair of
  the agency's records across the two clusters must itself have scored at or above the
  auto-link threshold. (At the review threshold instead, 100,000 synthetic records lost
  0.002 of precision: namesakes born the same day whose own pair was merely doubtful.)
- two dates of birth that disagree (not the same, not day and month swapped, more than
  two characters off, not 1 January of the same year; unknown dates agree with any):
  such a pair of records must itself have scored at or above the auto-link threshold.
  A strong pair whose dates disagree is one person with a wrong date; a chain through a
  record without a date is not.

Pairs are taken strongest first, and a pair whose clusters would break a rule is left
out: the stronger links already made decide which person a record belongs to. Pure
Python, no Django, so the import and the benches share it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

# A record in a cluster: (id, agency, date of birth or None).
Member = tuple[object, str, "str | None"]

SAME_AGENCY_UNPROVEN = (
    "two records of one agency would be one person, and no pair of them is evidence enough"
)


def refusal(
    left: Iterable[Member],
    right: Iterable[Member],
    score: Callable[[Any, Any], float],
    auto_link: float,
    bridge: tuple[Any, Any] | None = None,
) -> str:
    """Why the clusters holding `left` and `right` cannot be joined through the pair
    `bridge` (a record of each), or "" when they can: `score(a, b)` is the pair's own
    match probability (0 when never scored, 1 when a person accepted it). Dates of birth
    that disagree are excused by a strong pair of their own, or by a bridge whose two
    records both have a full date (`full_date`): what the rule keeps out is a chain
    through a record without one."""
    left, right = list(left), list(right)
    agencies: dict[str, tuple[list[object], list[object]]] = {}
    for rid, agency, _ in left:
        agencies.setdefault(agency, ([], []))[0].append(rid)
    for rid, agency, _ in right:
        if agency in agencies:
            agencies[agency][1].append(rid)
    for mine, theirs in agencies.values():
        if theirs and not any(score(a, b) >= auto_link for a in mine for b in theirs):
            return SAME_AGENCY_UNPROVEN
    if bridge is not None:
        dated = {rid for rid, _, born in (*left, *right) if full_date(born)}
        if bridge[0] in dated and bridge[1] in dated:
            return ""
    for a, _, born_a in left:
        for b, _, born_b in right:
            if born_a and born_b and not dates_agree(born_a, born_b):
                if score(a, b) < auto_link:
                    return f"dates of birth conflict ({born_a} and {born_b})"
    return ""


# A date of birth that says nothing: what a system fills in when it must have a date.
PLACEHOLDER_DATES = frozenset({"1900-01-01"})


def full_date(born: str | None) -> bool:
    """Whether a date of birth says the day: known, not a placeholder, not 1 January
    (the year alone, as a system that holds only the year writes it)."""
    return bool(born) and born not in PLACEHOLDER_DATES and born[4:] != "-01-01"  # type: ignore[index]


def dates_agree(left: str, right: str) -> bool:
    """Whether two ISO dates of birth may be the same person's: equal, day and month
    swapped, at most two characters off (a swap of neighbours counts as one), or one of
    them 1 January of the other's year (a system that holds the year alone writes it so)
    or a placeholder (`PLACEHOLDER_DATES`, as unknown)."""
    if left == right or left in PLACEHOLDER_DATES or right in PLACEHOLDER_DATES:
        return True
    if left[:4] == right[:4] and (left[4:] == "-01-01" or right[4:] == "-01-01"):
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
    refused: dict[tuple[str, str], str] | None = None,
) -> dict[str, str]:
    """Each record's cluster (named by one of its records) from scored pairs
    `(id, id, match probability)`: pairs at or above `threshold`, strongest first, join
    the clusters of their records unless `refusal` says no. `records`: every record's
    agency and date of birth (None when unknown); a record in no pair is its own cluster.
    `refused`, when given, is filled with each pair left out and why (as `refusal`)."""
    pairs = list(pairs)
    scores = {(a, b) if a < b else (b, a): p for a, b, p in pairs if p >= threshold}

    def score(a: Any, b: Any) -> float:
        return scores.get((a, b) if a < b else (b, a), 0.0)

    parent: dict[str, str] = {}
    members: dict[str, list[Member]] = {}

    def root(uid: str) -> str:
        if uid not in parent:  # first seen: a cluster of its own
            parent[uid], members[uid] = uid, [(uid, *records[uid])]
            return uid
        while parent[uid] != uid:
            parent[uid] = parent[parent[uid]]
            uid = parent[uid]
        return uid

    strongest = sorted((p for p in pairs if p[2] >= threshold), key=lambda p: (-p[2], p[0], p[1]))
    for left, right, _ in strongest:
        a, b = root(left), root(right)
        if a == b:
            continue
        why = refusal(members[a], members[b], score, threshold, (left, right))
        if why:
            if refused is not None:
                refused[(left, right)] = why
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        parent[b] = a
        members[a].extend(members.pop(b))
    return {uid: root(uid) if uid in parent else uid for uid in records}
