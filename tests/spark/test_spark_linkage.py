"""The linkage model on Splink's Spark backend, in Spark local mode on a small synthetic
partnership: a saved model scores the same pairs the same way as on DuckDB, and the model
trains on Spark, finds the true pairs and comes back to Pathways' DuckDB unchanged.

Not part of `make test`: run by `make test-spark`, which installs the `spark` extra into
a venv of its own and sets PATHWAYS_REQUIRE_SPARK=1, under which a missing pyspark or
Java is a failure; elsewhere the module is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa
import pytest

REQUIRED = bool(os.environ.get("PATHWAYS_REQUIRE_SPARK"))


def _missing(what: str) -> None:
    if REQUIRED:
        pytest.fail(f"PATHWAYS_REQUIRE_SPARK is set but {what}", pytrace=False)
    pytest.skip(f"{what} (`make test-spark` installs it)", allow_module_level=True)


try:
    import pyspark  # noqa: F401
except ImportError:
    _missing("pyspark is not installed (the `spark` extra)")
if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
    _missing("Java is not installed (Spark runs on it)")

from pathways.linkage.internals.model import connection, linker_for, train  # noqa: E402
from pathways.linkage.internals.model_store import DEFAULT_MODEL  # noqa: E402
from pathways.linkage.internals.preparation import prepare  # noqa: E402
from pathways.linkage.internals.spark import (  # noqa: E402
    model_for_pathways,
    spark_linker,
    spark_session,
)
from pathways.linkage.internals.thresholds import thresholds  # noqa: E402
from pathways.synth.linkage_truth import link_records_with_truth  # noqa: E402

pytestmark = pytest.mark.spark

Pair = tuple[str, str]


@pytest.fixture(scope="module")
def population() -> tuple[pa.Table, set[Pair]]:
    """600 true people's records at several agencies (typos, nicknames, swapped dates,
    moves, gaps), as the model's input table, and the pairs that are truly one person."""
    records, true_pairs = link_records_with_truth(600, seed=5)
    assert len(true_pairs) > 200
    return prepare(records), true_pairs


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Spark in this process on two cores, small memory, no web UI, nothing written
    outside a temporary folder."""
    folder = tmp_path_factory.mktemp("spark")
    session = spark_session(
        "local[2]",
        {
            "spark.driver.memory": "1g",
            "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "4",
            "spark.default.parallelism": "4",
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            "spark.local.dir": str(folder / "local"),
            "spark.sql.warehouse.dir": str(folder / "warehouse"),
        },
    )
    session.sparkContext.setLogLevel("ERROR")
    # Splink's default way of cutting Spark's plans writes Parquet here, as on a cluster.
    session.sparkContext.setCheckpointDir(str(folder / "checkpoints"))
    yield session
    session.stop()


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def _duckdb_scores(table: pa.Table, model: dict[str, Any]) -> dict[Pair, tuple[float, float]]:
    """Every blocked pair's match weight and probability, scored by Pathways' DuckDB."""
    con = connection()
    try:
        predictions = linker_for(con, table, model).inference.predict()
        columns = "unique_id_l, unique_id_r, match_weight, match_probability"
        rows = con.execute(f"SELECT {columns} FROM {predictions.physical_name}").fetchall()  # noqa: S608
    finally:
        con.close()
    return {_pair(a, b): (w, p) for a, b, w, p in rows}


def _spark_scores(linker: Any) -> dict[Pair, tuple[float, float]]:
    rows = (
        linker.inference.predict()
        .as_spark_dataframe()
        .select("unique_id_l", "unique_id_r", "match_weight", "match_probability")
        .collect()
    )
    return {_pair(a, b): (w, p) for a, b, w, p in rows}


def _same_scores(
    spark_scores: dict[Pair, tuple[float, float]], duck_scores: dict[Pair, tuple[float, float]]
) -> None:
    assert spark_scores.keys() == duck_scores.keys(), (
        f"{len(spark_scores.keys() - duck_scores.keys())} pairs only on Spark, "
        f"{len(duck_scores.keys() - spark_scores.keys())} only on DuckDB"
    )
    different = {
        pair: (spark_scores[pair][0], weight)
        for pair, (weight, _) in duck_scores.items()
        if spark_scores[pair][0] != pytest.approx(weight, abs=1e-6)
    }
    assert not different, f"{len(different)} pairs weighed differently, e.g. " + str(
        sorted(different.items())[:5]
    )


def test_a_saved_model_scores_the_same_pairs_the_same_on_spark(
    spark: Any, population: tuple[pa.Table, set[Pair]], report: Callable[[str], None]
) -> None:
    table, _ = population
    # The model shipped with Pathways, saved on DuckDB: its SQL is translated for Spark.
    model = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    started = time.perf_counter()
    on_spark = _spark_scores(spark_linker(spark, table, model))
    report(f"the shipped model scored {len(on_spark)} blocked pairs of {table.num_rows} "
           f"records in {time.perf_counter() - started:.1f} s")  # fmt: skip
    assert len(on_spark) > 300
    _same_scores(on_spark, _duckdb_scores(table, model))


def test_b_the_model_trains_on_spark_and_comes_back_to_pathways(
    spark: Any, population: tuple[pa.Table, set[Pair]], report: Callable[[str], None]
) -> None:
    table, true_pairs = population
    started = time.perf_counter()
    linker = spark_linker(spark, table)
    skipped = train(linker)
    trained = time.perf_counter()
    on_spark = _spark_scores(linker)
    report(f"trained on {table.num_rows} records in {trained - started:.1f} s (EM blocks "
           f"skipped: {', '.join(skipped) or 'none'}), scored {len(on_spark)} pairs in "
           f"{time.perf_counter() - trained:.1f} s")  # fmt: skip

    cut = thresholds().auto_link
    linked = {pair for pair, (_, probability) in on_spark.items() if probability >= cut}
    precision = len(linked & true_pairs) / len(linked)
    recall = len(linked & true_pairs) / len(true_pairs)
    report(f"trained model at {cut}: precision {precision:.4f}, recall {recall:.4f}")
    assert precision >= 0.99, precision
    assert recall >= 0.8, recall

    # The trained model as Pathways keeps it (PATHWAYS_VAR_DIR/linkage/model.json): in
    # DuckDB's SQL, it scores every pair as Spark did.
    model = json.loads(json.dumps(model_for_pathways(linker)))
    assert model["sql_dialect"] == "duckdb"
    _same_scores(on_spark, _duckdb_scores(table, model))
