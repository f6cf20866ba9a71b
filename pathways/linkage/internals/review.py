"""Deciding the pairs in the linkage review queue, and explaining them.

A decision is kept on the pair (`LinkReview`) and re-applied on every re-link: "same
person" merges the two people now (`linkage.internals.merging`) and keeps them together;
"different people" keeps them apart, whatever the model says later.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from pathways.audit.log import record_access
from pathways.linkage.internals.frequencies import FIELDS, frequencies
from pathways.linkage.internals.matching import link_record_of
from pathways.linkage.internals.merging import LinkChangeRefused, merge_people
from pathways.linkage.internals.model_store import current_model
from pathways.linkage.internals.preparation import prepare
from pathways.linkage.internals.scoring import Part, Score, prior_weight, score_pairs, scoring_table
from pathways.linkage.models import LinkChange, LinkReview
from pathways.people.models import AgencyRecord


def explain(record_a: AgencyRecord, record_b: AgencyRecord) -> Score:
    """The pair's score under the model in force, with each comparison's part of the
    match weight (the review page's waterfall)."""
    left, right = (prepare([link_record_of(r)]).to_pylist()[0] for r in (record_a, record_b))
    shares = frequencies({f: {left[f] or "", right[f] or ""} for f in FIELDS})
    model = current_model()
    return score_pairs(
        model,
        scoring_table([left], [0], shares),
        scoring_table([right], [0], shares),
        explain=True,
    )[0]


# What each compared field is called on the review page.
FIELD_NAMES = {
    "given": "Given name", "family": "Family name", "dob": "Date of birth", "sex": "Sex",
    "postcode": "Postcode", "address": "Address",
}  # fmt: skip


@dataclass(frozen=True)
class WaterfallStep:
    """One comparison's part of the weight, the running total after it (bits), and its
    bar's width (percent of the largest part)."""

    name: str
    part: Part
    running: float
    width: int


@dataclass(frozen=True)
class Waterfall:
    """A pair's match weight built up from the prior, comparison by comparison."""

    prior: float
    prior_width: int
    steps: tuple[WaterfallStep, ...]
    score: Score


def waterfall(record_a: AgencyRecord, record_b: AgencyRecord) -> Waterfall:
    """The pair's score as the review page draws it: the prior (bits), each field's part
    of the weight with the running total, and the probability."""
    score = explain(record_a, record_b)
    prior = prior_weight(current_model())
    largest = max([abs(prior), 1.0] + [abs(p.weight) for p in score.parts])
    steps, running = [], prior
    for part in score.parts:
        running += part.weight
        steps.append(
            WaterfallStep(
                name=FIELD_NAMES.get(part.comparison, part.comparison),
                part=part,
                running=running,
                width=round(100 * abs(part.weight) / largest),
            )
        )
    return Waterfall(prior, round(100 * abs(prior) / largest), tuple(steps), score)


@transaction.atomic
def decide(review: LinkReview, *, same_person: bool, reason: str, by: User) -> LinkChange | None:
    """Record a person's decision on a pending pair; with `same_person`, merge the two
    people (the one with the lower id keeps it). Returns the merge, if any."""
    review = LinkReview.objects.select_for_update().get(pk=review.pk)
    if review.status != LinkReview.Status.PENDING:
        raise LinkChangeRefused("this pair has already been decided")
    if not reason.strip():
        raise LinkChangeRefused("say why")
    a = AgencyRecord.objects.get(pk=review.record_a_id)
    b = AgencyRecord.objects.get(pk=review.record_b_id)
    if same_person:
        if a.person_id == b.person_id:
            raise LinkChangeRefused("these records are already one person")
        kept, absorbed = sorted((a.person_id, b.person_id))
        return merge_people(kept, absorbed, by=by, reason=reason, review=review)
    if a.person_id == b.person_id:
        raise LinkChangeRefused(
            "these records are one person now: split them apart on the person's records page"
        )
    review.status = LinkReview.Status.REJECTED
    review.decided_by, review.decided_at, review.reason = by, timezone.now(), reason
    review.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    record_access(
        by, action="link_keep_apart", allowed=True, person_ids={a.person_id, b.person_id},
        categories=["identity"], detail=f"pair {review.pk} kept apart: {reason}",
    )  # fmt: skip
    return None
