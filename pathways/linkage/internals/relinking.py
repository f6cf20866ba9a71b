"""A full re-link (`pathways link --full`): re-train the model on every record, score
every candidate pair, and redraw the people, keeping every decision a person made.

The people are the clusters of auto-linked pairs, formed strongest pair first and only
as the rules allow (`constraints`): accepted pairs are joined whatever the
model says, rejected ones never. A cluster keeps the id of the person most of its
records had, so that person ids stay stable unless a merge or split changes them; what
belongs to a person alone goes where most of their records went. The blocking keys and
frequencies incremental matching reads are rebuilt. All of it is one transaction: a
run that fails changes nothing, and a run can always be repeated.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa
from django.db import connection, transaction
from django.utils import timezone

from pathways.bulk_load import indexes_set_aside
from pathways.linkage.internals.blocking import write_stored_keys
from pathways.linkage.internals.bulk_sql import update_from_rows
from pathways.linkage.internals.constraints import (
    KEPT_APART,
    SAME_AGENCY_UNPROVEN,
    Clusters,
    Group,
    pair_scores,
)
from pathways.linkage.internals.frequencies import ANY_VALUE, FIELDS, MIN_RECORDS
from pathways.linkage.internals.identity import refresh_identity
from pathways.linkage.internals.matching import LINK_FIELDS
from pathways.linkage.internals.merging import redirect
from pathways.linkage.internals.model import connection as duckdb_connection
from pathways.linkage.internals.model import ignore_frequencies, linker_for, train
from pathways.linkage.internals.model_store import current_model, save_model
from pathways.linkage.internals.preparation import prepare_values
from pathways.linkage.internals.thresholds import thresholds
from pathways.linkage.models import LinkFrequency, LinkKey, LinkReview
from pathways.people.models import AgencyRecord, Person

# Fewer records than this are too few to train on: the model in force is used.
MIN_TRAINING_RECORDS = 20_000
# A first load of at least this many records is linked in one full run.
FIRST_LOAD_RECORDS = 100_000

Progress = Callable[[str, int, int], None]


@dataclass
class RelinkOutcome:
    records: int = 0
    trained: bool = False
    skipped_blocks: list[str] = field(default_factory=list)
    pairs: int = 0
    people_before: int = 0
    people_after: int = 0
    records_moved: int = 0
    to_review: int = 0
    # Decisions a person made, and how many of them the model alone would have made.
    decisions: int = 0
    decisions_agreed: int = 0
    seconds: float = 0.0


def _quiet(stage: str, done: int, total: int) -> None:
    pass


def relink_everyone(*, train_model: bool = True, progress: Progress = _quiet) -> RelinkOutcome:
    """Re-link every record (see the module docstring); `progress(stage, done, total)`."""
    started = time.perf_counter()
    outcome = RelinkOutcome()
    with transaction.atomic():
        progress("reading the records", 0, 0)
        records, table = _read_records()
        outcome.records = len(records)
        outcome.people_before = len({r.person for r in records.values()})
        con = duckdb_connection()
        try:
            scored, keys, counts = _score_everyone(con, table, train_model, outcome, progress)
        finally:
            con.close()
        del table  # the model's input: no longer needed, and a million records' worth
        outcome.pairs = len(scored)
        progress("forming people", 0, len(scored))
        _compare_with_decisions(scored, outcome)
        clusters, confidence, queue = _cluster(records, scored)
        del scored
        progress("moving records", 0, len(records))
        _redraw_people(records, clusters, confidence, outcome)
        progress("queueing pairs for review", 0, len(queue))
        outcome.to_review = _queue_reviews(queue)
        progress("storing blocking keys", 0, 0)
        _store_keys_and_frequencies(keys, counts)
    outcome.people_after = Person.objects.count()
    outcome.seconds = time.perf_counter() - started
    return outcome


def is_first_load(new_records: int = 0) -> bool:
    """Whether the records held, with `new_records` about to land, are a first load: no
    record ever matched, and at least `FIRST_LOAD_RECORDS` of them."""
    if AgencyRecord.objects.filter(linked_at__isnull=False).exists():
        return False
    return AgencyRecord.objects.count() + new_records >= FIRST_LOAD_RECORDS


def link_first_load(progress: Progress = _quiet) -> RelinkOutcome | None:
    """Link a first load (`is_first_load`) at once, in one full run with the model in
    force: matched in batches, each against all the records before it, a million records
    take four times as long. None, doing nothing, when the records are not a first load
    (records are then matched as they land)."""
    if not is_first_load():
        return None
    return relink_everyone(train_model=False, progress=progress)


class Held(NamedTuple):
    """What a full run keeps of each record once the model's input is made: little, as a
    million records are held at once."""

    person: int
    agency: str
    born: str | None  # ISO date of birth


# Records prepared together: the model's input is built a slice at a time, so that the
# records as read never all sit in memory at once.
_SLICE = 100_000
_BORN = LINK_FIELDS.index("date_of_birth")


def _read_records() -> tuple[dict[int, Held], pa.Table]:
    """Every record's person, agency and date of birth, and the model's input table."""
    records: dict[int, Held] = {}
    tables = []
    rows = (
        AgencyRecord.objects.order_by("pk").values_list(*LINK_FIELDS, "person_id").iterator(10_000)
    )
    while chunk := list(islice(rows, _SLICE)):
        for row in chunk:
            born = row[_BORN]
            records[row[0]] = Held(row[-1], row[1], born.isoformat() if born else None)
        tables.append(prepare_values(row[:-1] for row in chunk))
    return records, pa.concat_tables(tables) if tables else prepare_values([])


def _score_everyone(
    con: Any, table: Any, train_model: bool, outcome: RelinkOutcome, progress: Progress
) -> tuple[list[tuple[int, int, float, float]], str, list[tuple[str, str, int]]]:
    """Every candidate pair at or above the review threshold, the file of the records'
    stored keys (`blocking.write_stored_keys`) and the fields' value counts."""
    if train_model and table.num_rows >= MIN_TRAINING_RECORDS:
        progress("training the model", 0, 0)
        linker = linker_for(con, table)
        outcome.skipped_blocks = train(linker)
        save_model(linker.misc.save_model_to_json())
        outcome.trained = True
    else:
        linker = linker_for(con, table, current_model())
    counts = []
    for name in FIELDS:
        for value, n in con.execute(
            f"SELECT {name}, count(*) FROM link_input WHERE {name} IS NOT NULL GROUP BY {name}"
        ).fetchall():
            counts.append((name, value, n))
        # As incremental matching does (people.frequencies): too few values, no shares.
        if sum(n for field, _, n in counts if field == name) < MIN_RECORDS:
            ignore_frequencies(linker, con, name)
    progress("scoring candidate pairs", 0, 0)
    predictions = linker.inference.predict(threshold_match_probability=thresholds().review)
    scored = [
        (int(a), int(b), p, w)
        for a, b, p, w in con.execute(
            "SELECT unique_id_l, unique_id_r, match_probability, match_weight "
            f"FROM {predictions.physical_name}"
        ).fetchall()
    ]
    keys = str(Path(tempfile.mkdtemp(prefix="pathways-link-")) / "keys.csv")
    write_stored_keys(table, keys)
    return scored, keys, counts


