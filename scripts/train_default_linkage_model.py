"""Train the linkage model shipped with Pathways on the synthetic partnership.

    .venv/bin/python scripts/train_default_linkage_model.py [--records 100000]

Writes pathways/linkage/internals/default_model.json: the model matching uses until
`pathways link --full` trains one on the partnership's own records. Run it again when
the model's comparisons or blocking rules change.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


SHIPPED_AGENCY_LABELS = {"same agency": "same", "different agencies": "else"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    import django

    django.setup()
    import csv
    import shutil
    import tempfile

    from pathways.linkage.internals.comparisons import DEFAULT_MOVES
    from pathways.linkage.internals.model_store import DEFAULT_MODEL
    from pathways.linkage.internals.preparation import LinkRecord
    from pathways.linkage.internals.training import train_model
    from pathways.people.names import name_key
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    work = Path(tempfile.mkdtemp(prefix="pathways-default-model-"))
    files = write_csvs(generate(int(options.records / 1.6) + 1000, seed=13), work)
    records = []
    with files["people"].open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            records.append(
                LinkRecord(
                    f"{row['agency']}/{row['person_ref']}",
                    row["agency"],
                    name_key(row["given_name"]),
                    name_key(row["family_name"]),
                    row["date_of_birth"] or None,
                    row["sex"],
                    row["postcode"],
                    row["address"],
                )  # fmt: skip
            )
    shutil.rmtree(work)
    records = records[: options.records]
    model, skipped = train_model(records)
    # The synthetic partnership's agencies hold no duplicates, so what it measures of the
    # agency comparison would teach the model that they never do; real agencies hold 5
    # to 15%, and the shipped model assumes so (`comparisons.DEFAULT_MOVES`).
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] == "agency":
            for level in comparison["comparison_levels"]:
                label = level.get("label_for_charts")
                if label in SHIPPED_AGENCY_LABELS:
                    level["m_probability"] = DEFAULT_MOVES["agency"][SHIPPED_AGENCY_LABELS[label]]
    DEFAULT_MODEL.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"trained on {len(records):,} synthetic records -> {DEFAULT_MODEL}"
          + (f" (training blocks given up: {', '.join(skipped)})" if skipped else ""))  # fmt: skip


if __name__ == "__main__":
    main()
