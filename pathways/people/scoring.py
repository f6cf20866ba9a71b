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
from splink import DuckDBAPI
from splink.internals.realtime import compare_records

from pathways.people.frequencies import FIELDS
from pathways.people.linkage_model import COLUMNS
from pathways.people.linkage_model import connection as duckdb_connection
from pathways.people.model_store import fingerprint

_SQL: dict[str, str] = {}
_LOCAL = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's DuckDB for scoring, opened once (opening one costs more than
    scoring a few pairs); it never reaches for the network."""
    con = getattr(_LOCAL, "connection", None)
    if con is None:
        con = _LOCAL.connection = duckdb_connection(threads=1)
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


def scoring_table(
    rows: Sequence[Mapping[str, Any]],
    pairs: Sequence[int],
    frequencies: Mapping[str, Mapping[str, float]],
) -> pa.Table:
    """Prepared rows (dicts of `linkage_model.COLUMNS`) as one side of the pairs to score:
    row i belongs to pair `pairs[i]`, with each field's term frequency."""
    columns: dict[str, list[Any]] = {name: [] for name in _input_schema().names}
    for row, pair in zip(rows, pairs, strict=True):
        for name in COLUMNS:
            columns[name].append(row.get(name))
        for field in FIELDS:
            columns[f"tf_{field}"].append(frequencies.get(field, {}).get(row.get(field) or ""))
        columns["pair"].append(pair)
    return pa.table(columns, schema=_input_schema())


def pair_tables(
    rows: Mapping[int, Mapping[str, Any]],
    pairs: Sequence[tuple[int, int]],
    frequencies: Mapping[str, Mapping[str, float]],
) -> tuple[pa.Table, pa.Table]:
    """The two sides of `pairs` (record ids into `rows`, prepared rows) for
    `score_pairs`: each record is made into a row once, then taken for its pairs."""
    ids = sorted({rid for pair in pairs for rid in pair})
    position = {rid: n for n, rid in enumerate(ids)}
    base = scoring_table([rows[rid] for rid in ids], [0] * len(ids), frequencies)
    base = base.drop_columns(["pair"])
    numbers = pa.array(range(len(pairs)), pa.int64())
    sides = []
    for side in (0, 1):
        taken = base.take(pa.array([position[pair[side]] for pair in pairs], pa.int64()))
        sides.append(taken.append_column("pair", numbers))
    return sides[0], sides[1]


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


def comparison_names(model: dict[str, Any]) -> list[str]:
    return [c["output_column_name"] for c in model["comparisons"]]


def prior_weight(model: dict[str, Any]) -> float:
    """The match weight (bits) of two records about which nothing is known."""
    p = model["probability_two_random_records_match"]
    return math.log2(p / (1 - p))


def _level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    labels: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        # Splink numbers the levels from the strongest down; the null level is -1.
        numbered = [lv for lv in levels if not lv.get("is_null_level")]
        by_gamma = {
            len(numbered) - 1 - i: lv.get("label_for_charts", "") for i, lv in enumerate(numbered)
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
    con.register("score_left", left)
    con.register("score_right", right)
    try:
        # execute, not sql(): a relation plans the query twice, and on a few pairs
        # planning Splink's long SQL is most of the cost.
        result = con.execute(sql)
        names = [column[0] for column in result.description]
        rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        con.unregister("score_left")
        con.unregister("score_right")
    comparisons = comparison_names(model)
    labels = _level_labels(model) if explain else {}
    scores = []
    for row in rows:
        parts: tuple[Part, ...] = ()
        if explain:
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
