"""Helpers for import tests: small CSV files, and the real `pathways` command run against
fresh databases of the kind under test (SQLite files, or PostgreSQL databases when
DATABASE_URL names PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def cli_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment `pathways` runs in against `database_url`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PATHWAYS_VAR_DIR": str(var_dir),
        "PATHWAYS_ENV": "test",
        **extra,
    }


class Databases:
    """Throwaway databases of the kind under test, for the `pathways` command to use:
    SQLite files, or databases on the PostgreSQL server DATABASE_URL names. A new one is
    copied from a template (much faster than migrating afresh)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.server = (_postgres_url() or "").rpartition("/")[0]
        self.created: list[str] = []

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def new(self, template: str | None = None) -> str:
        """The URL of a new database: empty, or a copy of the database at `template`."""
        name = f"cli_{uuid.uuid4().hex[:12]}"
        if self.server:
            copy = f' TEMPLATE "{template.rpartition("/")[2]}"' if template else ""
            self._admin(f'CREATE DATABASE "{name}"{copy}')
            self.created.append(name)
            return f"{self.server}/{name}"
        path = self.folder / f"{name}.sqlite3"
        if template:
            shutil.copyfile(template.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}"

    def drop_all(self) -> None:
        for name in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created = []


def query(database_url: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one SQL query on the database at `database_url`, from outside Django."""
    if database_url.startswith("sqlite"):
        conn = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def initialised_database(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a database on which `pathways init` has run: a template, never changed."""
    url = databases.new()
    env = cli_env(url, tmp_path_factory.mktemp("var"))
    subprocess.run([PATHWAYS, "init"], env=env, check=True, capture_output=True, timeout=120)
    return url


class Cli:
    """`pathways ARGS…` run as a separate process against one database."""

    def __init__(self, database_url: str, var_dir: Path, **env: str) -> None:
        self.url = database_url
        self.env = cli_env(database_url, var_dir, **env)

    def __call__(self, *args: str, check: bool = False) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PATHWAYS, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    def start(self, *args: str) -> subprocess.Popen:
        """Start `pathways ARGS…` without waiting for it."""
        return subprocess.Popen(
            [PATHWAYS, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )


@pytest.fixture
def pathways_cli(databases: Databases, initialised_database: str, tmp_path: Path) -> Cli:
    """Run `pathways ARGS…` against a fresh, initialised database (Glasgow loaded)."""
    return Cli(databases.new(template=initialised_database), tmp_path / "var")


def summary(stdout: str) -> dict[str, int]:
    """The `name: count` lines of an import's standard output."""
    return {k.strip(): int(v) for k, v in (line.split(":") for line in stdout.splitlines())}
