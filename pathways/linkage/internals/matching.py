"""Matching records as they land: each new record against the people already known.

An import gives every new record a person of its own, then asks here which of them are
someone already known. In batches: the batch's blocking keys are stored and its probe
keys looked up (`blocking`), the candidate pairs scored with the trained model
(`scoring`), and then, strongest pair first,

- a pair at or above the auto-link threshold joins the new record to the other's person,
  unless a rule forbids it (`constraints`) or it would join two people
  already known: those pairs go to the review queue instead;
- a pair in the review band goes to the review queue;
- a pair a person has decided is linked (accepted) or never linked (rejected),
  whatever the score.

Re-running is safe: only records never matched (`linked_at` empty) are matched.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from pathways.linkage.internals.blocking import record_keys
from pathways.linkage.internals.bulk_sql import (
    alongside,
    insert_rows,
    rows_matching,
    update_from_rows,
)
from pathways.linkage.internals.constraints import (
    KEPT_APART,
    SAME_AGENCY_UNPROVEN,
    Clusters,
    Group,
    pair_scores,
)
from pathways.linkage.internals.frequencies import FIELDS, apply_changes, count_changes, frequencies
from pathways.linkage.internals.identity import refresh_identity
from pathways.linkage.internals.merging import detach_record, move_people
from pathways.linkage.internals.model_store import current_model
from pathways.linkage.internals.preparation import LinkRecord, prepare, prepare_values
from pathways.linkage.internals.scoring import (
    Score,
    frequencies_only_when_equal,
    pair_tables,
    score_pairs,
)
from pathways.linkage.internals.thresholds import Thresholds, thresholds
from pathways.linkage.models import LinkKey, LinkReview
from pathways.people.models import AgencyRecord

ACCEPTED = LinkReview.Status.ACCEPTED
# Records matched together: enough to amortise the scoring query, few enough that one
# batch's pairs stay small.
BATCH = 2_000
# The agency record's fields the model reads, in `linkage_model.prepare_values`' order.
LINK_FIELDS = (
    "id", "agency_id", "given_key", "family_key", "date_of_birth", "sex", "postcode",
    "address",
)  # fmt: skip
_VALUES = (*LINK_FIELDS, "person_id", "link_method", "link_confidence", "unlinked")
# `unlinked` is read as a flag: converting thousands of timestamps costs more than the
# query.
_SELECTED = (*_VALUES[:-1], "linked_at IS NULL")


@dataclass
class MatchOutcome:
    """What matching did: records matched, joined to another person, review pairs."""

    records: int = 0
    pairs_scored: int = 0
    linked: int = 0
    to_review: int = 0

    def add(self, other: MatchOutcome) -> None:
        self.records += other.records
        self.pairs_scored += other.pairs_scored
        self.linked += other.linked
        self.to_review += other.to_review


def link_record_of(record: AgencyRecord) -> LinkRecord:
    """How the model sees an agency record."""
    return _link_record({name: getattr(record, name) for name in LINK_FIELDS} | {"id": record.pk})


def link_values(values: dict[str, Any]) -> tuple[Any, ...]:
    """A record read as a dict holding `LINK_FIELDS`, as `prepare_values` takes it."""
    return (
        values["id"], values["agency_id"], values["given_key"], values["family_key"],
        values["date_of_birth"], values["sex"], values["postcode"], values["address"],
    )  # fmt: skip


def _link_record(values: dict[str, Any]) -> LinkRecord:
    born = values["date_of_birth"]
    return LinkRecord(
        unique_id=str(values["id"]),
        agency=values["agency_id"],
        given_key=values["given_key"],
        family_key=values["family_key"],
        date_of_birth=born.isoformat() if isinstance(born, dt.date) else born,
        sex=values["sex"],
        postcode=values["postcode"],
        address=values["address"],
    )


def _load(ids: Iterable[int], *, unlinked: bool = False) -> dict[int, dict[str, Any]]:
    """The records `ids` as dicts of `_VALUES` (with `unlinked`: those never matched)."""
    found = rows_matching(AgencyRecord._meta.db_table, _SELECTED, "id", sorted(set(ids)))
    return {
        row[0]: dict(zip(_VALUES, row, strict=True)) for row in found if not unlinked or row[-1]
    }


def pending_record_ids() -> list[int]:
    """Records never matched against the others."""
    return list(
        AgencyRecord.objects.filter(linked_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def link_new_records(
    record_ids: Iterable[int],
    *,
    model: dict[str, Any] | None = None,
    bands: Thresholds | None = None,
    progress: Any = None,
) -> MatchOutcome:
    """Match the records `record_ids` never matched (others are left alone) against
    every record, in batches of BATCH; `progress(done)` is called after each batch."""
    ids = sorted(set(record_ids))
    model = model or current_model()
    bands = bands or thresholds()
    outcome = MatchOutcome()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with _collector_paused():
            outcome.add(_link_batch(batch, model, bands))
        if progress is not None:
            progress(len(batch))
    return outcome


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused: a batch makes hundreds of thousands of short-lived
    rows (none in a cycle, so reference counting frees them all), which would set off
    full collections over the whole heap, a tenth of a second each. The pause is the
    whole process's, for the batch's second or so."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@transaction.atomic
def _link_batch(ids: Sequence[int], model: dict[str, Any], bands: Thresholds) -> MatchOutcome:
    """Match the records `ids` never matched: find, read and score their candidates,
    then decide (see the module docstring). One transaction."""
    new = _load(ids, unlinked=True)
    outcome = MatchOutcome(records=len(new))
    if not new:
        return outcome
    new_table = prepare_values(map(link_values, new.values()))
    new_rows = new_table.to_pylist()
    stored, probed = record_keys(new_rows)
    candidates = _candidate_pairs(probed, stored)
    others = _load({r for pair in candidates for r in pair} - set(new))
    records = {**others, **new}
    # A key whose record is gone (deleted outside Django: the keys table keeps no
    # constraint) finds nothing.
    pairs = sorted((a, b) for a, b in candidates if a in records and b in records)
    changes = count_changes(new_rows)
    shares = new_records_shares(model, new_table, changes)

    def store() -> None:
        # Records never matched hold no keys yet: their keys and `linked_at` are written
        # in one transaction, and a change of identity removes both (`record_changed`).
        insert_rows(LinkKey._meta.db_table, ("key", "record_id"), [(k, int(u)) for u, k in stored])
        apply_changes(changes)

    # The server stores the keys and counts while the candidates are scored, unless the
    # frequencies are to be read after them.
    stored_all = alongside(store, at_once=shares is None)
    try:
        table = new_table
        if others:
            table = pa.concat_tables([table, prepare_values(map(link_values, others.values()))])
        scores = _score(model, table, pairs, shares)
    finally:
        stored_all()
    outcome.pairs_scored = len(scores)
    _decide(new, records, scores, bands, outcome)
    return outcome


def new_records_shares(
    model: dict[str, Any], new: pa.Table, changes: dict[tuple[str, str], int]
) -> dict[str, dict[str, float]] | None:
    """The term frequencies a batch of `new` records (prepared; `changes`: their counts,
    not stored yet) needs: those of their values, as every pair holds a new record and a
    frequency counts only where a pair agrees. None when the model counts frequencies
    elsewhere too (`scoring.frequencies_only_when_equal`): then every value's."""
    if not frequencies_only_when_equal(model):
        return None
    return frequencies(_values_of(new), changes)


