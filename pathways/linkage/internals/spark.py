"""The linkage model on Splink's Spark backend, for a partnership too large for one
machine's DuckDB (docs/scaling.md).

The same settings, blocking rules and training (`model.settings`, `train`) run on a
Spark session: the model's own SQL is written in DuckDB's dialect and translated
(`comparisons.translate_sql`), and a model saved on either backend is translated to the
other's SQL (`model.model_in_dialect`), so a model trained on Spark scores the
same pairs the same way in Pathways.

Needs the `spark` extra (`pip install .[spark]`, `make test-spark`): pyspark is imported
only when a function here is called, so this module imports without it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
from splink import Linker

from pathways.linkage.internals.comparisons import translate_sql
from pathways.linkage.internals.model import (
    model_in_dialect,
    moves_from_counts,
    moves_sql,
    settings,
)
from pathways.linkage.internals.preparation import COLUMNS, LinkRecord, prepare

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# The name the records are registered under in the Spark session's catalogue.
VIEW = "link_input"


def similarity_jar() -> str:
    """The jar of Splink's similarity functions (Jaro-Winkler, Damerau-Levenshtein) for
    the installed Spark's major version: shipped inside Splink, nothing to download. Give
    it to the session as `spark.jars` (`spark-submit --jars`)."""
    from splink.backends.spark import similarity_jar_location

    return similarity_jar_location()


def spark_session(
    master: str | None = None, config: Mapping[str, str] | None = None
) -> SparkSession:
    """A Spark session (or the one already running) with Splink's jar. `master`: e.g.
    "local[2]" to run in this process; None leaves it to `spark-submit` or the cluster.
    `config`: more Spark settings (memory, partitions)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("pathways-linkage")
    if master is not None:
        builder = builder.master(master)
    jars = [similarity_jar()]
    for key, value in (config or {}).items():
        if key == "spark.jars":
            jars.extend(j for j in value.split(",") if j)
        else:
            builder = builder.config(key, value)
    return builder.config("spark.jars", ",".join(jars)).getOrCreate()


def write_records(records: Iterable[LinkRecord], path: str | Path) -> Path:
    """The records as the model's input table (`prepare`) in a Parquet file, for a
    cluster to read (`spark_linker(spark, spark.read.parquet(path))`)."""
    path = Path(path)
    pq.write_table(prepare(records), path)
    return path


def _frame(spark: SparkSession, records: Any) -> DataFrame:
    """The records as a Spark DataFrame of the model's columns, every one a string."""
    from pyspark.sql import DataFrame
    from pyspark.sql.functions import col

    if isinstance(records, str):
        frame = spark.table(records)
    elif isinstance(records, DataFrame):
        frame = records
    elif isinstance(records, pa.Table):
        frame = spark.createDataFrame(records)
    else:
        raise TypeError(f"records: a pyarrow Table, a Spark DataFrame or a table name, "
                        f"not {type(records).__name__}")  # fmt: skip
    missing = [name for name in COLUMNS if name not in frame.columns]
    if missing:
        raise ValueError(f"records lack the model's columns {', '.join(missing)} (see prepare)")
    return frame.select(*(col(name).cast("string").alias(name) for name in COLUMNS))


def moves_from_sure_matches(spark: SparkSession, table: str = VIEW) -> dict[str, dict[str, float]]:
    """`linkage_model.moves_from_sure_matches` on Spark: the same queries, translated,
    over the records registered as `table`. Needs Splink's Jaro-Winkler function in the
    session (`spark_linker` registers it before calling this)."""
    queries = (translate_sql(sql, "duckdb", "spark") for sql in moves_sql(table))
    postcode, address, agency = (tuple(spark.sql(sql).collect()[0]) for sql in queries)
    return moves_from_counts(postcode, address, agency)


def spark_linker(
    spark: SparkSession,
    records: Any,
    model: dict[str, Any] | str | Path | None = None,
    *,
    break_lineage_method: str | None = None,
) -> Linker:
    """A linker with the model's settings over `records` on `spark`.

    `records`: a pyarrow Table from `prepare`, a Spark DataFrame with its columns (e.g.
    `spark.read.parquet(...)` of `write_records`' file), or the name of such a table.
    `model`: None for an untrained model (the postcode and address levels measured on
    these records, as `linkage_model.linker_for` does; train it with
    `linkage_model.train`), or a saved model (a dict or a JSON file, saved on DuckDB or
    Spark). `break_lineage_method`: how Splink cuts Spark's plans between steps; its
    default ("parquet") writes under the session's checkpoint directory, which must then
    be set (`spark.sparkContext.setCheckpointDir`); "persist" keeps them in memory.
    """
    from splink.backends.spark import SparkAPI

    _frame(spark, records).createOrReplaceTempView(VIEW)
    # The API registers Splink's similarity functions with the session: the sure-match
    # counts below call Jaro-Winkler.
    db_api = SparkAPI(spark_session=spark, break_lineage_method=break_lineage_method)
    table = db_api.register(VIEW, dataset_display_name="records")
    if model is None:
        return Linker(
            [table], settings(moves=moves_from_sure_matches(spark)), log_level=logging.WARNING
        )
    saved: dict[str, Any] = (
        model if isinstance(model, dict) else json.loads(Path(model).read_text(encoding="utf-8"))
    )
    return Linker([table], model_in_dialect(saved, "spark"), log_level=logging.WARNING)


def model_for_pathways(linker: Linker) -> dict[str, Any]:
    """The trained model of a Spark linker as Pathways keeps it: Splink's settings with the
    learnt parameters, its SQL in DuckDB's dialect (PATHWAYS_VAR_DIR/linkage/model.json,
    `people.model_store`)."""
    return model_in_dialect(linker.misc.save_model_to_json(), "duckdb")
