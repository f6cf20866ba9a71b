"""`python -m bench`: run every benchmark at the sizes the issues name."""

from __future__ import annotations

import subprocess
import sys

BENCHES = [
    "bench.synth", "bench.import_yardstick", "bench.person_page", "bench.governance",
    "bench.identify", "bench.alerts", "bench.outcomes", "bench.linkage_quality",
    "bench.role_pages", "bench.casework", "bench.backup_restore", "bench.load",
    "bench.drill_database", "bench.drill_worker_kill",
]  # fmt: skip

if __name__ == "__main__":
    chosen = sys.argv[1:] or BENCHES
    for name in chosen:
        module = name if name.startswith("bench.") else f"bench.{name}"
        print(f"== {module}", flush=True)
        subprocess.run([sys.executable, "-m", module], check=True)