def _values_of(table: pa.Table) -> dict[str, list[str]]:
    return {field: pc.unique(table[field]).drop_null().to_pylist() for field in FIELDS}


def _candidate_pairs(
    probed: Sequence[tuple[str, int]], stored: Sequence[tuple[str, int]]
) -> set[tuple[int, int]]:
    """Record pairs (lower id first) where one's probe key is the other's key: among the
    keys in the table, and among the batch's own keys (`stored`, not in the table yet)."""
    probing: dict[int, list[int]] = {}
    for uid, key in probed:
        probing.setdefault(key, []).append(int(uid))
    found = rows_matching(LinkKey._meta.db_table, ("key", "record_id"), "key", sorted(probing))
    pairs: set[tuple[int, int]] = set()
    add = pairs.add
    for key, other in [*found, *((k, int(u)) for u, k in stored if k in probing)]:
        for rid in probing[key]:
            if rid < other:
                add((rid, other))
            elif rid > other:
                add((other, rid))
    return pairs


def _score(
    model: dict[str, Any],
    table: pa.Table,
    pairs: Sequence[tuple[int, int]],
    shares: dict[str, dict[str, float]] | None,
) -> list[tuple[int, int, Score]]:
    """Score `pairs` of record ids, the records prepared in `table`, with the term
    frequencies `shares` (None: those of every value in `table`)."""
    if not pairs:
        return []
    if shares is None:
        shares = frequencies(_values_of(table))
    position = {int(uid): n for n, uid in enumerate(table["unique_id"].to_pylist())}
    left = pa.array([position[a] for a, _ in pairs], pa.int64())
    right = pa.array([position[b] for _, b in pairs], pa.int64())
    sides = pair_tables(table, left, right, shares)
    return [(int(s.left), int(s.right), s) for s in score_pairs(model, *sides)]


