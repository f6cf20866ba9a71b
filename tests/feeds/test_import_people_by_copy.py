"""people.csv on PostgreSQL goes in through a staging table and set-based SQL, linking
batched behind it (people_staged.py); the database must end exactly as the
record-by-record import (PATHWAYS_IMPORT_COPY=0) leaves it: the same people, records,
links, review pairs, linkage keys and counts, previous versions, runs, rejected rows and
command output, on a first import, a re-import of the same file, and a file with some
rows changed, some new, some bad and some repeated."""

# The tests' queries interpolate the models' own table names only.
# ruff: noqa: S608

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import connection

from pathways.feeds.formats import PEOPLE_COLUMNS
from pathways.feeds.models import ImportRun, RejectedRow, SupersededRow
from pathways.feeds.runner import import_file
from pathways.linkage.models import LinkFrequency, LinkKey, LinkReview
from pathways.people.models import AgencyRecord, Person
from pathways.synth.population import generate as synthesise
from pathways.synth.population import iter_people_rows

from .conftest import Cli, Databases, query, summary

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the COPY path is PostgreSQL's (the test-postgres stage runs this)",
    ),
]

BATCH = "150"  # several batches, so that the batches' order is tested too


def records(url: str) -> list[tuple[object, ...]]:
    """Every agency record with its person's identity, the person as the records it holds
    (ids are compared through what they join)."""
    rows = query(
        url,
        f"""SELECT r.agency_id, r.person_ref, r.given_name, r.family_name, r.date_of_birth,
            r.sex, r.postcode, r.area_id, r.address, r.given_key, r.family_key,
            r.link_method, ROUND(CAST(r.link_confidence AS NUMERIC), 6), r.content_hash,
            r.linked_at IS NULL, r.person_id, p.given_name, p.family_name,
            p.date_of_birth, p.sex
        FROM {AgencyRecord._meta.db_table} r
        JOIN {Person._meta.db_table} p ON p.id = r.person_id
        ORDER BY r.agency_id, r.person_ref""",
    )
    holds: dict[object, list[tuple[object, object]]] = {}
    for row in rows:
        holds.setdefault(row[15], []).append((row[0], row[1]))
    return [(*row[:15], tuple(holds[row[15]]), *row[16:]) for row in rows]


def state(url: str) -> dict[str, object]:
    """What an import leaves in the database at `url`, comparable across databases."""
    ref = """(SELECT agency_id || '/' || person_ref FROM people_agencyrecord
        WHERE id = {})"""
    return {
        "records": records(url),
        "people": query(url, f"SELECT COUNT(*) FROM {Person._meta.db_table}"),
        "people without records": query(
            url,
            f"""SELECT COUNT(*) FROM {Person._meta.db_table} p WHERE NOT EXISTS
            (SELECT 1 FROM {AgencyRecord._meta.db_table} r WHERE r.person_id = p.id)""",
        ),
        "reviews": query(
            url,
            f"""SELECT {ref.format("record_a_id")}, {ref.format("record_b_id")},
                ROUND(CAST(probability AS NUMERIC), 6), why, status
            FROM {LinkReview._meta.db_table} ORDER BY 1, 2""",
        ),
        "keys": query(
            url,
            f"""SELECT key, {ref.format("record_id")} FROM {LinkKey._meta.db_table}
            ORDER BY 1, 2""",
        ),
        "frequencies": query(
            url,
            f"""SELECT field, value, records FROM {LinkFrequency._meta.db_table}
            WHERE records <> 0 ORDER BY 1, 2""",
        ),
        "superseded": query(
            url,
            f"""SELECT s.kind, s.key, s.content::text, s.run_id IS NULL
            FROM {SupersededRow._meta.db_table} s ORDER BY s.key, s.id""",
        ),
        "runs": query(
            url,
            f"""SELECT kind, status, rows_read, created, updated, unchanged, rejected, error
            FROM {ImportRun._meta.db_table} ORDER BY id""",
        ),
        "rejected": query(
            url,
            f"""SELECT r.line, r.column, r.reason, r.row::text
            FROM {RejectedRow._meta.db_table} r ORDER BY r.run_id, r.line""",
        ),
    }


