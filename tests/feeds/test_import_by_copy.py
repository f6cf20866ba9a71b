"""events.csv on PostgreSQL goes in by COPY and an SQL check (events_copy.py); whatever
path a row takes, the database must end exactly as the row-by-row import leaves it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.events.models import Event
from pathways.feeds.events import EventsSpec
from pathways.feeds.formats import EVENT_COLUMNS
from pathways.feeds.models import ImportRun, RejectedRow, SupersededRow
from pathways.feeds.runner import import_file
from pathways.people.models import AgencyRecord, Person

from .test_event_row_checks import rows as event_rows

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the COPY path is PostgreSQL's (the test-postgres stage runs this)",
    ),
]

EVENT_FIELDS = (
    "agency_id", "event_ref", "record__person_ref", "kind", "occurred_at", "occurred_on",
    "crime_group", "category", "area_id", "flags", "disposal", "offence_date", "content_hash",
    "source_hash",
)  # fmt: skip


@pytest.fixture
def people() -> None:
    for agency, ref in (("POLICE", "P1"), ("HSCP_CJSW", "P1")):
        person = Person.objects.create(family_name="Reid")
        AgencyRecord.objects.create(
            agency_id=agency, person_ref=ref, person=person, family_name="Reid"
        )


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[c] for c in header])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def outcome(path: Path, monkeypatch: pytest.MonkeyPatch, copy: str) -> tuple[object, ...]:
    """Import `path` by one path (copy "1" or "0") into empty event tables; what it left."""
    for model in (SupersededRow, RejectedRow, Event, ImportRun):
        model.objects.all().delete()
    monkeypatch.setenv("PATHWAYS_IMPORT_COPY", copy)
    run = import_file("events", path)
    return (
        (run.rows_read, run.created, run.updated, run.unchanged, run.rejected),
        list(Event.objects.order_by("agency_id", "event_ref").values_list(*EVENT_FIELDS)),
        list(RejectedRow.objects.order_by("line").values_list("line", "column", "reason")),
    )


# Values COPY reads as Python does (no line breaks or NUL), so most files stay on the
# COPY path; the rest of the strategy is the row-check property test's.
readable = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"),
    max_size=70,
)
copy_rows = event_rows.flatmap(
    lambda row: st.fixed_dictionaries(
        {
            **{k: st.just(v) for k, v in row.items()},
            "event_ref": st.one_of(
                st.sampled_from(["E1", "E2", " E3", "E4\t", "E\u00e95"]), readable
            ),
            "category": st.one_of(st.sampled_from(["", "shoplifting", "caf\u00e9 "]), readable),
        }
    )
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(copy_rows, min_size=1, max_size=12), data=st.data())
def test_copy_and_row_by_row_imports_leave_the_same_database(
    people, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows, data
) -> None:
    header = data.draw(st.permutations(list(EVENT_COLUMNS)))
    path = write(tmp_path / "events.csv", header, rows)
    by_copy = outcome(path, monkeypatch, "1")
    row_by_row = outcome(path, monkeypatch, "0")
    assert by_copy == row_by_row


def test_plain_rows_are_checked_in_sql_without_python(
    people, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object) -> None:
        raise AssertionError("a plain row went through Python")

    monkeypatch.setattr(EventsSpec, "clean", refuse)
    rows = [
        {**dict.fromkeys(EVENT_COLUMNS, ""), "agency": "POLICE", "event_ref": f"E{n}",
         "person_ref": "P1", "kind": kind, "occurred_at": moment, "crime_group": group,
         "flags": flags, "disposal": disposal, "offence_date": offence}
        for n, (kind, moment, group, flags, disposal, offence) in enumerate([
            ("offence", "2024-07-01T00:30:00", "violence", "weapon;alcohol;weapon", "", ""),
            ("custody", "2024-01-15", "", "", "", ""),
            ("conviction", "2023-11-30T09:00:00", "dishonesty", "", "cpo", "2023-02-28"),
            ("overdose", "2024-02-29T23:59:59", "", "substance", "", ""),
        ])
    ]  # fmt: skip
    run = import_file("events", write(tmp_path / "events.csv", list(EVENT_COLUMNS), rows))
    assert (run.rows_read, run.created, run.rejected) == (4, 4, 0)
    first = Event.objects.get(event_ref="E0")
    assert first.occurred_at.isoformat() == "2024-06-30T23:30:00+00:00"
    assert first.occurred_on.isoformat() == "2024-07-01"
    assert first.flags == "alcohol;weapon"


def test_a_row_sent_again_unchanged_is_not_checked_again(
    people, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = {**dict.fromkeys(EVENT_COLUMNS, ""), "agency": "POLICE", "event_ref": "E1",
           "person_ref": "P1", "kind": "custody", "occurred_at": "2024-03-31T01:30:00"}  # fmt: skip
    path = write(tmp_path / "events.csv", list(EVENT_COLUMNS), [row])
    # The night the clocks change is left to Python, so the first import calls clean()...
    assert import_file("events", path).created == 1
    monkeypatch.setattr(EventsSpec, "clean", lambda *a: pytest.fail("checked again"))
    # ...and the second does not: the row's fingerprint is the one stored.
    again = import_file("events", path)
    assert (again.unchanged, again.created, again.updated) == (1, 0, 0)


def test_a_bulk_load_rebuilds_the_indexes_and_keys_exactly_as_they_were(
    people, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathways import bulk_load as bulk

    catalogue = """SELECT 'index', indexname, indexdef FROM pg_indexes
        WHERE tablename = 'events_event'
        UNION ALL SELECT 'constraint', conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = 'events_event'::regclass ORDER BY 1, 2"""
    with connection.cursor() as cursor:
        cursor.execute(catalogue)
        before = cursor.fetchall()
    monkeypatch.setattr(bulk, "MINIMUM_ROWS", 0)
    rows = [
        {**dict.fromkeys(EVENT_COLUMNS, ""), "agency": "POLICE", "event_ref": f"E{n}",
         "person_ref": "P1", "kind": "custody", "occurred_at": f"2024-01-{n + 1:02d}"}
        for n in range(20)
    ]  # fmt: skip
    run = import_file("events", write(tmp_path / "events.csv", list(EVENT_COLUMNS), rows))
    assert run.created == 20
    with connection.cursor() as cursor:
        cursor.execute(catalogue)
        after = cursor.fetchall()
    assert after == before
    assert any(kind == "constraint" and "FOREIGN KEY (record_id)" in d for kind, _, d in after)
    assert Event.objects.filter(person__isnull=False).count() == 20


@pytest.mark.parametrize(
    "line",
    [
        '"POL"ICE,E1,P1,custody,2024-01-01,,,,,,',  # COPY would read POLICE
        'POLICE,E1,P1,cus"tody,2024-01-01,,,,,,',
        'POLICE,"E1",P1,custody,"2024-01-01",,"a, b",,,,',  # plain quoting: COPY keeps it
    ],
)
def test_quoting_is_read_as_python_reads_it(
    people, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    path = tmp_path / "events.csv"
    path.write_text(",".join(EVENT_COLUMNS) + "\n" + line + "\n", encoding="utf-8")
    assert outcome(path, monkeypatch, "1") == outcome(path, monkeypatch, "0")
