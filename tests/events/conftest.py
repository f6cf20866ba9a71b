"""Helpers for import tests: writing small CSV files and running the real command."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PATHWAYS = str(REPO / ".venv" / "bin" / "pathways")

PEOPLE_HEADER = "agency,person_ref,given_name,family_name,date_of_birth,sex,postcode,area"
EVENTS_HEADER = "agency,event_ref,person_ref,kind,occurred_at,crime_group,flags"
REFERRALS_HEADER = (
    "referral_ref,agency,person_ref,service,referred_on,decision,decided_on,consent_on,"
    "started_on,ended_on,end_reason"
)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """write_csv(name, header, *rows) -> path; rows are lines of CSV text."""

    def write(name: str, header: str, *rows: str) -> Path:
        path = tmp_path / name
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        return path

    return write


@pytest.fixture
def cli_database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the kind under test, for running `pathways` itself."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'cli.sqlite3'}"
        return
    import psycopg

    name = f"cli_{uuid.uuid4().hex[:12]}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pathways_cli(
    cli_database_url: str, tmp_path: Path
) -> Callable[..., subprocess.CompletedProcess]:
    """Run `pathways ARGS…` against `cli_database_url`; the database is initialised first."""
    env = {
        **os.environ,
        "DATABASE_URL": cli_database_url,
        "PATHWAYS_VAR_DIR": str(tmp_path / "var"),
        "PATHWAYS_ENV": "test",
    }

    def run(*args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PATHWAYS, *args], env=env, capture_output=True, text=True, check=check, timeout=300
        )

    run("init", check=True)
    run.env = env  # type: ignore[attr-defined]
    return run


def summary(stdout: str) -> dict[str, int]:
    """The `name: count` lines of an import's standard output."""
    return {k.strip(): int(v) for k, v in (line.split(":") for line in stdout.splitlines())}