def _decide(
    new: dict[int, dict[str, Any]],
    records: dict[int, dict[str, Any]],
    scores: list[tuple[int, int, Score]],
    bands: Thresholds,
    outcome: MatchOutcome,
) -> None:
    """Join new records to people from the strongest pair down; queue the doubtful."""
    # People's decisions on pairs of these records (the queue's pending pairs are not).
    # Every pair scored holds a new record, and two people already known are never
    # joined here, so the decisions on new records are all that count.
    decided: dict[tuple[int, int], str] = {
        (a, b): status
        for side in ("record_a_id", "record_b_id")
        for a, b, status in rows_matching(
            LinkReview._meta.db_table, ("record_a_id", "record_b_id", "status"), side, sorted(new)
        )
        if status != LinkReview.Status.PENDING
    }
    person_of = {rid: v["person_id"] for rid, v in records.items()}
    # The records as they stand of each person a pair could join (new ones included):
    # the rules are checked against all of them. Other pairs are queued or left.
    joinable = {
        person_of[rid]
        for a, b, score in scores
        if score.probability >= bands.auto_link or decided.get((a, b)) == ACCEPTED
        for rid in (a, b)
    }
    members: dict[int, list[tuple[int, str, str | None]]] = {}
    for rid, person, agency, born in rows_matching(
        AgencyRecord._meta.db_table,
        ("id", "person_id", "agency_id", "date_of_birth"),
        "person_id",
        sorted(joinable),
    ):
        # A raw query: SQLite gives the date as ISO text already.
        shown = born.isoformat() if isinstance(born, dt.date) else born or None
        members.setdefault(person, []).append((rid, agency, shown))
        person_of[rid] = person
    fresh = {p for p, rs in members.items() if all(rid in new for rid, _, _ in rs)}
    clusters = Clusters(
        {p: Group.of(rs) for p, rs in members.items()},
        [
            (person_of[a], person_of[b])
            for (a, b), status in decided.items()
            if status == LinkReview.Status.REJECTED and a in person_of and b in person_of
        ],
        pair_scores(
            ((a, b, score.probability) for a, b, score in scores),
            (pair for pair, status in decided.items() if status == ACCEPTED),
        ),
        bands,
    )

    def find(person: int) -> int:
        return clusters.find(person) if person in joinable else person

    confidence: dict[int, float] = {}
    queue: dict[tuple[int, int], tuple[Score, str]] = {}
    ordered = sorted(
        scores,
        # Ties in record order: DuckDB's threads return the scores in no fixed order.
        key=lambda t: (decided.get((t[0], t[1])) != ACCEPTED, -t[2].probability, t[0], t[1]),
    )
    for a, b, score in ordered:
        status = decided.get((a, b))
        if status == LinkReview.Status.REJECTED:
            continue
        accepted = status == ACCEPTED
        if score.probability < bands.auto_link and not accepted:
            if score.probability >= bands.review and status is None:
                queue.setdefault((a, b), (score, "the model is unsure"))
            continue
        x, y = find(person_of[a]), find(person_of[b])
        if x == y:
            continue
        if x not in fresh and y not in fresh:
            if status is None:
                queue.setdefault((a, b), (score, "linking would join two people already known"))
            continue
        why = clusters.conflict(x, y, (a, b))
        if why == KEPT_APART:
            continue
        if why and not accepted:  # a person's decision outweighs the rules
            if why != SAME_AGENCY_UNPROVEN:  # see `constraints`
                queue.setdefault((a, b), (score, why))
            continue
        # A person already known keeps their id; two new ones keep the lower.
        if x in fresh and y in fresh:
            clusters.join(min(x, y), max(x, y))
        else:
            clusters.join(*((y, x) if x in fresh else (x, y)))
        confidence[a] = max(confidence.get(a, 0.0), 1.0 if accepted else score.probability)
        confidence[b] = max(confidence.get(b, 0.0), 1.0 if accepted else score.probability)

    moved = {p: find(p) for p in members if find(p) != p}
    # Only people of new records are absorbed (a person already known keeps their id),
    # so the new records' one UPDATE moves every record that moves.
    _mark_linked(new, records, confidence, {rid: find(person_of[rid]) for rid in new})
    move_people(moved, records_moved=True)
    outcome.linked = len(moved)
    targets = set(moved.values())
    if targets:
        refresh_identity(targets)
    reviews = [
        LinkReview(
            record_a_id=a,
            record_b_id=b,
            probability=score.probability,
            match_weight=score.match_weight,
            why=why,
        )
        for (a, b), (score, why) in queue.items()
        if find(person_of[a]) != find(person_of[b])
    ]
    LinkReview.objects.bulk_create(reviews, ignore_conflicts=True)
    outcome.to_review = len(reviews)


