"""What no score can override: records that cannot be one person, or not without more.

Where a join would put together two records that disagree (two records of one agency,
or dates of birth that conflict beyond the errors the model allows) those two need
evidence of their own (`clusters.refusal`); without it the pair goes to a person for
review, unless what is missing is a pair of one agency's records: that pair is queued on
its own when doubtful, and when it scored below the review band (or was never scored)
the agency's two records are different people and the pair refused is not worth a look.
(At 300,000 synthetic records 97% of such refused pairs were two namesakes of one
agency: queued, they were a third of the review band.)

`clusters.cluster` applies the same rules to scored pairs alone (the benches); `Clusters`
here adds the decisions people made and says why a join is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pathways.linkage.internals.clusters import SAME_AGENCY_UNPROVEN, Member, refusal
from pathways.linkage.internals.thresholds import Thresholds

__all__ = ["KEPT_APART", "SAME_AGENCY_UNPROVEN", "Clusters", "Group", "pair_scores"]

# A pair of records' own match probability (0 when never scored, 1 when accepted).
Score = Callable[[Any, Any], float]


@dataclass
class Group:
    """Records taken to be one person while linking: (id, agency, date of birth)."""

    members: list[Member] = field(default_factory=list)

    @classmethod
    def of(cls, records: Iterable[Member]) -> Group:
        return cls(list(records))


KEPT_APART = "a person decided these records are different people"


class Clusters:
    """Items (records, or people) joined into clusters only as the rules allow.

    Each item starts as a cluster of its own with its `Group`; `rejected` are pairs of
    items a person decided are different people, and no cluster may hold both; `score`
    gives a pair of records' own match probability, which `clusters.refusal` weighs with
    the `bands`."""

    def __init__(
        self,
        groups: dict[int, Group],
        rejected: Iterable[tuple[int, int]],
        score: Score,
        bands: Thresholds,
    ) -> None:
        self._root = {item: item for item in groups}
        self._groups = groups
        self._rejected = [(a, b) for a, b in rejected if a in groups and b in groups]
        self._score = score
        self._bands = bands

    def __contains__(self, item: int) -> bool:
        return item in self._root

    def find(self, item: int) -> int:
        root = self._root
        while root[item] != item:
            root[item] = root[root[item]]
            item = root[item]
        return item

    def conflict(self, x: int, y: int, bridge: tuple[int, int] | None = None) -> str:
        """Why the clusters of `x` and `y` cannot be one person, joined through the
        pair of records `bridge`, or "" when they can."""
        x, y = self.find(x), self.find(y)
        ends = {x, y}
        if any({self.find(a), self.find(b)} == ends for a, b in self._rejected):
            return KEPT_APART
        return refusal(
            self._groups[x].members,
            self._groups[y].members,
            self._score,
            self._bands.auto_link,
            bridge,
        )

    def join(self, kept: int, joined: int) -> None:
        """Make the cluster of `joined` part of the cluster of `kept` (its root stays)."""
        kept, joined = self.find(kept), self.find(joined)
        if kept != joined:
            self._root[joined] = kept
            self._groups[kept].members.extend(self._groups[joined].members)

    def items(self) -> list[int]:
        return list(self._root)


def pair_scores(
    scored: Iterable[tuple[int, int, float]], accepted: Iterable[tuple[int, int]]
) -> Score:
    """A `Score` from scored pairs of record ids `(a, b, probability)` and the pairs a
    person accepted (scored 1)."""
    known: dict[Any, float] = {(min(a, b), max(a, b)): p for a, b, p in scored}
    known.update({(min(a, b), max(a, b)): 1.0 for a, b in accepted})
    return lambda a, b: known.get((a, b) if a < b else (b, a), 0.0)
