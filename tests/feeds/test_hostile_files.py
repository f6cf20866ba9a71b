"""Hostile files fed to the importers (issue 21, "Hostile input"): arbitrary bytes, the
wrong encodings, NUL bytes, a 1 MB value, very long lines, too many or too few values,
text a spreadsheet would run as a formula. Through the runner the command uses
(`feeds.runner.import_files`): no exception escapes but the runner's own refusal of a
whole file (with its reason), the good rows are kept exactly, each bad row is rejected
with its line and reason, and formula-like values are kept as data but never written
unescaped to a file a person opens (the quarantine CSV, a chronology download).

And one fault: a quarantine file that cannot be written stops the import before it
starts (a clear error, a non-zero exit, nothing imported).

(The row checks' own properties are in test_people_row_checks.py and
test_event_row_checks.py; this file is about whole files.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.events.models import Event
from pathways.feeds.formats import EVENT_COLUMNS, PEOPLE_COLUMNS, REFERRAL_COLUMNS
from pathways.feeds.models import ImportRun
from pathways.feeds.runner import ImportOutcome, import_files
from pathways.people.models import AgencyRecord
from pathways.spreadsheet import neutralise
from pathways.web.downloads import chronology_csv, rejected_rows_csv
from tests.factories import EventFactory, PersonFactory

from .conftest import PEOPLE_HEADER

pytestmark = pytest.mark.django_db

HEADERS = {
    "people": ",".join(PEOPLE_COLUMNS),
    "events": ",".join(EVENT_COLUMNS),
    "referrals": ",".join(REFERRAL_COLUMNS),
}
# A valid row of each kind (Glasgow's codes), about police person P{n}.
GOOD = {
    "people": "POLICE,P{n},Ann,Reid,2001-02-03,F,G31 2AB,NE,1 High St",
    "events": "POLICE,E{n},P{n},offence,2024-01-05T10:00:00,violence,Assault,NE,,,",
    "referrals": "R{n},POLICE,P{n},ADAPT,2024-02-01,,,,,,",
}
PROPERTY = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
# What a spreadsheet may take for the start of a formula (OWASP's CSV injection list),
# and values starting so.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = ['=HYPERLINK("http://x")', "+44 141", "-2+3", "@SUM(A1)", "\t=1+2", "\r=1+2"]


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def check_accounted_for(outcome: ImportOutcome, path: Path) -> None:
    """The file is refused whole with a reason naming it, or every row read is
    created, updated, unchanged or rejected, each rejection with its line and reason."""
    if outcome.refused:
        assert len(outcome.refused) == 1 and path.name in outcome.refused[0]
        assert ImportRun.objects.get().status == ImportRun.Status.FAILED
        return
    (run,) = outcome.runs
    assert run.status == ImportRun.Status.FINISHED
    assert run.rows_read == run.created + run.updated + run.unchanged + run.rejected
    rejected = list(run.rejected_rows.all())
    assert len(rejected) == run.rejected
    assert all(r.line >= 2 and r.reason.strip() for r in rejected)


@pytest.fixture
def known_people(tmp_path: Path) -> None:
    """Police's people P0..P9, so events and referrals can name someone."""
    path = tmp_path / "known-people.csv"
    rows = [GOOD["people"].format(n=n) for n in range(10)]
    path.write_text("\n".join([HEADERS["people"], *rows]) + "\n", encoding="utf-8")
    assert import_files("people", [path]).runs[0].created == 10


# --- Arbitrary bytes -----------------------------------------------------------------