def _compare_with_decisions(
    scored: list[tuple[int, int, float, float]], outcome: RelinkOutcome
) -> None:
    """How many of the decisions people made the model agrees with: the reviewed pairs
    are labels the model is checked against. (They are not used to estimate its
    parameters: they are the pairs the model found hardest, not a sample of matches,
    and would bend the weights towards them.)"""
    auto_link = thresholds().auto_link
    linked = {(min(a, b), max(a, b)) for a, b, p, _ in scored if p >= auto_link}
    for a, b, status in LinkReview.objects.exclude(status=LinkReview.Status.PENDING).values_list(
        "record_a_id", "record_b_id", "status"
    ):
        outcome.decisions += 1
        outcome.decisions_agreed += ((a, b) in linked) == (status == LinkReview.Status.ACCEPTED)


def _cluster(
    records: dict[int, Held], scored: list[tuple[int, int, float, float]]
) -> tuple[Clusters, dict[int, tuple[str, float]], dict[tuple[int, int], tuple[float, float, str]]]:
    """Records joined strongest pair first, as the rules and decisions allow; each linked
    record's link method and confidence; the pairs a person should look at."""
    bands = thresholds()
    decided = {
        (a, b): status
        for a, b, status in LinkReview.objects.exclude(
            status=LinkReview.Status.PENDING
        ).values_list("record_a_id", "record_b_id", "status")
    }
    rejected = [pair for pair, status in decided.items() if status == LinkReview.Status.REJECTED]
    edges = {(min(a, b), max(a, b)): (p, w) for a, b, p, w in scored}
    for pair, decision in decided.items():
        if decision == LinkReview.Status.ACCEPTED and pair[0] in records and pair[1] in records:
            edges.setdefault(pair, (1.0, float("inf")))
    # Only records in a pair can join another: the rest stay people of their own.
    paired = {rid for pair in edges for rid in pair}
    clusters = Clusters(
        {rid: Group.of([(rid, records[rid].agency, records[rid].born)]) for rid in paired},
        rejected,
        pair_scores(
            ((a, b, p) for (a, b), (p, _) in edges.items()),
            (pair for pair, status in decided.items() if status == LinkReview.Status.ACCEPTED),
        ),
        bands,
    )
    confidence: dict[int, tuple[str, float]] = {}
    queue: dict[tuple[int, int], tuple[float, float, str]] = {}
    ordered = sorted(
        edges.items(),
        key=lambda e: (decided.get(e[0]) != LinkReview.Status.ACCEPTED, -e[1][0]),
    )
    for (a, b), (p, w) in ordered:
        status = decided.get((a, b))
        if status == LinkReview.Status.REJECTED:
            continue
        accepted = status == LinkReview.Status.ACCEPTED
        if p < bands.auto_link and not accepted:
            queue.setdefault((a, b), (p, w, "the model is unsure"))
            continue
        if clusters.find(a) == clusters.find(b):
            continue
        why = clusters.conflict(a, b, (a, b))
        if why == KEPT_APART:
            continue
        if why and not accepted:
            if why != SAME_AGENCY_UNPROVEN:  # see `constraints`
                queue.setdefault((a, b), (p, w, why))
            continue
        clusters.join(a, b)
        for rid in (a, b):
            method = "reviewed" if accepted else "probabilistic"
            if method == "reviewed" or confidence.get(rid, ("", 0.0))[1] < p:
                confidence[rid] = (method, 1.0 if accepted else p)
    queue = {
        pair: why
        for pair, why in queue.items()
        if pair not in decided and clusters.find(pair[0]) != clusters.find(pair[1])
    }
    return clusters, confidence, queue


