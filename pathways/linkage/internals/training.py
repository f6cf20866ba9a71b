"""Training the linkage model on a set of records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pathways.linkage.internals.model import connection, linker_for, train
from pathways.linkage.internals.preparation import LinkRecord, prepare


def train_model(
    records: Iterable[LinkRecord], *, threads: int = 2
) -> tuple[dict[str, Any], list[str]]:
    """Train the model on `records` without labels: Splink's settings with the learnt
    parameters (as `Linker.misc.save_model_to_json` gives them), and the training blocks
    that could not be used (`linkage_model.train`)."""
    con = connection(threads)
    try:
        linker = linker_for(con, prepare(records))
        skipped = train(linker)
        model = linker.misc.save_model_to_json()
    finally:
        con.close()
    return model, skipped
