"""Scoring chosen pairs of records with the trained model (Splink's own SQL).

Splink builds the SQL that turns two records into a match weight; it is built once per
model and process (building it costs more than running it) and then run on DuckDB for
every batch of pairs. The result keeps each comparison's level and its part of the
weight, which is what the review page's waterfall shows.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from splink import DuckDBAPI
from splink.internals.realtime import compare_records

from pathways.linkage.internals.frequencies import FIELDS
from pathways.linkage.internals.model import connection as duckdb_connection
from pathways.linkage.internals.model_store import fingerprint
from pathways.linkage.internals.preparation import COLUMNS

_SQL: dict[str, str] = {}
_LOCAL = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's DuckDB for scoring, opened once (opening one costs more than
    scoring a few pairs); it never reaches for the network."""
    con = getattr(_LOCAL, "connection", None)
    if con is None:
        con = _LOCAL.connection = duckdb_connection(threads=2)
    return con


_SCORE_COLUMNS = ("unique_id_l", "unique_id_r", "match_weight", "match_probability")
_TABLE_NAME = re.compile(r"__splink__compare_records_(left|right)_[a-z0-9]+")


@dataclass(frozen=True)
class Part:
    """One comparison's part of a pair's match weight."""

    comparison: str
    level: str
    weight: float  # in bits (log2 of the Bayes factor), frequency adjustment included
    left: str
    right: str


@dataclass(frozen=True)
class Score:
    left: str
    right: str
    match_weight: float
    probability: float
    parts: tuple[Part, ...] = ()


def _input_schema() -> pa.Schema:
    return pa.schema(
        [(name, pa.string()) for name in COLUMNS]
        + [(f"tf_{f}", pa.float64()) for f in FIELDS]
        + [("pair", pa.int64())]
    )


def _with_frequencies(table: pa.Table, frequencies: Mapping[str, Mapping[str, float]]) -> pa.Table:
    """`table` (prepared records) with each field's term frequency as `tf_<field>`:
    null for a value whose frequency is not given."""
    for field in FIELDS:
        shares = frequencies.get(field, {})
        found = pc.index_in(table[field], value_set=pa.array(list(shares), pa.string()))
        table = table.append_column(
            f"tf_{field}", pa.array(list(shares.values()), pa.float64()).take(found)
        )
    return table


def scoring_table(
    rows: Sequence[Mapping[str, Any]],
    pairs: Sequence[int],
    frequencies: Mapping[str, Mapping[str, float]],
) -> pa.Table:
    """Prepared rows (dicts of `linkage_model.COLUMNS`) as one side of the pairs to score:
    row i belongs to pair `pairs[i]`, with each field's term frequency."""
    columns = {name: pa.array([row.get(name) for row in rows], pa.string()) for name in COLUMNS}
    table = _with_frequencies(pa.table(columns), frequencies)
    return table.append_column("pair", pa.array(pairs, pa.int64()))


def pair_tables(
    records: pa.Table,
    left: pa.Array,
    right: pa.Array,
    frequencies: Mapping[str, Mapping[str, float]],
) -> tuple[pa.Table, pa.Table]:
    """The two sides of the pairs to score for `score_pairs`: pair i is the records at
    positions `left[i]` and `right[i]` of `records` (a table from `prepare`)."""
    base = _with_frequencies(records.select(list(COLUMNS)), frequencies)
    numbers = pa.array(range(len(left)), pa.int64())
    return (
        base.take(left).append_column("pair", numbers),
        base.take(right).append_column("pair", numbers),
    )


def _sql_for(con: duckdb.DuckDBPyConnection, model: dict[str, Any]) -> str:
    key = fingerprint(model)
    if key not in _SQL:
        empty = pa.table({n: pa.array([], t.type) for n, t in zip(
            _input_schema().names, _input_schema(), strict=True)})  # fmt: skip
        result = compare_records(
            empty, empty, model, DuckDBAPI(connection=con), join_condition="l.pair = r.pair"
        )
        sql = result.sql_used_to_create
        _SQL[key] = _TABLE_NAME.sub(lambda m: f"score_{m.group(1)}", sql)
    return _SQL[key]


def frequencies_only_when_equal(model: dict[str, Any]) -> bool:
    """Whether the model adjusts for a value's frequency only where the two records hold
    the same value (every level with an adjustment is an exact match on its column):
    then only the values of one side of the pairs need their frequency looked up."""
    return all(
        level["sql_condition"] == f'"{column}_l" = "{column}_r"'
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
        if (column := level.get("tf_adjustment_column"))
    )