def _redraw_people(
    records: dict[int, Held],
    clusters: Clusters,
    confidence: dict[int, tuple[str, float]],
    outcome: RelinkOutcome,
) -> None:
    members: dict[int, list[int]] = {}
    for rid in records:
        members.setdefault(clusters.find(rid) if rid in clusters else rid, []).append(rid)
    # Each cluster keeps the person id most of its records had, biggest cluster first.
    taken: dict[int, int] = {}
    person_of_cluster: dict[int, int] = {}
    for root, rids in sorted(members.items(), key=lambda m: (-len(m[1]), min(m[1]))):
        held = Counter(records[r].person for r in rids)
        for person, _ in sorted(held.items(), key=lambda h: (-h[1], h[0])):
            if person not in taken:
                taken[person] = root
                person_of_cluster[root] = person
                break
    homeless = [root for root in members if root not in person_of_cluster]
    made = Person.objects.bulk_create([Person() for _ in homeless])
    person_of_cluster.update(zip(homeless, (p.pk for p in made), strict=True))
    cluster_of = {rid: root for root, rids in members.items() for rid in rids}
    target = {rid: person_of_cluster[cluster_of[rid]] for rid in records}
    moved = {rid for rid, r in records.items() if r.person != target[rid]}
    outcome.records_moved = len(moved)
    old_people = {records[rid].person for rid in moved}
    retired = old_people - set(taken)
    # What belongs to a retired person alone goes where most of their records went.
    went: dict[int, Counter[int]] = {}
    for rid, r in records.items():
        if r.person in retired:
            went.setdefault(r.person, Counter())[target[rid]] += 1
    heirs = {person: counts.most_common(1)[0][0] for person, counts in went.items()}
    # Every record is written once (its person, how it is linked, and that it was
    # matched now), then what came from the records that moved follows them.
    sizes = {rid: len(members[c]) for rid, c in cluster_of.items()}
    _write_records(target, sizes, confidence)
    redirect({rid: target[rid] for rid in moved}, heirs, records_moved=True)
    refresh_identity(set(target[rid] for rid in moved) | old_people - retired)


