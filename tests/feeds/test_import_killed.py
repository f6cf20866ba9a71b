"""An import killed with SIGKILL half-way and run again ends exactly as an uninterrupted
import of the same files does: nothing half-written remains, nothing is lost.

The real `pathways` command runs as a separate process on a database of the kind under
test; where it is in its work is watched through /proc (how far it has read its file)
and through the database (what it has written), so the kill lands where each test says.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Cli, Databases, query, summary

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fdinfo").is_dir(), reason="watches the importer through /proc"
)

POLICE_PEOPLE = 3000
SOCIAL_WORK_PEOPLE = 1000  # each the same person as every third police record
PEOPLE = POLICE_PEOPLE + SOCIAL_WORK_PEOPLE
EVENTS = 30_000
BATCH = 250  # people are written in batches of this many rows, each its own transaction


def write_people(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("agency,person_ref,given_name,family_name,date_of_birth,sex,postcode\n")
        for n in range(POLICE_PEOPLE):
            out.write(f"POLICE,P{n},{given(n)},Reid{n},{born(n)},F,G{n % 80} {n % 9}AB\n")
        # Written after all the police records, so most link to records of earlier batches.
        for n in range(SOCIAL_WORK_PEOPLE):
            m = 3 * n
            out.write(f"HSCP_CJSW,C{n},{given(m).upper()},reid{m},{born(m)},F,\n")


def given(n: int) -> str:
    return ("Ann", "Beth", "Cara", "Dee", "Eve", "Fay", "Gail", "Hope", "Iris", "Jo")[n % 10]


def born(n: int) -> str:
    """Birth dates spread as a population's are (one month of one year would put every
    record in one blocking key, and every pair would be scored)."""
    return f"{1950 + n % 50}-{1 + n // 50 % 12:02d}-{1 + n % 28:02d}"


def write_events(path: Path) -> None:
    kinds = ("offence", "custody", "asb", "overdose", "concern")
    with path.open("w", encoding="utf-8") as out:
        out.write("agency,event_ref,person_ref,kind,occurred_at,crime_group,category,area,flags\n")
        for n in range(EVENTS):
            kind = kinds[n % 5]
            group = ("violence", "dishonesty", "damage")[n % 3] if kind == "offence" else ""
            person = f"P{n % POLICE_PEOPLE}" if n % 4 else f"C{n % SOCIAL_WORK_PEOPLE}"
            agency = "POLICE" if n % 4 else "HSCP_CJSW"
            # Months across both sides of the clock changes, hours across midnight.
            moment = f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00"
            area = ("NE", "NW", "S", "")[n % 4]
            flags = ("", "substance", "cce;weapon")[n % 3]
            out.write(f"{agency},E{n},{person},{kind},{moment},{group},cat{n % 7},{area},{flags}\n")


EVENT_ROWS = """SELECT e.agency_id, e.event_ref, r.agency_id, r.person_ref, e.kind, e.occurred_at,
    e.occurred_on, e.crime_group, e.category, e.area_id, e.flags, e.disposal, e.offence_date,
    e.content_hash, e.person_id = r.person_id
    FROM events_event e JOIN people_agencyrecord r ON r.id = e.record_id
    ORDER BY e.agency_id, e.event_ref"""
RECORD_ROWS = """SELECT r.agency_id, r.person_ref, r.given_name, r.family_name, r.date_of_birth,
    r.sex, r.postcode, r.given_key, r.family_key, r.link_method, ROUND(CAST(r.link_confidence AS NUMERIC), 2),
    r.content_hash, p.id, p.given_name, p.family_name, p.date_of_birth, p.sex
    FROM people_agencyrecord r JOIN people_person p ON p.id = r.person_id
    ORDER BY r.agency_id, r.person_ref"""


def people_rows(database_url: str) -> list[tuple[object, ...]]:
    """Every agency record with its person's identity; the person as the records it
    holds (ids differ between databases). A link's confidence to two places: it weighs
    the names' frequencies when the record was matched, and a run started again matches
    in other batches (the links themselves must be the same)."""
    rows = query(database_url, RECORD_ROWS)
    holds: dict[object, list[tuple[object, object]]] = {}
    for row in rows:
        holds.setdefault(row[12], []).append((row[0], row[1]))
    return [(*row[:12], tuple(holds[row[12]]), *row[13:]) for row in rows]


def count(database_url: str, table: str) -> int:
    return int(query(database_url, f"SELECT COUNT(*) FROM {table}")[0][0])  # noqa: S608


def reading_position(pid: int, path: Path) -> int | None:
    """How far process `pid` has read `path`, or None when it does not have it open."""
    target = str(path.resolve())
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") != target:
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as info:
                    for line in info:
                        if line.startswith("pos:"):
                            return int(line.split()[1])
            except OSError:  # closed while we looked
                continue
    except OSError:
        return None
    return None


def kill_when(victim: subprocess.Popen, ready: Callable[[], bool], timeout: float = 60) -> None:
    """SIGKILL `victim` as soon as `ready()`; fail if it finishes first."""
    deadline = time.monotonic() + timeout
    while not ready():
        assert victim.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline, "the import never reached the point to kill it"
        time.sleep(0.003)
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(timeout=30) == -signal.SIGKILL


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("killed")
    people, events = folder / "people.csv", folder / "events.csv"
    write_people(people)
    write_events(events)
    return people, events


@pytest.fixture(scope="module")
def with_people(
    files: tuple[Path, Path],
    databases: Databases,
    initialised_database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    """A database with the people imported, uninterrupted (a template)."""
    cli = Cli(databases.new(template=initialised_database), tmp_path_factory.mktemp("var"))
    cli("import", "people", str(files[0]), check=True)
    return cli.url


@pytest.fixture(scope="module")
def uninterrupted(
    files: tuple[Path, Path],
    databases: Databases,
    with_people: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    """A database that imported the people and then the events, uninterrupted."""
    cli = Cli(databases.new(template=with_people), tmp_path_factory.mktemp("var"))
    cli("import", "events", str(files[1]), check=True)
    assert count(cli.url, "events_event") == EVENTS
    return cli.url


def test_events_import_killed_half_way_through_reading_and_run_again(
    files, databases: Databases, with_people: str, uninterrupted: str, tmp_path: Path
) -> None:
    events = files[1]
    # Row by row (on PostgreSQL the file would otherwise go in by COPY, read in a blink).
    cli = Cli(databases.new(template=with_people), tmp_path / "var", PATHWAYS_IMPORT_COPY="0")
    victim = cli.start("import", "events", str(events))
    half = events.stat().st_size // 2
    kill_when(victim, lambda: (reading_position(victim.pid, events) or 0) >= half)
    assert count(cli.url, "events_event") == 0

    again = cli("import", "events", str(events))
    assert (again.returncode, summary(again.stdout)) == (
        0,
        {"read": EVENTS, "created": EVENTS, "updated": 0, "unchanged": 0, "rejected": 0},
    )
    assert query(cli.url, EVENT_ROWS) == query(uninterrupted, EVENT_ROWS)


def test_events_import_by_copy_killed_while_checking_rows_and_run_again(
    files, databases: Databases, with_people: str, uninterrupted: str, tmp_path: Path
) -> None:
    if not with_people.startswith("postgres"):
        pytest.skip("the COPY path is PostgreSQL's")
    import psycopg

    events = files[1]
    cli = Cli(databases.new(template=with_people), tmp_path / "var")
    database = cli.url.rsplit("/", 1)[1]
    with psycopg.connect(cli.url, autocommit=True) as watcher:

        def checking() -> bool:
            # The file is in the raw table and the SQL check is filling the staging table.
            return bool(
                watcher.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE datname = %s "
                    "AND query LIKE 'INSERT INTO import_events_stage%%'",
                    [database],
                ).fetchall()
            )

        victim = cli.start("import", "events", str(events))
        kill_when(victim, checking)
    assert count(cli.url, "events_event") == 0

    again = cli("import", "events", str(events))
    assert (again.returncode, summary(again.stdout)) == (
        0,
        {"read": EVENTS, "created": EVENTS, "updated": 0, "unchanged": 0, "rejected": 0},
    )
    assert query(cli.url, EVENT_ROWS) == query(uninterrupted, EVENT_ROWS)


def test_events_import_killed_while_writing_and_run_again(
    files, databases: Databases, with_people: str, uninterrupted: str, tmp_path: Path
) -> None:
    events = files[1]
    cli = Cli(databases.new(template=with_people), tmp_path / "var")
    victim = cli.start("import", "events", str(events))
    was_reading = False

    def writing() -> bool:
        # Every row has been read (the file is closed again); the writing has begun.
        nonlocal was_reading
        reading = reading_position(victim.pid, events) is not None
        was_reading = was_reading or reading
        return was_reading and not reading

    kill_when(victim, writing)
    landed = count(cli.url, "events_event")
    assert landed in (0, EVENTS), f"{landed} events half-written"

    again = cli("import", "events", str(events))
    assert (again.returncode, summary(again.stdout)) == (
        0,
        {
            "read": EVENTS,
            "created": EVENTS - landed,
            "updated": 0,
            "unchanged": landed,
            "rejected": 0,
        },
    )
    assert query(cli.url, EVENT_ROWS) == query(uninterrupted, EVENT_ROWS)


def test_people_import_killed_after_some_batches_landed_and_run_again(
    files, databases: Databases, initialised_database: str, uninterrupted: str, tmp_path: Path
) -> None:
    people = files[0]
    cli = Cli(
        databases.new(template=initialised_database),
        tmp_path / "var",
        PATHWAYS_IMPORT_BATCH_SIZE=str(BATCH),
    )
    victim = cli.start("import", "people", str(people))
    kill_when(victim, lambda: count(cli.url, "people_agencyrecord") > 0)
    landed = count(cli.url, "people_agencyrecord")
    assert 0 < landed < PEOPLE
    assert landed % BATCH == 0, f"{landed} records: a batch was half-written"

    again = cli("import", "people", str(people))
    assert (again.returncode, summary(again.stdout)) == (
        0,
        {
            "read": PEOPLE,
            "created": PEOPLE - landed,
            "updated": 0,
            "unchanged": landed,
            "rejected": 0,
        },
    )
    assert people_rows(cli.url) == people_rows(uninterrupted)
