"""Loading many events into PostgreSQL at once: build the indexes after, not during.

Inserting a million rows into `events_event` while maintaining its secondary indexes and
checking the record foreign key row by row takes several times longer than inserting
into the bare table and then building each index in one sorted pass and validating the
key with one join (PostgreSQL's "Populating a Database" advice). It pays when the rows
added are at least as many as the rows already there, as on a first load.

Everything happens inside the import's transaction: dropping and re-creating is
transactional in PostgreSQL, so an interrupted import leaves the indexes as they were.
The cost is that readers of `events_event` wait for the import to commit (seconds), so
it is kept for loads that large. The primary key and the one-event-per-reference unique
index stay, because the insert relies on them (ON CONFLICT).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pathways.feeds.sinks import Progress

TABLE = "events_event"
PRIMARY_KEY = "events_event_pkey"
UNIQUE_REF = "one_event_per_ref"
# Below this many new rows, building indexes afresh never beats maintaining them.
MINIMUM_ROWS = 100_000


def bulk_load_pays(cursor: Any, new_rows: int) -> bool:
    """Whether `new_rows` is enough to set the indexes aside while they are added."""
    if new_rows < MINIMUM_ROWS:
        return False
    cursor.execute(f"SELECT reltuples FROM pg_class WHERE oid = '{TABLE}'::regclass")
    stored = max(0.0, float(cursor.fetchone()[0]))  # -1 for a table never analysed
    return new_rows >= stored


@contextmanager
def indexes_set_aside(
    cursor: Any, progress: Progress | None, *, keep_unique: bool
) -> Iterator[None]:
    """Drop the secondary indexes and foreign keys of events_event; on leaving the block,
    re-create them exactly as they were (their definitions read from the catalogue).

    `keep_unique=False` sets aside the one-event-per-reference constraint too: only for
    an insert that cannot meet a stored reference. Re-creating it checks that all the
    same, so an import running at the same time with the same references fails whole.
    """
    kept = [PRIMARY_KEY, UNIQUE_REF] if keep_unique else [PRIMARY_KEY]
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    # Foreign-key checks still queued in this transaction would forbid altering the
    # tables they concern: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = %s AND NOT (indexname = ANY(%s))",
        [TABLE, kept],
    )
    indexes = cursor.fetchall()
    constraints = []
    if not keep_unique:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND conname = %s",
            [TABLE, UNIQUE_REF],
        )
        constraints = cursor.fetchall()
        indexes = [(name, d) for name, d in indexes if name != UNIQUE_REF]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [TABLE],
    )
    foreign_keys = cursor.fetchall()
    for name, _ in [*foreign_keys, *constraints]:
        cursor.execute(f'ALTER TABLE {TABLE} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for done, (_, definition) in enumerate(indexes):
        if progress:
            progress(done, len(indexes), "building indexes")
        cursor.execute(definition)
    for name, definition in [*constraints, *foreign_keys]:
        cursor.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
    # The table has at least doubled: without fresh statistics the next import's plans
    # would take it for the size it was.
    cursor.execute(f"ANALYZE {TABLE}")
