"""A throwaway PostgreSQL cluster for a benchmark run (RECIPES.md), as a context manager."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Cluster:
    """A running throwaway cluster's parts, for a drill that stops and starts it."""

    pgbin: str
    data: str
    options: str
    root: str

    def stop(self) -> None:
        """Stop the server at once, as a crash or a power cut would (immediate mode)."""
        subprocess.run(
            _as_postgres([f"{self.pgbin}/pg_ctl", "-D", self.data, "-m", "immediate", "stop"]),
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self) -> None:
        """Start it again (crash recovery replays the write-ahead log), waiting until it answers."""
        subprocess.run(
            _as_postgres([f"{self.pgbin}/pg_ctl", "-D", self.data, "-l",
                          f"{self.root}/server.log", "-w", "-o", self.options, "start"]),
            check=True, capture_output=True,
        )  # fmt: skip


# The clusters started by this process, by DATABASE_URL.
CLUSTERS: dict[str, Cluster] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextmanager
def throwaway_postgres(database: str = "pathways", *, keep: bool = False) -> Iterator[str]:
    """Start a cluster in a temporary directory; yield its DATABASE_URL; remove it after
    (unless `keep`: then it is left running, and how to stop it is printed)."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    if not bins:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    pgbin = bins[-1]
    root = tempfile.mkdtemp(prefix="pathways-bench-pg-")
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    os.chmod(root, 0o700)
    port = _free_port()
    data = f"{root}/data"
    subprocess.run(
        _as_postgres(
            [
                f"{pgbin}/initdb",
                "-D",
                data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    # Durable settings (fsync on), unlike the test cluster: benchmark figures should
    # be what a real server would see.
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {root} "
        "-c shared_buffers=512MB -c max_wal_size=4GB"
    )
    subprocess.run(
        _as_postgres(
            [
                f"{pgbin}/pg_ctl",
                "-D",
                data,
                "-l",
                f"{root}/server.log",
                "-w",
                "-o",
                options,
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    CLUSTERS[f"postgres://postgres@127.0.0.1:{port}/{database}"] = Cluster(
        pgbin, data, options, root
    )
    try:
        subprocess.run(
            [f"{pgbin}/createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database],
            check=True,
        )
        yield f"postgres://postgres@127.0.0.1:{port}/{database}"
    finally:
        if keep:
            stop = " ".join(_as_postgres([f"{pgbin}/pg_ctl", "-D", data, "stop"]))
            print(f"kept the cluster: postgres://postgres@127.0.0.1:{port}/{database}\n"
                  f"  stop it with: {stop} && rm -rf {root}")  # fmt: skip
        else:
            subprocess.run(
                _as_postgres([f"{pgbin}/pg_ctl", "-D", data, "-m", "immediate", "stop"]),
                capture_output=True,
            )
            shutil.rmtree(root, ignore_errors=True)
