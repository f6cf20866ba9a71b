"""What no score can override: records that cannot be one person.

Two records of the same agency are never linked (an agency that holds two references for
one person merges them itself). A person whose dates of birth conflict beyond the errors
the model allows (`linkage_clusters.dates_agree`: day and month swapped, one or two
characters off) is not formed automatically: the pair goes to a person for review.
`linkage_clusters.cluster` applies the same rules to scored pairs alone (the benches);
`Clusters` here adds the decisions people made and says why a join is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pathways.linkage.internals.clusters import dates_agree


@dataclass
class Group:
    """Records taken to be one person while linking: their agencies and dates of birth."""

    agencies: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, records: Iterable[tuple[str, str | None]]) -> Group:
        group = cls()
        for agency, born in records:
            group.agencies.add(agency)
            if born:
                group.dates.add(born)
        return group

    def conflict_with(self, other: Group) -> str:
        """Why the two groups cannot be one person, or "" when they can."""
        if self.agencies & other.agencies:
            return "both people have a record from the same agency"
        for mine in self.dates:
            for theirs in other.dates:
                if not dates_agree(mine, theirs):
                    return f"dates of birth conflict ({mine} and {theirs})"
        return ""

    def absorb(self, other: Group) -> None:
        self.agencies |= other.agencies
        self.dates |= other.dates


KEPT_APART = "a person decided these records are different people"


class Clusters:
    """Items (records, or people) joined into clusters only as the rules allow.

    Each item starts as a cluster of its own with its `Group`; `rejected` are pairs of
    items a person decided are different people, and no cluster may hold both."""

    def __init__(self, groups: dict[int, Group], rejected: Iterable[tuple[int, int]] = ()) -> None:
        self._root = {item: item for item in groups}
        self._groups = groups
        self._rejected = [(a, b) for a, b in rejected if a in groups and b in groups]

    def find(self, item: int) -> int:
        root = self._root
        while root[item] != item:
            root[item] = root[root[item]]
            item = root[item]
        return item

    def conflict(self, x: int, y: int) -> str:
        """Why the clusters of `x` and `y` cannot be one person, or "" when they can."""
        x, y = self.find(x), self.find(y)
        ends = {x, y}
        if any({self.find(a), self.find(b)} == ends for a, b in self._rejected):
            return KEPT_APART
        return self._groups[x].conflict_with(self._groups[y])

    def join(self, kept: int, joined: int) -> None:
        """Make the cluster of `joined` part of the cluster of `kept` (its root stays)."""
        kept, joined = self.find(kept), self.find(joined)
        if kept != joined:
            self._root[joined] = kept
            self._groups[kept].absorb(self._groups[joined])

    def items(self) -> list[int]:
        return list(self._root)