def _write_records(
    target: dict[int, int], sizes: dict[int, int], confidence: dict[int, tuple[str, float]]
) -> None:
    """Give every record its person (`target`) and link method (by the number of records
    of its person, `sizes`, and how it was joined, `confidence`), and mark it matched
    now: one UPDATE of every record (a full run matches them all)."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ids = list(target)
    # The table's indexes are kept while it is rewritten (43 s of the 49 at a million):
    # rebuilt after an UPDATE in the same transaction, PostgreSQL may not use them until
    # it ends (the rewritten rows' HOT chains: `indcheckxmin`), and the people the run
    # retires were then deleted at a full scan of the records each.
    # A slice at a time: a million rows' parameters at once would double the run's peak.
    for start in range(0, len(ids), _SLICE):
        rows: list[tuple[int, int, str, float, Any]] = []
        for rid in ids[start : start + _SLICE]:
            if sizes[rid] == 1:
                method, share = AgencyRecord.LinkMethod.SINGLE.value, 1.0
            else:
                # A record joined only through others takes its cluster's weakest link.
                method, share = confidence.get(rid, ("probabilistic", 0.0))
            rows.append((rid, target[rid], method, share, now))
        update_from_rows(
            AgencyRecord._meta.db_table,
            "id",
            ["person_id", "link_method", "link_confidence", "linked_at"],
            rows,
            ("bigint", "bigint", "text", "float8", "timestamptz"),
        )


def _queue_reviews(queue: dict[tuple[int, int], tuple[float, float, str]]) -> int:
    """Bring the pending reviews in line with `queue`: pairs the model now links, or no
    longer doubts, need no look; pairs still doubtful keep their place, re-scored."""
    pending = {
        (r.record_a_id, r.record_b_id): r
        for r in LinkReview.objects.filter(status=LinkReview.Status.PENDING)
    }
    LinkReview.objects.filter(
        pk__in=[r.pk for pair, r in pending.items() if pair not in queue]
    ).delete()
    kept = []
    for pair, review in pending.items():
        if pair in queue:
            review.probability, review.match_weight, review.why = queue[pair]
            kept.append(review)
    LinkReview.objects.bulk_update(kept, ["probability", "match_weight", "why"], batch_size=2_000)
    LinkReview.objects.bulk_create(
        [
            LinkReview(record_a_id=a, record_b_id=b, probability=p, match_weight=w, why=why)
            for (a, b), (p, w, why) in sorted(queue.items())
            if (a, b) not in pending
        ],
        batch_size=5_000,
        ignore_conflicts=True,
    )
    return len(queue)


def _store_keys_and_frequencies(keys: str, counts: list[tuple[str, str, int]]) -> None:
    """Replace the blocking keys with those in the CSV file `keys` (removed after), and
    the frequencies with `counts`."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # TRUNCATE refuses a table with foreign-key checks still deferred in this
                # transaction: run them now, then defer again.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {LinkKey._meta.db_table}, {LinkFrequency._meta.db_table}")
                # The keys (about sixteen a record) go into the empty table with its
                # indexes built after, in one sorted pass each (`pathways.bulk_load`).
                with indexes_set_aside(
                    cursor, None, keep_unique=True, table=LinkKey._meta.db_table, unique=""
                ):
                    _insert_csv(LinkKey._meta.db_table, ("key", "record_id"), keys)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            else:
                for model in (LinkKey, LinkFrequency):
                    cursor.execute(f"DELETE FROM {model._meta.db_table}")
                _insert_csv(LinkKey._meta.db_table, ("key", "record_id"), keys)
    finally:
        shutil.rmtree(Path(keys).parent, ignore_errors=True)
    totals: Counter[str] = Counter()
    for name, _, n in counts:
        totals[name] += n
    LinkFrequency.objects.bulk_create(
        [LinkFrequency(field=f, value=v, records=n) for f, v, n in counts]
        + [LinkFrequency(field=f, value=ANY_VALUE, records=n) for f, n in totals.items()],
        batch_size=5_000,
    )


def _insert_csv(table: str, columns: tuple[str, ...], path: str) -> None:
    """A CSV file of many rows into a table: COPY on PostgreSQL, batched inserts elsewhere."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            statement = f"COPY {table} ({names}) FROM STDIN (FORMAT csv)"
            with open(path, "rb") as source, cursor.cursor.copy(statement) as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            return
        marks = ", ".join(["%s"] * len(columns))
        with open(path, encoding="utf-8", newline="") as source:
            rows = csv.reader(source)
            while batch := [tuple(row) for _, row in zip(range(10_000), rows, strict=False)]:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
