"""What a merge of two people means for identification (linkage.signals.people_merging)."""

from __future__ import annotations

from typing import Any

from pathways.identification.models import Candidate


def lapse_absorbed_candidacy(*, kept: int, absorbed: int, **_: Any) -> list[list[Any]]:
    """A person has one open identification candidacy at most: when both people have one,
    the absorbed person's lapses (an undo reopens it). The changes made, for the undo."""
    if not Candidate.objects.filter(person_id=kept, status=Candidate.Status.OPEN).exists():
        return []
    changes: list[list[Any]] = []
    for pk in Candidate.objects.filter(
        person_id=absorbed, status=Candidate.Status.OPEN
    ).values_list("pk", flat=True):
        changes.append(["identification.Candidate", pk, "status", "open", "lapsed"])
        Candidate.objects.filter(pk=pk).update(status=Candidate.Status.LAPSED)
    return changes
