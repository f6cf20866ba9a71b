"""The probabilistic linkage model: which agency records are the same person.

Splink 5 on an in-process DuckDB (Splink's Spark backend runs the same settings at
national scale, docs/scaling.md). This module puts the model together and trains it:
its settings (the comparisons of `comparisons`, the rules of `blocking_rules`), the
DuckDB connection, a linker over the records made ready by `preparation`, a saved model
in either backend's SQL, and the training. Each comparison's weight is learnt without
labels (the prior from deterministic rules, u from random pairs, m by expectation
maximisation); the postcode, address and agency levels' m probabilities are measured
instead, on records that are surely one person.

This module knows nothing of Django.
"""

from __future__ import annotations

import copy
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from pathways.linkage.internals.blocking_rules import BLOCKING_RULES, YEAR
from pathways.linkage.internals.comparisons import (
    ADDRESS_LEVELS,
    AGENCY_LEVELS,
    DEFAULT_MOVES,
    POSTCODE_LEVELS,
    comparisons,
    translate_sql,
)


def connection(threads: int = 2, memory_limit: str = "1GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never reaches for the network: extensions are only those
    built into the wheel. Above `memory_limit` it spills to the system's temporary folder
    (a million records' candidate pairs would otherwise take what memory there is); rows
    keep no order (nothing here relies on one, and keeping it costs memory)."""
    con = duckdb.connect(":memory:")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET temp_directory = ?", [str(Path(tempfile.gettempdir()) / "pathways-duckdb")])
    con.execute("SET preserve_insertion_order = false")
    return con


def settings(
    *, explain: bool = False, moves: dict[str, dict[str, float]] | None = None
) -> SettingsCreator:
    """The model's settings; `explain` keeps each comparison's weight (mw_ columns)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(moves),
        blocking_rules_to_generate_predictions=[r.for_splink() for r in BLOCKING_RULES.values()],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=explain,
        max_iterations=20,
    )


def model_in_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A saved model (a dict from `Linker.misc.save_model_to_json`) with its SQL in
    Splink's `dialect`: "duckdb" for Pathways, "spark" for Splink's Spark backend. A model
    already in that dialect is returned as it is (the same dict)."""
    source = model.get("sql_dialect", "duckdb")
    if source == dialect:
        return model
    translated = copy.deepcopy(model)
    for comparison in translated.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = translate_sql(level["sql_condition"], source, dialect)
    rules: list[Any] = []
    for rule in translated.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rules.append(translate_sql(rule, source, dialect))
        else:
            sql = translate_sql(rule["blocking_rule"], rule.get("sql_dialect", source), dialect)
            rules.append(rule | {"blocking_rule": sql, "sql_dialect": dialect})
    translated["blocking_rules_to_generate_predictions"] = rules
    translated["sql_dialect"] = dialect
    return translated


def linker_for(con: duckdb.DuckDBPyConnection, table: pa.Table, model: Any = None) -> Linker:
    """A linker over `table` (from `preparation.prepare`) on `con`: untrained, or with a
    saved model (a path or a dict from `Linker.misc.save_model_to_json`; a dict saved on
    Spark is translated to DuckDB's SQL)."""
    con.register("link_input_arrow", table)
    con.execute("CREATE OR REPLACE TABLE link_input AS SELECT * FROM link_input_arrow")
    con.unregister("link_input_arrow")
    db_api = DuckDBAPI(connection=con)
    records = db_api.register("link_input", dataset_display_name="records")
    if model is None:
        model = settings(moves=moves_from_sure_matches(con))
    elif isinstance(model, dict):
        model = model_in_dialect(model, "duckdb")
    return Linker([records], model, log_level=logging.WARNING)


def moves_from_sure_matches(
    con: duckdb.DuckDBPyConnection, floor: float = 0.01
) -> dict[str, dict[str, float]]:
    """How postcodes and addresses compare between records that are surely one person
    (the same given name, family name and date of birth), and how many of those pairs
    are of one agency (the agencies' own duplicates): the m probabilities of those
    levels, measured rather than assumed. Each share is at least `floor`; with fewer than
    100 such pairs the defaults stand."""
    postcode, address, agency = (con.execute(sql).fetchall()[0] for sql in moves_sql())
    return moves_from_counts(postcode, address, agency, floor)


def moves_sql(table: str = "link_input") -> tuple[str, str, str]:
    """The three queries of `moves_from_sure_matches` over `table`, in DuckDB's SQL: how
    many sure pairs fall in each postcode level, each address level and each agency
    level (one row each). `comparisons.translate_sql` gives them for Spark (`spark.py`).
    """
    pairs = f"""
        FROM {table} l JOIN {table} r ON l.unique_id < r.unique_id
         AND l.given = r.given AND l.family = r.family AND l.dob = r.dob
    """
    house = "l.house = r.house"
    postcode = f"""
        SELECT count(*) FILTER (WHERE l.postcode = r.postcode),
               count(*) FILTER (WHERE l.postcode <> r.postcode
                                AND l.postcode_sector = r.postcode_sector),
               count(*) FILTER (WHERE l.postcode_sector <> r.postcode_sector
                                AND l.postcode_district = r.postcode_district),
               count(*) FILTER (WHERE l.postcode_district <> r.postcode_district)
        {pairs} AND l.postcode IS NOT NULL AND r.postcode IS NOT NULL
    """
    jw = "jaro_winkler_similarity(l.address, r.address)"
    address = f"""
        SELECT count(*) FILTER (WHERE l.address = r.address),
               count(*) FILTER (WHERE l.address <> r.address AND {jw} >= 0.9),
               count(*) FILTER (WHERE {jw} < 0.9 AND {jw} >= 0.7 AND {house}),
               count(*) FILTER (WHERE {jw} < 0.9 AND {jw} >= 0.7
                                AND NOT coalesce({house}, false)),
               count(*) FILTER (WHERE {jw} < 0.7)
        {pairs} AND l.address IS NOT NULL AND r.address IS NOT NULL
    """
    agency = f"""
        SELECT count(*) FILTER (WHERE l.agency = r.agency),
               count(*) FILTER (WHERE l.agency <> r.agency)
        {pairs}
    """
    return postcode, address, agency


def moves_from_counts(
    postcode: Sequence[int], address: Sequence[int], agency: Sequence[int], floor: float = 0.01
) -> dict[str, dict[str, float]]:
    """The m probabilities of the postcode, address and agency levels from the sure
    pairs' counts in each level (`moves_sql`), each at least `floor`; the defaults under
    100 pairs."""
    found = {}
    for name, levels, counts in (("postcode", POSTCODE_LEVELS, postcode),
                                 ("address", ADDRESS_LEVELS, address),
                                 ("agency", AGENCY_LEVELS, agency)):  # fmt: skip
        total = sum(counts)
        if total < 100:
            found[name] = DEFAULT_MOVES[name]
            continue
        shares = [max(n / total, floor) for n in counts]
        found[name] = {
            level: share / sum(shares) for level, share in zip(levels, shares, strict=True)
        }
    return found


# Expectation maximisation's blocks: each fixes some comparisons and trains the others.
# Pairs within an agency too: a partnership may hold one agency's records alone (the
# agency comparison's m is measured, not trained: `moves_sql`).
EM_BLOCKS: dict[str, BlockingRuleCreator] = {
    # The sector, not the district: as good a sample of the name comparisons, and a
    # third of the pairs (at a million records, EM's time went on this block).
    "date of birth and postcode sector": block_on("dob", "postcode_sector"),
    # With the year of birth: common names alone make ten million pairs at 300k records.
    "given and family name and year of birth": block_on("given", "family", YEAR),
    "postcode and house number": block_on("postcode", "house"),
}


def train(linker: Linker, *, seed: int = 13, max_pairs: float = 1e6) -> list[str]:
    """Learn the weights without labels: the prior from records that agree on names and
    date of birth (most of them are the same person; about half of the true pairs agree
    that well, the rest carry a typo, a nickname, a move or a gap), u from random pairs,
    m by expectation maximisation on blocks that leave each comparison free in turn
    (small enough blocks to train on a million records).

    Returns the training blocks that could not be used: expectation maximisation gives up
    on a block where a level's m probability falls below what a float can hold (a level
    never seen among the block's matches); the other blocks train those comparisons."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given", "family", "dob"), block_on("family", "dob", "postcode")], recall=0.5
    )
    # One chunk: the rare levels (nickname, swapped) never reach Splink's early-stopping
    # count anyway, and one query is quicker than ten and a probe.
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed, num_chunks=1)
    skipped = []
    for name, rule in EM_BLOCKS.items():
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except ValueError as error:
            if "m_probability" not in str(error):
                raise
            skipped.append(name)
    return skipped


def ignore_frequencies(linker: Linker, con: duckdb.DuckDBPyConnection, column: str) -> None:
    """Score `column` without the term-frequency adjustment (every value's frequency
    unknown): a table too small for its shares to mean anything."""
    name = f"no_tf_{column}"
    con.execute(
        f"CREATE OR REPLACE TABLE {name} AS "
        f"SELECT {column}, CAST(NULL AS DOUBLE) AS tf_{column} FROM link_input WHERE false"
    )
    table = linker._db_api.register(name)
    linker.table_management.register_term_frequency_lookup(table, column)
