"""The linkage thresholds (config/<partnership>/linkage.toml), checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Thresholds:
    auto_link: float  # at or above: linked without review
    review: float  # at or above (below auto_link): a person decides

    def band(self, probability: float) -> str:
        """`auto_link`, `review` or `no_link` for a pair's match probability."""
        if probability >= self.auto_link:
            return "auto_link"
        return "review" if probability >= self.review else "no_link"


def thresholds(folder: Path | None = None) -> Thresholds:
    """The partnership's thresholds; ValueError names the file and what is wrong."""
    path = Path(folder or settings.PATHWAYS_CONFIG_DIR) / "linkage.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: {error}") from None
    values = {}
    for key in ("auto_link", "review"):
        value = data.get(key)
        if not isinstance(value, int | float) or not 0 < value <= 1:
            raise ValueError(f"{path}: {key} must be a probability above 0 and at most 1")
        values[key] = float(value)
    if values["review"] > values["auto_link"]:
        raise ValueError(f"{path}: review ({values['review']}) must not be above auto_link")
    return Thresholds(**values)
