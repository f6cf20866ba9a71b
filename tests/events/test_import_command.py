"""`pathways import` as scripts use it: its output, exit codes and quarantine file,
and an import killed half-way then run again."""

from __future__ import annotations

import csv
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from .conftest import EVENTS_HEADER, PATHWAYS, PEOPLE_HEADER, summary


def test_prints_the_summary_and_exits_zero_when_every_row_is_accepted(
    pathways_cli, write_csv
) -> None:
    done = pathways_cli(
        "import", "people", str(write_csv("p.csv", PEOPLE_HEADER, "POLICE,P1,A,Reid,,M,,"))
    )
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "read: 1",
        "created: 1",
        "updated: 0",
        "unchanged: 0",
        "rejected: 0",
    ]


def test_exits_one_and_writes_the_quarantine_when_rows_are_rejected(
    pathways_cli, write_csv, tmp_path: Path
) -> None:
    path = write_csv(
        "people.csv",
        PEOPLE_HEADER,
        "POLICE,P1,Ann,Reid,2001-02-30,F,,",
        "POLICE,P2,=HYPERLINK(x),+Kerr,,M,,",
        "POLICE,P3,Ann,Kerr,2001-02-03,F,,",
        "POLICE,P3,Anne,Kerr,2001-02-03,F,,",
    )
    out = tmp_path / "rejected.csv"
    done = pathways_cli("import", "people", str(path), "--quarantine", str(out))
    assert done.returncode == 1
    assert summary(done.stdout) == {
        "read": 4,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 3,
    }
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["file", "line", "column", "reason"]
    assert [(r["line"], r["column"]) for r in rows] == [
        ("2", "date_of_birth"),
        ("4", "person_ref"),
        ("5", "person_ref"),
    ]
    assert rows[0]["file"] == "people.csv"
    assert "'2001-02-30' is not a valid date" in rows[0]["reason"]


def test_formula_like_text_is_neutralised_in_the_quarantine_file(
    pathways_cli, write_csv, tmp_path: Path
) -> None:
    path = write_csv("p.csv", PEOPLE_HEADER, "POLICE,P2,=HYPERLINK(x),@Kerr,31/01/2001,M,,")
    out = tmp_path / "rejected.csv"
    pathways_cli("import", "people", str(path), "--quarantine", str(out))
    with out.open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert (row["given_name"], row["family_name"]) == ("'=HYPERLINK(x)", "'@Kerr")


def test_a_refused_file_exits_two_and_names_the_problem(pathways_cli, write_csv) -> None:
    done = pathways_cli(
        "import", "people", str(write_csv("p.csv", "agency,person_ref,surname", "POLICE,P1,Reid"))
    )
    assert done.returncode == 2
    assert "'surname'" in done.stderr and "family_name" in done.stderr


def _events_file(path: Path, people: int, events: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(EVENTS_HEADER + "\n")
        for n in range(events):
            kind = ("offence", "custody", "asb")[n % 3]
            group = "dishonesty" if kind == "offence" else ""
            handle.write(
                f"POLICE,E{n},P{n % people},{kind},2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00,{group},\n"
            )


def _event_rows(database_url: str) -> list[tuple]:
    query = (
        "SELECT agency_id, event_ref, kind, occurred_at, occurred_on, crime_group, flags "
        "FROM events_event ORDER BY agency_id, event_ref"
    )
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return [tuple(map(str, row)) for row in conn.execute(query)]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [tuple(map(str, row)) for row in conn.execute(query)]


def _count(database_url: str) -> int:
    try:
        return len(_event_rows(database_url))
    except Exception:  # the table may be locked or mid-write; try again later
        return 0


def test_an_import_killed_half_way_and_run_again_ends_as_an_uninterrupted_one(
    pathways_cli, tmp_path: Path
) -> None:
    people = tmp_path / "people.csv"
    people.write_text(
        PEOPLE_HEADER + "\n" + "".join(f"POLICE,P{n},Ann,Reid{n},,F,,\n" for n in range(500)),
        encoding="utf-8",
    )
    assert pathways_cli("import", "people", str(people)).returncode == 0
    events = tmp_path / "events.csv"
    _events_file(events, people=500, events=60_000)
    env = pathways_cli.env  # type: ignore[attr-defined]
    url = env["DATABASE_URL"]

    victim = subprocess.Popen(
        [PATHWAYS, "import", "events", str(events)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it while it is at work: after it has started, before it could have finished.
    time.sleep(2.5)
    killed_early = victim.poll() is None
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    landed_after_kill = _count(url)
    assert killed_early, "the import finished before it could be killed; use a bigger file"
    assert landed_after_kill < 60_000

    again = pathways_cli("import", "events", str(events))
    assert again.returncode == 0
    final = _event_rows(url)
    assert len(final) == 60_000

    # The same files into a second, fresh database, uninterrupted.
    reference = tmp_path / "reference.sqlite3"
    ref_env = {**env, "DATABASE_URL": f"sqlite:///{reference}"}
    for args in (["init"], ["import", "people", str(people)], ["import", "events", str(events)]):
        subprocess.run([PATHWAYS, *args], env=ref_env, check=True, capture_output=True)
    expected = _event_rows(ref_env["DATABASE_URL"])
    normalise = lambda rows: [(a, r, k, str(on), g, f) for a, r, k, _at, on, g, f in rows]  # noqa: E731
    assert normalise(final) == normalise(expected)
