"""The synthetic partnership at a million people (issue 2 §5: under 5 minutes).

    .venv/bin/python -m bench.synth [--people 1000000] [--keep DIR]

Generates the people and writes the interchange files and the truth file, as
`pathways synth --out DIR` does, and prints the time, the peak memory and the row counts.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the files here")
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    from pathways.synth.population import generate
    from pathways.synth.writer import write_csvs

    out = options.keep or Path(tempfile.mkdtemp(prefix="pathways-bench-synth-"))
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    files = write_csvs(generate(options.people, seed=options.seed), out)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = {}
    for name, path in sorted(files.items()):
        with path.open("rb") as handle:
            rows[name] = sum(1 for _ in handle) - 1
    print(f"synth: {options.people:,} people in {seconds:.1f} s, peak RSS {peak:.0f} MiB")
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    if not options.keep:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