def fragments(kind: str) -> st.SearchStrategy[bytes]:
    """Pieces of hostile files: good rows, strange text in several encodings, the
    characters CSV gives meaning to, NULs, long values."""
    text = st.text(max_size=40)
    return st.one_of(
        st.integers(0, 12).map(lambda n: GOOD[kind].format(n=n).encode()),
        st.sampled_from([b",", b'"', b"\n", b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\\."]),
        st.tuples(text, st.sampled_from(["utf-8", "latin-1", "utf-16", "cp1252"])).map(
            lambda t: t[0].encode(t[1], errors="replace")
        ),
        st.binary(max_size=40),
        st.sampled_from([b"x" * 70_000, b'"' + b"y\n" * 40_000 + b'"', b"," * 5_000]),
        st.sampled_from(FORMULAS).map(str.encode),
    )


def hostile_files(kind: str) -> st.SearchStrategy[bytes]:
    header = HEADERS[kind].encode()
    pieces = st.lists(fragments(kind), max_size=12).map(b"".join)
    return st.one_of(
        st.binary(max_size=300),
        pieces,
        pieces.map(lambda body: header + b"\n" + body),
        st.lists(fragments(kind), max_size=6).map(lambda rows: header + b"\n" + b"\n".join(rows)),
        st.text(max_size=200).map(lambda t: (HEADERS[kind] + "\n" + t).encode("utf-16")),
    )


@pytest.mark.parametrize("kind", HEADERS)
def test_arbitrary_bytes_never_crash_an_import(kind: str, known_people, tmp_path) -> None:
    path = tmp_path / f"{kind}.csv"

    @PROPERTY
    @given(content=hostile_files(kind))
    def one(content: bytes) -> None:
        path.write_bytes(content)
        with rolled_back():
            ImportRun.objects.all().delete()
            check_accounted_for(import_files(kind, [path]), path)

    one()


# --- Good rows kept, each bad row with its reason ------------------------------------


@dataclass(frozen=True)
class Row:
    """One row of a people file as bytes, and what should become of it: kept with this
    given name, or rejected naming `column` with `reason` in the reason."""

    raw: bytes
    breaks: int  # line breaks inside the row's values
    given_name: str | None = None
    column: str = ""
    reason: str = ""


def _row(n: int, given: str = "Ann", **changed: str) -> list[str]:
    values = dict(zip(PEOPLE_COLUMNS, GOOD["people"].format(n=n).split(","), strict=True))
    values["given_name"] = given
    return list((values | changed).values())


def _csv(values: list[str]) -> str:
    out = io.StringIO()
    # The terminator is the caller's; it is "\r\n" here because csv quotes a value
    # holding a character of it, and a line break inside a value must be quoted.
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue().removesuffix("\r\n")


ROWS: dict[str, Callable[[int], Row]] = {
    "good": lambda n: Row(_csv(_row(n)).encode(), 0, given_name="Ann"),
    "formula": lambda n: Row(
        _csv(_row(n, FORMULAS[n % 4])).encode(), 0, given_name=FORMULAS[n % 4]
    ),
    "accented": lambda n: Row(_csv(_row(n, "Zoë")).encode(), 0, given_name="Zoë"),
    "latin-1": lambda n: Row(
        _csv(_row(n, "Zoë")).encode("latin-1"), 0, column="given_name", reason="not valid UTF-8"
    ),
    "nul": lambda n: Row(
        _csv(_row(n, "A\x00nn")).encode(), 0, column="given_name", reason="NUL character"
    ),
    "1 MB value": lambda n: Row(
        _csv(_row(n, "x" * 1_000_000)).encode(), 0, column="given_name", reason="at most 200"
    ),
    "1 MB over lines": lambda n: Row(
        _csv(_row(n, address=("z" * 99 + "\n") * 10_000)).encode(),
        10_000,
        column="address",
        reason="at most 500",
    ),
    "10,000 values": lambda n: Row(
        (_csv(_row(n)) + ",v" * 9_991).encode(), 0, reason="has 10000 values but the header has 9"
    ),
    "too few values": lambda n: Row(f"POLICE,P{n},Ann".encode(), 0, reason="has 3 values"),
    "bad date": lambda n: Row(
        _csv(_row(n, date_of_birth="31/02/2001")).encode(),
        0,
        column="date_of_birth",
        reason="'31/02/2001' is not a valid date",
    ),  # fmt: skip
    "stray quote": lambda n: Row(
        f'POLICE,P{n},"Ann"x,Reid,,F,,,'.encode(), 0, reason="is not valid CSV"
    ),
}


@PROPERTY
@given(
    kinds=st.lists(st.sampled_from(sorted(ROWS)), min_size=1, max_size=8),
    endings=st.sampled_from([b"\n", b"\r\n"]),
    blank_lines=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_good_rows_are_kept_and_each_bad_row_is_rejected_with_its_reason(
    tmp_path_factory, kinds: list[str], endings: bytes, blank_lines: list[bool]
) -> None:
    path = tmp_path_factory.mktemp("hostile") / "people.csv"
    rows = [ROWS[kind](n) for n, kind in enumerate(kinds)]
    content = PEOPLE_HEADER.encode() + b",address" + endings
    expected: dict[int, Row] = {}
    line = 2
    for row, blank in zip(rows, blank_lines, strict=False):
        if blank:
            content += endings
            line += 1
        content += row.raw + endings
        expected[line] = row
        line += 1 + row.breaks
    path.write_bytes(content)
    with rolled_back():
        (run,) = import_files("people", [path]).runs
        kept = [r for r in rows if r.given_name is not None]
        bad = {line: r for line, r in expected.items() if r.given_name is None}
        assert (run.rows_read, run.created, run.rejected) == (len(rows), len(kept), len(bad))
        records = dict(AgencyRecord.objects.values_list("person_ref", "given_name"))
        for n, row in enumerate(rows):
            if row.given_name is not None:
                assert records[f"P{n}"] == row.given_name
            else:
                assert f"P{n}" not in records
        rejected = {r.line: r for r in run.rejected_rows.all()}
        assert set(rejected) == set(bad)
        for line, row in bad.items():
            assert row.reason in rejected[line].reason
            assert rejected[line].column == row.column


# --- Whole-file encodings -------------------------------------------------------------


def test_a_latin_1_file_keeps_its_plain_rows_and_rejects_those_with_accents(tmp_path) -> None:
    path = tmp_path / "people.csv"
    rows = ["POLICE,P1,Ann,Reid,,F,,", "POLICE,P2,Zoë,Brontë,,F,,", "POLICE,P3,Bob,Reid,,M,,"]
    path.write_bytes("\n".join([PEOPLE_HEADER, *rows]).encode("latin-1") + b"\n")
    (run,) = import_files("people", [path]).runs
    assert sorted(AgencyRecord.objects.values_list("person_ref", flat=True)) == ["P1", "P3"]
    rejected = run.rejected_rows.get()
    assert (rejected.line, rejected.column) == (3, "given_name")
    assert rejected.reason == "given_name: contains bytes that are not valid UTF-8"


@pytest.mark.parametrize(
    ("encoding", "named"), [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32")]
)
def test_a_utf_16_or_32_file_is_refused_whole_saying_to_save_it_as_utf_8(
    tmp_path, encoding: str, named: str
) -> None:
    path = tmp_path / "people.csv"
    text = PEOPLE_HEADER + "\nPOLICE,P1,Ann,Reid,,F,,\n"
    bom = {"utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path.write_bytes(bom + text.encode(encoding))
    outcome = import_files("people", [path])
    assert outcome.refused == [
        f'people.csv is {named} text: save it as UTF-8 (in a spreadsheet, as "CSV UTF-8") '
        "and import it again"
    ]
    assert not AgencyRecord.objects.exists()


# --- Formula-like values: data in, never a formula out --------------------------------


@given(value=st.text(max_size=30))
def test_a_neutralised_value_never_starts_like_a_formula(value: str) -> None:
    shown = neutralise(value)
    assert isinstance(shown, str) and not shown.startswith(FORMULA_STARTS)
    assert shown in (value, "'" + value)


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_like_values_are_kept_as_data_but_escaped_in_the_quarantine(
    tmp_path, value: str
) -> None:
    path = tmp_path / "people.csv"
    rows = [
        _csv(_row(1, value)),  # kept: a name is data, whatever it starts with
        _csv(_row(2, value, date_of_birth="31/02/2001", address=value)),  # rejected
    ]
    path.write_text("\n".join([HEADERS["people"], *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "quarantine.csv"
    with pytest.raises(SystemExit):  # a rejected row: exit status 1
        call_command("import", "people", str(path), "--quarantine", str(out),
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert AgencyRecord.objects.get(person_ref="P1").given_name == value.strip()
    (run,) = ImportRun.objects.all()
    assert run.rejected_rows.get().row["given_name"] == value
    for written in (
        out.read_bytes().decode("utf-8"),  # as written: a carriage return stays one
        "".join(rejected_rows_csv(run)),  # the import run page's download
    ):
        (row,) = csv.DictReader(io.StringIO(written, newline=""))
        assert (row["given_name"], row["address"]) == ("'" + value, "'" + value)
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values())


def test_a_chronology_download_escapes_formula_like_values() -> None:
    person = PersonFactory(records=[("POLICE", "P1")])
    for n, value in enumerate(FORMULAS):
        EventFactory(person=person, event_ref=value + str(n), category=value, crime_group="x")
    rows = list(csv.DictReader(io.StringIO("".join(chronology_csv(Event.objects.all())))))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        assert row["category"] in ["'" + value for value in FORMULAS]
        assert not any(cell.startswith(FORMULA_STARTS) for cell in row.values())


# --- The quarantine cannot be written ------------------------------------------------


def unwritable(tmp_path: Path) -> dict[str, Path]:
    """Quarantine paths that cannot be opened for writing, even by root (CI runs as
    root, where a folder's permissions stop nothing)."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    return {
        "its folder is a file": a_file / "quarantine.csv",
        "it is a folder": tmp_path,
        "its folder does not exist": tmp_path / "no-such-folder" / "quarantine.csv",
        "its folder is /proc": Path("/proc/no-such-folder/quarantine.csv"),
    }


@pytest.mark.parametrize(
    "case",
    ["its folder is a file", "it is a folder", "its folder does not exist", "its folder is /proc"],
)
def test_a_quarantine_that_cannot_be_written_stops_the_import_before_it_starts(
    tmp_path, case: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"{PEOPLE_HEADER}\nPOLICE,P1,Ann,Reid,,F,,\nPOLICE,P2,Bob,Reid,bad,M,,\n")
    out = unwritable(tmp_path)[case]
    with pytest.raises(CommandError) as raised:
        call_command("import", "people", str(path), "--quarantine", str(out),
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert raised.value.returncode == 2
    message = str(raised.value)
    assert message.startswith(f"the quarantine file {out} cannot be written (")
    assert message.endswith("): nothing was imported")
    assert not ImportRun.objects.exists()
    assert not AgencyRecord.objects.exists()


def test_the_command_exits_non_zero_naming_the_quarantine_and_imports_nothing(
    pathways_cli, tmp_path
) -> None:
    from .conftest import query

    path = tmp_path / "people.csv"
    path.write_text(f"{PEOPLE_HEADER}\nPOLICE,P1,Ann,Reid,,F,,\n")
    out = unwritable(tmp_path)["its folder is a file"]
    done = pathways_cli("import", "people", str(path), "--quarantine", str(out))
    assert done.returncode == 2
    assert f"the quarantine file {out} cannot be written (Not a directory)" in done.stderr
    assert "Traceback" not in done.stderr
    assert query(pathways_cli.url, "SELECT COUNT(*) FROM events_importrun") == [(0,)]
    assert query(pathways_cli.url, "SELECT COUNT(*) FROM people_agencyrecord") == [(0,)]


def test_a_quarantine_whose_disk_is_full_says_the_import_is_done_and_where_its_rows_are(
    tmp_path,
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"{PEOPLE_HEADER}\nPOLICE,P1,Ann,Reid,,F,,\nPOLICE,P2,Bob,Reid,bad,M,,\n")
    # /dev/full opens, then every write fails as a full disk does (ENOSPC).
    with pytest.raises(CommandError) as raised:
        call_command("import", "people", str(path), "--quarantine", "/dev/full",
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert raised.value.returncode == 2
    assert str(raised.value) == (
        "the files were imported, but writing the quarantine file /dev/full failed "
        "(No space left on device); the rejected rows are kept with the import runs"
    )
    (run,) = ImportRun.objects.all()
    assert (run.created, run.rejected) == (1, 1)
    assert run.rejected_rows.get().line == 3
