"""Many rows in one statement, on PostgreSQL and SQLite alike.

Linking a batch of records changes a few hundred rows of several tables; a statement per
row (executemany) costs a round trip each. These send a chunk of rows as one VALUES list
(whose columns both databases call column1, column2, ...), or on PostgreSQL as one array
per column: a statement with thousands of placeholders costs more to prepare than to run.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

CHUNK = 1_000


_ALONGSIDE = threading.local()


@contextmanager
def _cursor() -> Iterator[Any]:
    """A cursor on this thread's database connection, or in `alongside`'s thread on the
    connection of the thread that started it."""
    raw = getattr(_ALONGSIDE, "connection", None)
    with raw.cursor() if raw is not None else connection.cursor() as cursor:
        yield cursor


def alongside(work: Callable[[], None], *, at_once: bool = False) -> Callable[[], None]:
    """Start `work` (writes made with this module's functions) in a thread of its own on
    this thread's connection and transaction; return a function that waits for it and
    raises what it raised. Meanwhile this thread may compute, but not use the database
    (a PostgreSQL connection takes one statement at a time, so a query would wait). The
    server then writes while Python works. With `at_once`, or elsewhere than on
    PostgreSQL, `work` runs at once, here."""
    if at_once or connection.vendor != "postgresql":
        work()
        return lambda: None
    connection.ensure_connection()
    raw = connection.connection
    # The database's errors raised as Django's (IntegrityError, ...), as on this thread.
    as_django_errors = connection.wrap_database_errors
    failed: list[BaseException] = []

    def run() -> None:
        _ALONGSIDE.connection = raw
        try:
            with as_django_errors:
                work()
        except BaseException as error:  # handed to the waiting thread
            failed.append(error)

    # The thread carries this one's context (the net under the door, people.scoping).
    thread = threading.Thread(target=contextvars.copy_context().run, args=(run,),
                              name="pathways-bulk-writes")  # fmt: skip
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]

    return wait


def _array(values: Sequence[Any]) -> Any:
    """A PostgreSQL array parameter: integers as one array literal (psycopg adapts a long
    list of ints value by value, several times slower), anything else as the list."""
    if values and all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"
    return list(values)


def _values(rows: Sequence[Sequence[Any]]) -> tuple[str, list[Any]]:
    width = len(rows[0])
    row = "(" + ", ".join(["%s"] * width) + ")"
    return ", ".join([row] * len(rows)), [value for r in rows for value in r]


def update_from_rows(
    table: str,
    match: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    types: Sequence[str] = (),
) -> None:
    """For each row (match value, then a value for each of `columns`), set `columns` of
    the rows of `table` whose `match` column holds the match value. On PostgreSQL the
    rows travel as one array per column (`types`: their SQL types, match first; a query
    with thousands of placeholders costs more to prepare than to run)."""
    if not rows:
        return
    sets = ", ".join(f"{c} = v.column{n}" for n, c in enumerate(columns, start=2))
    with _cursor() as cursor:
        if connection.vendor == "postgresql" and types:
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            names = ", ".join(f"column{n}" for n in range(1, len(types) + 1))
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) "
                f"WHERE {table}.{match} = v.column1",
                [_array(column) for column in zip(*rows, strict=True)],
            )
            return
        for start in range(0, len(rows), CHUNK):
            values, params = _values(rows[start : start + CHUNK])
            cursor.execute(
                f"UPDATE {table} SET {sets} FROM (VALUES {values}) AS v "
                f"WHERE {table}.{match} = v.column1",
                params,
            )


def add_to_counts(
    table: str,
    keys: Sequence[str],
    count: str,
    rows: Sequence[Sequence[Any]],
    types: Sequence[str] = (),
) -> None:
    """Add each row's last value to the `count` column of the row of `table` with the
    row's other values as `keys` (unique together), inserting the rows not there yet.
    Rows go in key order, so that two writers never wait on each other in a circle. On
    PostgreSQL (given the columns' SQL `types`) the rows travel as arrays."""
    names = ", ".join([*keys, count])
    ordered: list[tuple[Any, ...]] = sorted(tuple(r) for r in rows)
    if not ordered:
        return
    conflict = (
        f"ON CONFLICT ({', '.join(keys)}) "
        f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}"
    )
    with _cursor() as cursor:
        if connection.vendor == "postgresql" and types:
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {conflict}",
                [_array(column) for column in zip(*ordered, strict=True)],
            )
            return
        for start in range(0, len(ordered), CHUNK):
            values, params = _values(ordered[start : start + CHUNK])
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values} {conflict}", params)


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many plain rows (no model objects): COPY on PostgreSQL, one multi-row
    INSERT per chunk elsewhere."""
    if not rows:
        return
    names = ", ".join(columns)
    with _cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = getattr(cursor, "cursor", cursor)  # Django's wrapper, or psycopg's own
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        for start in range(0, len(rows), CHUNK):
            values, params = _values(rows[start : start + CHUNK])
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {values}", params)


def rows_matching(
    table: str, columns: Sequence[str], match: str, values: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """`columns` of the rows of `table` whose `match` column holds one of `values`: one
    query with an array on PostgreSQL, chunks of IN lists elsewhere."""
    names = ", ".join(columns)
    found: list[tuple[Any, ...]] = []
    with _cursor() as cursor:
        if connection.vendor == "postgresql":
            if values and all(type(v) is int for v in values):
                cursor.execute(
                    f"SELECT {names} FROM {table} WHERE {match} = ANY(%s::bigint[])",
                    [_array(values)],
                )
            else:
                cursor.execute(
                    f"SELECT {names} FROM {table} WHERE {match} = ANY(%s)", [list(values)]
                )
            return list(cursor.fetchall())
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"SELECT {names} FROM {table} WHERE {match} IN ({marks})", chunk)
            found.extend(cursor.fetchall())
    return found


def rows_matching_each(
    table: str,
    columns: Sequence[str],
    match: Sequence[str],
    values: Sequence[Sequence[Any]],
    types: Sequence[str],
) -> list[tuple[Any, ...]]:
    """`columns` of the rows of `table` whose `match` columns together hold one of the
    tuples `values`: one query joining arrays on PostgreSQL (`types`: the match columns'
    SQL types), chunks of row-value IN lists elsewhere."""
    if not values:
        return []
    names = ", ".join(f"{table}.{c}" for c in columns)
    found: list[tuple[Any, ...]] = []
    with _cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            wanted = ", ".join(f"column{n}" for n in range(1, len(match) + 1))
            on = " AND ".join(f"{table}.{c} = v.column{n}" for n, c in enumerate(match, 1))
            cursor.execute(
                f"SELECT {names} FROM unnest({arrays}) AS v({wanted}) JOIN {table} ON {on}",
                [_array(column) for column in zip(*values, strict=True)],
            )
            return list(cursor.fetchall())
        for start in range(0, len(values), CHUNK):
            tuples, params = _values(values[start : start + CHUNK])
            cursor.execute(
                f"SELECT {names} FROM {table} WHERE ({', '.join(match)}) IN (VALUES {tuples})",
                params,
            )
            found.extend(cursor.fetchall())
    return found