def comparison_names(model: dict[str, Any]) -> list[str]:
    return [c["output_column_name"] for c in model["comparisons"]]


def prior_weight(model: dict[str, Any]) -> float:
    """The match weight (bits) of two records about which nothing is known."""
    p = model["probability_two_random_records_match"]
    return math.log2(p / (1 - p))


# Splink's own labels, said in words for the person reviewing a pair: no algorithm names.
_IN_WORDS = (
    (re.compile(r"^Exact match on \w+$"), "the same"),
    (re.compile(r"^Jaro-Winkler (?:distance|similarity) of \w+ >= 0\.9\d*$"), "spelt very alike"),
    (re.compile(r"^Jaro-Winkler (?:distance|similarity) of \w+ >= 0\.[0-8]\d*$"), "spelt alike"),
    (re.compile(r"^Damerau-Levenshtein distance of \w+ <= 1$"), "one character different"),
    (re.compile(r"^Damerau-Levenshtein distance of \w+ <= 2$"), "two characters different"),
    (re.compile(r"^All other comparisons$"), "different"),
    (re.compile(r"^\w+ is NULL$"), "missing on one side"),
)


def level_in_words(label: str) -> str:
    """A comparison level as the review page says it: "Damerau-Levenshtein distance of
    dob <= 1" is "one character different"; our own labels are words already."""
    for pattern, words in _IN_WORDS:
        if pattern.match(label):
            return words
    return label


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        # Splink numbers the levels from the strongest down; the null level is -1.
        numbered = [lv for lv in levels if not lv.get("is_null_level")]
        by_gamma = {
            len(numbered) - 1 - i: level_in_words(lv.get("label_for_charts", ""))
            for i, lv in enumerate(numbered)
        }
        by_gamma[-1] = ""  # missing, or weighed by another comparison: see `_level`
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def score_pairs(
    model: dict[str, Any], left: pa.Table, right: pa.Table, *, explain: bool = False
) -> list[Score]:
    """The match weight and probability of each pair: `left` and `right` from
    `scoring_table`, rows paired by their `pair` number. With `explain`, each
    comparison's level and part of the weight too."""
    con = _connection()
    sql = _sql_for(con, model)
    if not explain:
        sql = f"SELECT {', '.join(_SCORE_COLUMNS)} FROM ({sql})"
    # In slices, which DuckDB's threads score side by side (one slice is one thread's).
    con.register("score_left", _sliced(left))
    con.register("score_right", _sliced(right))
    try:
        # execute, not sql(): a relation plans the query twice, and on a few pairs
        # planning Splink's long SQL is most of the cost.
        result = con.execute(sql)
        names = [column[0] for column in result.description]
        found = result.fetchall()
    finally:
        con.unregister("score_left")
        con.unregister("score_right")
    if not explain:  # a batch's thousands of pairs: no dict per row
        return [Score(left, right, weight, chance) for left, right, weight, chance in found]
    comparisons = comparison_names(model)
    labels = _level_labels(model)
    scores = []
    for row in (dict(zip(names, values, strict=True)) for values in found):
        parts = tuple(
            Part(
                comparison=name,
                level=_level(labels[name], row, name),
                weight=row[f"mw_{name}"] + (row.get(f"mw_tf_adj_{name}") or 0.0),
                left=_shown(row, name, "l"),
                right=_shown(row, name, "r"),
            )
            for name in comparisons
        )
        scores.append(
            Score(
                left=row["unique_id_l"],
                right=row["unique_id_r"],
                match_weight=row["match_weight"],
                probability=row["match_probability"],
                parts=parts,
            )
        )
    return scores


def _sliced(table: pa.Table, rows: int = 4_096) -> pa.Table:
    return pa.Table.from_batches(
        table.combine_chunks().to_batches(max_chunksize=rows), schema=table.schema
    )


def _level(labels: dict[int, str], row: dict[str, Any], name: str) -> str:
    gamma = row[f"gamma_{name}"]
    if gamma != -1:
        return labels.get(gamma, "")
    if row.get(f"{name}_l") is None or row.get(f"{name}_r") is None:
        return "missing on one side"
    return "not weighed here (counted by another comparison)"


def _shown(row: dict[str, Any], name: str, side: str) -> str:
    value = row.get(f"{name}_{side}")
    return "" if value is None else str(value)
