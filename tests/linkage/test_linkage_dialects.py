"""The linkage model's SQL on DuckDB and on Spark: written once in DuckDB's dialect, used
as written on DuckDB, translated for Splink's Spark backend; a saved model translated
either way scores as before. (Spark itself runs in tests/spark, `make test-spark`.)"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pathways.linkage.internals.comparisons import SWAPPED, PortableLevel, translate_sql
from pathways.linkage.internals.model import (
    connection,
    linker_for,
    model_in_dialect,
    moves_sql,
    settings,
)
from pathways.linkage.internals.model_store import DEFAULT_MODEL, current_model, model_path
from pathways.linkage.internals.preparation import LinkRecord, prepare


def _conditions(model: dict[str, Any]) -> list[str]:
    return [
        level["sql_condition"]
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
    ]


def test_custom_sql_is_used_as_written_on_duckdb() -> None:
    level = PortableLevel(SWAPPED).get_comparison_level("duckdb")
    assert level.sql_condition == SWAPPED
    assert translate_sql(SWAPPED, "duckdb", "duckdb") is SWAPPED
    model = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    assert model_in_dialect(model, "duckdb") is model


def test_the_model_speaks_sparks_sql_on_spark() -> None:
    on_spark = settings().get_settings("spark").as_dict()
    conditions = _conditions(on_spark)
    # Splink's jar names Jaro-Winkler differently; Spark quotes names with backticks (a
    # double-quoted name would be a string there).
    assert "JARO_WINKLER(given_l, family_r) >= 0.88" in " ".join(conditions)
    assert not any("jaro_winkler_similarity" in c.lower() or '"' in c for c in conditions)
    assert any("STARTSWITH(given_r, given_l)" in c for c in conditions)
    postcode, address, _ = (translate_sql(sql, "duckdb", "spark") for sql in moves_sql())
    assert "JARO_WINKLER(l.address, r.address)" in address
    assert "FROM link_input AS l JOIN link_input AS r" in postcode


def test_a_saved_model_translated_both_ways_scores_the_same() -> None:
    model = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    on_spark = model_in_dialect(model, "spark")
    assert on_spark["sql_dialect"] == "spark"
    assert {r["sql_dialect"] for r in on_spark["blocking_rules_to_generate_predictions"]} == {
        "spark"
    }
    # Built from the code for Spark or translated from the saved model: the same SQL.
    assert [c.lower() for c in _conditions(on_spark)] == [
        c.lower() for c in _conditions(settings().get_settings("spark").as_dict())
    ]
    back = model_in_dialect(on_spark, "duckdb")
    assert back["sql_dialect"] == "duckdb"

    records = [
        LinkRecord(f"{n}-{i}", ("POLICE", "HSCP_CJSW", "HSCP_ADRS")[i], given, "mcdonald" if n % 2 else "smith",
                   dt.date(2000, 1 + n % 12, 1 + n % 28), "M", postcode, address)
        for n in range(40)
        for i, (given, postcode, address) in enumerate((
            ("james", "G31 2AB", f"{n} gallowgate"), ("jamie", "G31 2AZ", f"{n} gallowgait"),
            ("mcdonald" if n % 2 else "smith", "G44 1AA", f"flat {n} 2 main street"),
        ))
    ]  # fmt: skip
    scores = []
    for saved in (model, back):
        con = connection()
        predictions = linker_for(con, prepare(records), saved).inference.predict()
        columns = "unique_id_l, unique_id_r, round(match_weight, 9)"
        sql = f"SELECT {columns} FROM {predictions.physical_name} ORDER BY 1, 2"  # noqa: S608
        scores.append(con.execute(sql).fetchall())
        con.close()
    assert len(scores[0]) > 40
    assert scores[0] == scores[1]


def test_a_model_saved_on_spark_is_put_in_force_in_duckdbs_sql(
    settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path
    shipped = json.loads(DEFAULT_MODEL.read_text(encoding="utf-8"))
    assert current_model() == shipped  # nothing trained here yet: the shipped model
    model_path().parent.mkdir(parents=True)
    model_path().write_text(json.dumps(model_in_dialect(shipped, "spark")), encoding="utf-8")
    in_force = current_model()
    assert in_force["sql_dialect"] == "duckdb"
    conditions = " ".join(_conditions(in_force))
    # DuckDB's names and quoting (scored the same: the test above).
    assert "`" not in conditions and "JARO_WINKLER_SIMILARITY(given_l, family_r)" in conditions
    assert len(_conditions(in_force)) == len(_conditions(shipped))
