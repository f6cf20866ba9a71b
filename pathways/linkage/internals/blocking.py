"""Blocking keys: the linkage model's blocking rules as values kept in the database.

A full run lets Splink join the records on each blocking rule. A record arriving in an
import is instead matched through keys: each record stores, per rule, a 60-bit hash of
its values of the rule's expressions (`LinkKey`), and a new record's candidates are the
records holding one of its probe keys. The rules' SQL expressions are evaluated here in
Python, as DuckDB evaluates them for Splink (tests/people/test_blocking.py checks that
the keys find exactly the pairs Splink blocks). A rule with a NULL among its values
gives no key, as NULL = NULL is not true in SQL.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pyarrow as pa

from pathways.linkage.internals.blocking_rules import BLOCKING_RULES

Row = Mapping[str, Any]
Expression = Callable[[Row], "str | None"]

_SUBSTR = re.compile(r"substr\((\w+), (\d+), (\d+)\)")
_REGEXP = re.compile(r"regexp_extract\((\w+), '([^']+)', 0\)")
_COLUMN = re.compile(r"\w+")


def _substr(column: str, start: int, length: int) -> Expression:
    """SQL's substr: `length` characters from the `start`th (counted from 1)."""

    def value(row: Row) -> str | None:
        text = row[column]
        return None if text is None else text[start - 1 : start - 1 + length]

    return value


def _first_match(column: str, pattern: str) -> Expression:
    compiled = re.compile(pattern)

    def value(row: Row) -> str | None:
        text = row[column]
        if text is None:
            return None
        found = compiled.search(text)
        return found.group(0) if found else ""  # DuckDB's regexp_extract: '' for no match

    return value


def _column(column: str) -> Expression:
    return lambda row: row[column]


def python_expression(sql: str) -> Expression:
    """The Python equivalent of one of the rules' SQL expressions: a column, its first
    characters from a position (`substr(col, start, n)`) or the first match of a pattern
    (`regexp_extract`)."""
    if found := _SUBSTR.fullmatch(sql):
        return _substr(found.group(1), int(found.group(2)), int(found.group(3)))
    if found := _REGEXP.fullmatch(sql):
        return _first_match(found.group(1), found.group(2))
    if _COLUMN.fullmatch(sql):
        return _column(sql)
    raise ValueError(f"no Python equivalent of the blocking expression {sql!r}")


# Each distinct expression once (rules share columns: date of birth is in five).
_EXPRESSIONS = sorted(
    {e for rule in BLOCKING_RULES.values() for e in (*rule.columns, *(rule.probe or ()))}
)
_EVALUATE = [python_expression(e) for e in _EXPRESSIONS]
_AT = {e: n for n, e in enumerate(_EXPRESSIONS)}
_RULES = [
    (
        str(number),
        [_AT[e] for e in rule.columns],
        [_AT[e] for e in rule.probe] if rule.probe else None,
    )
    for number, rule in enumerate(BLOCKING_RULES.values())
]


def _key(rule: str, values: list[str | None]) -> int | None:
    if any(v is None for v in values):
        return None
    text = "\x1f".join([rule, *values])  # type: ignore[list-item]
    # 15 hex digits of md5: a positive 60-bit integer, which fits PostgreSQL's bigint.
    return int(hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:15], 16)


def keys_of(row: Row) -> tuple[set[int], set[int]]:
    """The keys a prepared record (`linkage_model.prepare`) stores, and the keys it looks
    up to find its candidates. They differ only for rules that compare one record's values
    with other columns of the other (names swapped)."""
    values = [evaluate(row) for evaluate in _EVALUATE]
    stored, probed = set(), set()
    for rule, columns, probe in _RULES:
        key = _key(rule, [values[n] for n in columns])
        if key is not None:
            stored.add(key)
        if probe is not None:
            key = _key(rule, [values[n] for n in probe])
        if key is not None:
            probed.add(key)
    return stored, probed


def record_keys(rows: Iterable[Row]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """(unique_id, key) for every key each prepared row stores, and for every key it
    probes."""
    stored: list[tuple[str, int]] = []
    probed: list[tuple[str, int]] = []
    for row in rows:
        mine, wanted = keys_of(row)
        stored.extend((row["unique_id"], k) for k in mine)
        probed.extend((row["unique_id"], k) for k in wanted)
    return stored, probed


def stored_keys_sql(source: str) -> str:
    """SQL for every stored key of the prepared records in the table `source`, as
    `(key, record_id)` rows: `keys_of` in DuckDB, which evaluates the rules' expressions
    itself and hashes in parallel (a million records have about sixteen million keys)."""
    selects = []
    for rule, columns, _ in _RULES:
        expressions = [_EXPRESSIONS[n] for n in columns]
        present = " AND ".join(f"({e}) IS NOT NULL" for e in expressions)
        text = " || chr(31) || ".join([f"'{rule}'", *(f"({e})" for e in expressions)])
        selects.append(
            f"SELECT ('0x' || substr(md5({text}), 1, 15))::BIGINT AS key,"
            f" CAST(unique_id AS BIGINT) AS record_id FROM {source} WHERE {present}"
        )
    # DISTINCT: `keys_of` gives a set (two rules could only share a key by a collision).
    return "SELECT DISTINCT key, record_id FROM (" + " UNION ALL ".join(selects) + ")"


def write_stored_keys(table: pa.Table, path: str) -> None:
    """Write every stored key of the prepared records in `table` to the CSV file `path`
    (`key,record_id`, no header)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("prepared_records", table)
        con.execute(
            f"COPY ({stored_keys_sql('prepared_records')}) TO '{path}' (FORMAT csv, HEADER false)"
        )
    finally:
        con.close()