def write_people(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(PEOPLE_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def synthetic() -> list[dict[str, str]]:
    """A small synthetic partnership's people: records of one person at several
    agencies, to be linked."""
    return list(iter_people_rows(synthesise(350, seed=11)))


def bad_and_repeated(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """`rows` with bad rows, an exact repeat and a conflicting repeat among them."""
    first, second = rows[3], rows[40]
    return [
        *rows[:10],
        {**rows[10], "date_of_birth": "31/02/2001"},
        {**rows[11], "agency": "NOBODY"},
        dict(first),  # the same row twice counts once, unchanged
        *rows[12:50],
        {**second, "given_name": second["given_name"] + "x"},  # conflicts: both rejected
        {**rows[50], "sex": "Q", "postcode": "not a postcode"},
        *rows[51:],
    ]


def changed(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """`rows` with some changed (an address, a name, a date of birth, a sex), some new,
    some bad."""
    out = []
    for n, row in enumerate(rows):
        row = dict(row)
        if n % 37 == 1:
            row["address"] = f"{n} New Street, Glasgow"
        elif n % 53 == 2:
            row["family_name"] = row["family_name"] + "-Smith"
        elif n % 61 == 3 and row["date_of_birth"]:
            row["date_of_birth"] = "1990-01-01"
        elif n % 71 == 4:
            row["sex"] = "U"
        elif n % 97 == 5:
            row["date_of_birth"] = "never"
        out.append(row)
    new = [
        {**row, "agency": "HSCP_CJSW", "person_ref": f"NEW{n}", "postcode": ""}
        for n, row in enumerate(rows[100:130])
    ]
    return [*out[:200], *new, *out[200:]]


def import_both_ways(
    databases: Databases,
    template: str,
    tmp_path: Path,
    files: list[Path],
    *options: str,
) -> tuple[list[dict[str, int]], dict[str, object]]:
    """Import `files` one after another into two databases made from `template`, by COPY
    and record by record; assert the command's output and the database agree after each."""
    by_copy = Cli(databases.new(template=template), tmp_path / "copy",
                  PATHWAYS_IMPORT_BATCH_SIZE=BATCH)  # fmt: skip
    by_record = Cli(databases.new(template=template), tmp_path / "record",
                    PATHWAYS_IMPORT_BATCH_SIZE=BATCH, PATHWAYS_IMPORT_COPY="0")  # fmt: skip
    outputs = []
    for path in files:
        copied = by_copy("import", "people", str(path), *options)
        recorded = by_record("import", "people", str(path), *options)
        assert copied.returncode in (0, 1), copied.stderr
        assert (copied.returncode, copied.stdout) == (recorded.returncode, recorded.stdout)
        assert state(by_copy.url) == state(by_record.url)
        outputs.append(summary(copied.stdout))
    return outputs, state(by_copy.url)


def test_first_import_re_import_and_a_changed_file_leave_the_same_database(
    databases: Databases,
    initialised_database: str,
    tmp_path: Path,
    synthetic: list[dict[str, str]],
) -> None:
    first = write_people(tmp_path / "people.csv", bad_and_repeated(synthetic))
    later = write_people(tmp_path / "people-later.csv", changed(synthetic))
    outputs, end = import_both_ways(
        databases, initialised_database, tmp_path, [first, first, later, later]
    )
    made, again, changes, unchanged = outputs
    assert (made["rejected"], made["unchanged"]) == (5, 1)
    assert again["unchanged"] == made["created"] + 1 and again["created"] == 0
    assert changes["updated"] > 10 and changes["created"] == 30 + 4  # and those bad before
    assert unchanged["unchanged"] == changes["read"] - changes["rejected"]
    # What the comparison covered: records linked into people, pairs for review,
    # previous versions kept.
    assert any(len(row[15]) > 1 for row in end["records"])  # type: ignore[attr-defined]
    assert end["reviews"] and end["superseded"]


def test_with_linking_deferred_the_records_are_stored_unmatched_the_same(
    databases: Databases,
    initialised_database: str,
    tmp_path: Path,
    synthetic: list[dict[str, str]],
) -> None:
    first = write_people(tmp_path / "people.csv", bad_and_repeated(synthetic))
    later = write_people(tmp_path / "people-later.csv", changed(synthetic))
    outputs, end = import_both_ways(
        databases, initialised_database, tmp_path, [first, first, later], "--defer-linking"
    )
    assert outputs[2]["updated"] > 10 and end["superseded"]
    assert all(len(row[15]) == 1 for row in end["records"])  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_deferred_records_are_each_a_person_of_their_own_and_unmatched(
    tmp_path: Path, synthetic: list[dict[str, str]]
) -> None:
    path = write_people(tmp_path / "people.csv", synthetic[:40])
    run = import_file("people", path, defer_linking=True)
    assert (run.created, run.rejected) == (40, 0)
    assert Person.objects.count() == 40
    assert not AgencyRecord.objects.filter(linked_at__isnull=False).exists()
    assert not LinkKey.objects.exists()


@pytest.mark.django_db
def test_progress_is_reported_in_the_same_phases_to_the_same_end(
    tmp_path: Path, synthetic: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_people(tmp_path / "people.csv", bad_and_repeated(synthetic))
    monkeypatch.setenv("PATHWAYS_IMPORT_BATCH_SIZE", BATCH)
    reported: dict[str, list[tuple[int, int, str]]] = {}
    for copy in ("1", "0"):
        for model in (SupersededRow, RejectedRow, ImportRun, LinkReview, LinkKey):
            model.objects.all().delete()
        AgencyRecord.objects.all().delete()
        Person.objects.all().delete()
        monkeypatch.setenv("PATHWAYS_IMPORT_COPY", copy)
        calls: list[tuple[int, int, str]] = []
        import_file("people", path, progress=lambda *call: calls.append(call))  # noqa: B023
        reported[copy] = calls
    for calls in reported.values():
        phases = [phase for _, _, phase in calls]
        assert phases == sorted(phases)  # every "checking" before any "writing"
        assert {"checking", "writing"} == set(phases)
        assert all(done <= total for done, total, _ in calls)
    assert reported["1"][-1] == reported["0"][-1]
    checking = [c for c in reported["0"] if c[2] == "checking"]
    assert [c for c in reported["1"] if c[2] == "checking"] == checking


@pytest.mark.django_db
def test_a_file_conflicting_with_itself_rejects_every_row_of_the_key_as_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "agency,person_ref,given_name,family_name\n"
        "POLICE, P1 ,Ann,Reid\n"
        "POLICE,P2,Beth,Reid\n"
        "POLICE,P1,Ann,Reid\n"
        "POLICE,P1,Anne,Reid\n"
        "POLICE,P2,Beth,Reid\n",
        encoding="utf-8",
    )
    run = import_file("people", path)
    assert (run.rows_read, run.created, run.unchanged, run.rejected) == (5, 1, 1, 3)
    rejected = list(run.rejected_rows.order_by("line").values_list("line", "column", "row"))
    assert [(line, column, row["person_ref"]) for line, column, row in rejected] == [
        (2, "person_ref", " P1 "),
        (4, "person_ref", "P1"),
        (5, "person_ref", "P1"),
    ]


@pytest.mark.django_db
def test_a_bulk_load_rebuilds_the_records_indexes_and_keys_exactly_as_they_were(
    tmp_path: Path, synthetic: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathways import bulk_load as bulk

    catalogue = """SELECT 'index', indexname, indexdef FROM pg_indexes
        WHERE tablename = 'people_agencyrecord'
        UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'people_agencyrecord'::regclass ORDER BY 1, 2"""
    with connection.cursor() as cursor:
        cursor.execute(catalogue)
        before = cursor.fetchall()
    monkeypatch.setattr(bulk, "MINIMUM_ROWS", 0)
    run = import_file("people", write_people(tmp_path / "people.csv", synthetic[:50]),
                      defer_linking=True)  # fmt: skip
    assert run.created == 50
    with connection.cursor() as cursor:
        cursor.execute(catalogue)
        after = cursor.fetchall()
    assert after == before
    assert any(kind == "constraint" and "FOREIGN KEY (person_id)" in d for kind, _, d in after)
    assert Person.objects.filter(records__isnull=False).distinct().count() == 50


def people_as_records() -> set[frozenset[str]]:
    """Each person as the references of the records they hold."""
    held: dict[int, set[str]] = {}
    for person, agency, ref in AgencyRecord.objects.values_list(
        "person_id", "agency_id", "person_ref"
    ):
        held.setdefault(person, set()).add(f"{agency}/{ref}")
    return {frozenset(refs) for refs in held.values()}


def links_as_stored() -> tuple[set[frozenset[str]], int, set[tuple[int, int]]]:
    reviews = set(LinkReview.objects.values_list("record_a_id", "record_b_id"))
    return people_as_records(), LinkKey.objects.count(), reviews


@pytest.fixture
def full_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """A first load from 100 records (not 100,000); each full run's `train_model`."""
    from pathways.linkage.internals import relinking

    monkeypatch.setattr(relinking, "FIRST_LOAD_RECORDS", 100)
    runs: list[bool] = []
    real = relinking.relink_everyone

    def spy(**options: object) -> object:
        runs.append(bool(options["train_model"]))
        return real(**options)  # type: ignore[arg-type]

    monkeypatch.setattr(relinking, "relink_everyone", spy)
    return runs


@pytest.mark.django_db
def test_a_first_load_is_linked_in_one_full_run_and_later_files_record_by_record(
    tmp_path: Path, synthetic: list[dict[str, str]], full_runs: list[bool]
) -> None:
    from pathways.linkage.internals.relinking import relink_everyone

    run = import_file("people", write_people(tmp_path / "people.csv", synthetic))
    assert run.created == len(synthetic) and full_runs == [False]  # the model in force
    assert not AgencyRecord.objects.filter(linked_at__isnull=True).exists()
    people, keys, reviews = links_as_stored()
    assert len(people) < len(synthetic) and keys > 10 * len(synthetic)
    # What a full run makes of the same records: nothing to change.
    relink_everyone(train_model=False)
    assert links_as_stored() == (people, keys, reviews)

    later = import_file("people", write_people(tmp_path / "later.csv", changed(synthetic)))
    assert later.created == 30
    assert len(full_runs) == 2  # the one above: the new records were matched as they landed
    assert not AgencyRecord.objects.filter(linked_at__isnull=True).exists()


@pytest.mark.django_db
def test_records_left_unmatched_by_a_first_load_cut_short_are_linked_by_running_it_again(
    tmp_path: Path, synthetic: list[dict[str, str]], full_runs: list[bool]
) -> None:
    path = write_people(tmp_path / "people.csv", synthetic)
    # As a first load killed between writing its records and linking them leaves them.
    import_file("people", path, defer_linking=True)
    again = import_file("people", path)
    assert (again.created, again.unchanged) == (0, len(synthetic))
    assert full_runs == [False]
    assert not AgencyRecord.objects.filter(linked_at__isnull=True).exists()
    assert len(people_as_records()) < len(synthetic)
