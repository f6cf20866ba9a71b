"""Where the trained linkage model is kept.

`pathways link --full` trains the model on the partnership's own records and saves it
under PATHWAYS_VAR_DIR/linkage/model.json. Until then (a new installation, a test
database too small to train on) the model shipped with Pathways is used: trained on
Pathways' synthetic partnership by `scripts/train-default-linkage-model`. A model trained
on Splink's Spark backend (docs/scaling.md) may be put there as Spark saved it: it is
read in DuckDB's SQL.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from pathways.linkage.internals.model import model_in_dialect

DEFAULT_MODEL = Path(__file__).resolve().parent / "default_model.json"


def model_path() -> Path:
    """Where a model trained on this partnership's records is saved."""
    return Path(settings.VAR_DIR) / "linkage" / "model.json"


def current_model() -> dict[str, Any]:
    """The trained model in force: this partnership's if trained, else the default; its SQL
    in DuckDB's dialect (a model saved on Spark is translated)."""
    path = model_path()
    source = path if path.exists() else DEFAULT_MODEL
    return model_in_dialect(json.loads(source.read_text(encoding="utf-8")), "duckdb")


def save_model(model: dict[str, Any]) -> Path:
    """Keep `model` (Splink's settings with the trained parameters) as the one in force;
    written to a temporary file first so that a reader never sees half of it."""
    path = model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(model, indent=1, sort_keys=True), encoding="utf-8")
    partial.replace(path)
    return path


def fingerprint(model: dict[str, Any]) -> str:
    """A short digest of a model: the same model, the same fingerprint."""
    return hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:16]
