"""Loading many rows into PostgreSQL at once: build the indexes after, not during.

Shared by the importers (`feeds`) and a full re-link (`linkage`), below both.

Inserting a million rows into `events_event` (or `people_agencyrecord`) while maintaining
its secondary indexes and checking its foreign keys row by row takes several times
longer than inserting
into the bare table and then building each index in one sorted pass and validating the
key with one join (PostgreSQL's "Populating a Database" advice). It pays when the rows
added are at least as many as the rows already there, as on a first load.

Everything happens inside the import's transaction: dropping and re-creating is
transactional in PostgreSQL, so an interrupted import leaves the indexes as they were.
The cost is that readers of the table wait for the import to commit (seconds), so it is
kept for loads that large. The primary key stays, and the one-row-per-reference unique
index unless the insert cannot meet a stored reference (events rely on it: ON CONFLICT).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# progress(done, total, stage), as the importers report it (`feeds.sinks.Progress`).
Progress = Callable[[int, int, str], None]

TABLE = "events_event"
UNIQUE_REF = "one_event_per_ref"
# Below this many new rows, building indexes afresh never beats maintaining them.
MINIMUM_ROWS = 100_000


def bulk_load_pays(cursor: Any, new_rows: int, table: str = TABLE) -> bool:
    """Whether `new_rows` is enough to set the indexes of `table` aside while they are
    added."""
    if new_rows < MINIMUM_ROWS:
        return False
    cursor.execute(f"SELECT reltuples FROM pg_class WHERE oid = '{table}'::regclass")
    stored = max(0.0, float(cursor.fetchone()[0]))  # -1 for a table never analysed
    return new_rows >= stored


@contextmanager
def indexes_set_aside(
    cursor: Any,
    progress: Progress | None,
    *,
    keep_unique: bool,
    table: str = TABLE,
    unique: str = UNIQUE_REF,
) -> Iterator[None]:
    """Drop the secondary indexes and foreign keys of `table` (events_event); on leaving
    the block, re-create them exactly as they were (their definitions read from the
    catalogue).

    `keep_unique=False` sets aside the one-row-per-reference constraint `unique` too: only
    for an insert that cannot meet a stored reference. Re-creating it checks that all the
    same, so an import running at the same time with the same references fails whole.
    """
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [table],
    )
    primary_key = cursor.fetchone()[0]
    kept = [primary_key, unique] if keep_unique else [primary_key]
    cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
    # Foreign-key checks still queued in this transaction would forbid altering the
    # tables they concern: run them now.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = %s AND NOT (indexname = ANY(%s))",
        [table, kept],
    )
    indexes = cursor.fetchall()
    constraints = []
    if not keep_unique:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND conname = %s",
            [table, unique],
        )
        constraints = cursor.fetchall()
        indexes = [(name, d) for name, d in indexes if name != unique]
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    for name, _ in [*foreign_keys, *constraints]:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for done, (_, definition) in enumerate(indexes):
        if progress:
            progress(done, len(indexes), "building indexes")
        cursor.execute(definition)
    for name, definition in [*constraints, *foreign_keys]:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    # The table has at least doubled: without fresh statistics the next import's plans
    # would take it for the size it was.
    cursor.execute(f"ANALYZE {table}")