def _mark_linked(
    new: dict[int, dict[str, Any]],
    records: dict[int, dict[str, Any]],
    confidence: dict[int, float],
    person: dict[int, int],
) -> None:
    """Mark the new records matched and give them their `person` now, and the records
    linked how sure the link is (a record linked by a person's decision stays
    `reviewed`): one UPDATE for the new records, one for the others linked."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    changed: dict[int, tuple[str, float]] = {}
    for rid in sorted(set(new) | set(confidence)):
        record = records[rid]
        changed[rid] = (record["link_method"], record["link_confidence"])
        if rid in confidence and record["link_method"] != AgencyRecord.LinkMethod.REVIEWED:
            changed[rid] = (AgencyRecord.LinkMethod.PROBABILISTIC.value, confidence[rid])
    table = AgencyRecord._meta.db_table
    update_from_rows(
        table,
        "id",
        ["person_id", "link_method", "link_confidence", "linked_at"],
        [(rid, person[rid], *changed[rid], now) for rid in sorted(new)],
        ("bigint", "bigint", "text", "float8", "timestamptz"),
    )
    update_from_rows(
        table,
        "id",
        ["link_method", "link_confidence"],
        [(rid, *link) for rid, link in changed.items() if rid not in new],
        ("bigint", "text", "float8"),
    )


def record_changed(
    record_id: int, before: LinkRecord, *, was_linked: bool, rematch: bool, link: bool = True
) -> None:
    """A re-import changed the record `record_id`; `before` is how the model saw it. Its
    keys and the frequencies follow the change, and it is matched again; with `rematch`
    (its names or date of birth changed) it first leaves the person it shared, so that
    the match is decided afresh (decisions a person made still hold). Without `link`
    (linking deferred) it is left unmatched, for `pathways link`."""
    if was_linked:
        apply_changes(count_changes([], prepare([before]).to_pylist()))
    LinkKey.objects.filter(record_id=record_id).delete()
    if rematch:
        detach_record(record_id)
    AgencyRecord.objects.filter(pk=record_id).update(linked_at=None)
    if link:
        link_new_records([record_id])
