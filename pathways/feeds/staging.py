"""A temporary staging table for bulk imports, filled the fastest way each database has.

PostgreSQL gets `COPY ... FROM STDIN` (psycopg 3); SQLite gets batched `executemany`
inside the connection's transaction. The table is TEMPORARY: it vanishes with the
connection, so an interrupted import leaves nothing half-staged behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

TEMP_BUFFERS = "256MB"


def give_temporary_tables_memory() -> None:
    """On PostgreSQL, let this session keep its staging tables in memory.

    `temp_buffers` (8 MB by default) can only be raised before the session first touches
    a temporary table; a session that already has is left as it is.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM pg_class WHERE relpersistence = 't' AND pg_table_is_visible(oid)"
        )
        if cursor.fetchone()[0] == 0:
            cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")


class StagingTable:
    """`CREATE TEMPORARY TABLE name (columns)`, appended to in buffered chunks."""

    def __init__(self, name: str, columns: Sequence[tuple[str, str]], flush_every: int = 20_000):
        self.name = name
        self.columns = [c for c, _ in columns]
        self.types = dict(columns)
        self.flush_every = flush_every
        self.buffer: list[tuple[Any, ...]] = []
        self.count = 0
        self.postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            spec = ", ".join(f"{c} {t}" for c, t in columns)
            cursor.execute(f"CREATE TEMPORARY TABLE {name} ({spec})")

    def append(self, row: tuple[Any, ...]) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        names = ", ".join(self.columns)
        with transaction.atomic(), connection.cursor() as cursor:
            if self.postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy:
                    for row in self.buffer:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                raw = cursor.cursor
                raw.executemany(f"INSERT INTO {self.name} ({names}) VALUES ({marks})", self.buffer)
        self.count += len(self.buffer)
        self.buffer = []

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
