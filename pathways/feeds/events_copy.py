"""events.csv on PostgreSQL, the fast way: COPY the file as it is, check it in SQL.

The ordinary path reads every row in Python. Here the file goes straight into a
temporary all-text table with `COPY ... (FORMAT csv)`, and one SQL statement checks
and converts the rows whose values are in the plain, common shapes (ASCII references,
known codes, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS` local times outside the nights the
clocks change) into the same staging table, with the same content hash, as the Python
path would. Only the remaining rows go through Python, which either accepts them too or
rejects them with their reasons. The SQL check may send a good row to Python, never
let a bad one through: a property test holds it to `EventsSpec.clean`.

Files COPY cannot read exactly as Python would (bytes that are not UTF-8, rows of the
wrong width, blank lines, line breaks inside values, which would shift line numbers)
are handed back: `load_by_copy` returns None and the ordinary path reads the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
from django.db import connection, transaction

from pathways.feeds.events import CRIME_GROUPS, DISPOSALS, FLAGS, KINDS, EventsSpec
from pathways.feeds.fields import REF_MAX, TEXT_MAX
from pathways.feeds.formats import EVENT_COLUMNS
from pathways.feeds.sinks import Progress, Reject
from pathways.feeds.specs import Pending, RowInvalid, content_hash
from pathways.feeds.staging import StagingTable

RAW_TABLE = "import_events_raw"
CHUNK = 1 << 20

# The shapes of a date and a local date-time, digits read as 9 (translate() is cheaper
# than a regular expression, and this check runs on every row).
DIGITS = "translate({}, '0123456789', '9999999999')"
DATE_SHAPE = "9999-99-99"
MOMENT_SHAPE = "9999-99-99T99:99:99"


class CopyPath:
    """One events file on its way in through COPY; see the module docstring."""

    def __init__(self, spec: EventsSpec, path: Path, header: list[str]) -> None:
        self.spec = spec
        self.path = path
        self.header = header

    def load(self, progress: Progress | None) -> int | None:
        """COPY the file into the raw table; the number of rows, or None to read it in Python."""
        columns = ", ".join(f'"{c}"' for c in self.header)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {RAW_TABLE} (ord bigint GENERATED ALWAYS AS IDENTITY, "
                + ", ".join(f'"{c}" text' for c in self.header)
                + ")"
            )
        size = self.path.stat().st_size
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                raw = cursor.cursor
                statement = (
                    f"COPY {RAW_TABLE} ({columns}) FROM STDIN "
                    f"(FORMAT csv, HEADER true, ENCODING 'UTF8', FORCE_NOT_NULL ({columns}))"
                )
                with raw.copy(statement) as copy:
                    for done, chunk in self._chunks():
                        if chunk is None:
                            raise _HandBack
                        copy.write(chunk)
                        if progress:
                            progress(done, size, "copying")
                cursor.execute(f"SELECT COUNT(*) FROM {RAW_TABLE}")
                rows = int(cursor.fetchone()[0])
        except (_HandBack, psycopg.Error):
            self.drop()
            return None
        return rows

    def _chunks(self) -> Iterator[tuple[int, bytes | None]]:
        """The file in chunks; None where COPY would not read it as Python's csv does: a
        `\\.` (COPY's end of data) or a line whose quoting is not plain RFC 4180 (COPY
        reads `"POL"ICE` as POLICE, where Python refuses the row)."""
        done = 0
        tail = b""
        partial = b""  # the unfinished last line of the previous chunk
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if done == 0 and chunk.startswith(b"\xef\xbb\xbf"):
                    chunk = chunk[3:]
                    done = 3
                if b"\\." in tail + chunk[:1] or b"\\." in chunk:
                    yield done, None
                    return
                if b'"' in chunk or b'"' in partial:
                    lines = (partial + chunk).split(b"\n")
                    partial = lines.pop()
                    if not all(_plainly_quoted(line) for line in lines):
                        yield done, None
                        return
                else:
                    partial = chunk[chunk.rfind(b"\n") + 1 :] if b"\n" in chunk else partial + chunk
                tail = chunk[-1:]
                done += len(chunk)
                yield done, chunk
        if not _plainly_quoted(partial):
            yield done, None

    def stage(self, table: StagingTable, reject: Reject, rows: int) -> int:
        """Fill the staging table: plain rows in SQL, the rest through `EventsSpec.clean`.

        The check runs once a row: a row it does not pass is staged with no content
        hash, then read back with its raw values, checked in Python and replaced.
        A row exactly as it was last sent (the same `source_hash` under its key) is not
        staged at all, unless a key appears twice in the file (those rows may conflict).
        Returns how many rows were left out as unchanged.
        """
        table.flush()
        stage_columns = ", ".join(table.columns)
        c = self._col
        resent = "true"
        if self._any_events_stored() and not self._keys_may_repeat():
            resent = f"""NOT EXISTS (SELECT 1 FROM events_event e
                WHERE e.agency_id = {c("agency")} AND e.event_ref = {c("event_ref")}
                AND e.source_hash = {self._source_hash_sql()})"""
        with transaction.atomic(), connection.cursor() as cursor:
            # OFFSET 0 keeps the subquery whole, so `plain` is worked out once a row.
            cursor.execute(
                f"""INSERT INTO {table.name} ({stage_columns})
                SELECT {self._staged_sql()} FROM (
                    SELECT r.*, {self._plain_row_sql()} AS plain FROM {RAW_TABLE} r
                    WHERE {resent} OFFSET 0
                ) r""",
                self._code_params(),
            )
            table.count += cursor.rowcount
            unchanged = rows - cursor.rowcount
        names = list(EVENT_COLUMNS)
        select = ", ".join(self._col(c) for c in names)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT r.ord, {select} FROM {RAW_TABLE} r WHERE r.ord + 1 IN
                (SELECT line FROM {table.name} WHERE content_hash IS NULL) ORDER BY r.ord"""
            )
            unchecked = cursor.fetchall()
            cursor.execute(f"DELETE FROM {table.name} WHERE content_hash IS NULL")
            table.count -= cursor.rowcount
        for ord_, *values in unchecked:
            row = dict(zip(names, values, strict=True))
            line = int(ord_) + 1
            try:
                key, clean = self.spec.clean(row)
            except RowInvalid as exc:
                reason = "; ".join(f"{c}: {r}" for c, r in exc.problems)
                reject(line, exc.problems[0][0], reason, row)
                continue
            table.append(self.spec.staged_row(Pending(line, key, clean, row, content_hash(clean))))
        table.flush()
        return unchanged

    @staticmethod
    def _any_events_stored() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM events_event)")
            return bool(cursor.fetchone()[0])

    def _keys_may_repeat(self) -> bool:
        """Whether two rows of the file may have one key (compared as Python would strip
        them; a key with anything but ASCII is taken to be possibly repeated)."""
        agency, ref = self._col("agency"), self._col("event_ref")
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT EXISTS (SELECT 1 FROM {RAW_TABLE} r
                    WHERE octet_length({agency}) <> length({agency})
                    OR octet_length({ref}) <> length({ref}))
                OR EXISTS (SELECT 1 FROM {RAW_TABLE} r
                    GROUP BY btrim({agency}, {ASCII_SPACE}), btrim({ref}, {ASCII_SPACE})
                    HAVING COUNT(*) > 1)"""
            )
            return bool(cursor.fetchone()[0])

    def _source_hash_sql(self) -> str:
        """SQL for `events.source_hash` of the raw row."""
        values = ", ".join(self._col(name) for name in EVENT_COLUMNS)
        return f"left(md5(concat_ws(chr(31), {values})), 16)"

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {RAW_TABLE}")

    # -- the SQL ------------------------------------------------------------------------

    def _col(self, name: str) -> str:
        return f'r."{name}"' if name in self.header else "''"

    def _code_params(self) -> dict[str, list[str]]:
        return {
            "agencies": sorted(self.spec.codes.agencies),
            "areas": sorted(self.spec.codes.areas),
            "kinds": sorted(KINDS),
            "groups": sorted(CRIME_GROUPS),
            "disposals": sorted(DISPOSALS),
            "flags": [*sorted(FLAGS), ""],
        }

    def _plain_row_sql(self) -> str:
        """True for a row SQL can take as it is; anything else goes to Python."""
        c = self._col
        kind, occurred = c("kind"), c("occurred_at")
        offence = c("offence_date")
        return f"""(
            {c("agency")} = ANY(%(agencies)s)
            AND {_ref(c("event_ref"))} AND {_ref(c("person_ref"))}
            AND {kind} = ANY(%(kinds)s)
            AND CASE WHEN {c("crime_group")} = ''
                THEN {kind} NOT IN ('offence', 'conviction')
                ELSE {c("crime_group")} = ANY(%(groups)s) END
            AND {_plain_text(c("category"), TEXT_MAX)}
            AND ({c("area")} = '' OR {c("area")} = ANY(%(areas)s))
            AND CASE WHEN {c("disposal")} = '' THEN {kind} <> 'conviction'
                ELSE {c("disposal")} = ANY(%(disposals)s) END
            AND ({c("flags")} = '' OR ({c("flags")} ~ '^[a-z;]*$'
                AND length({c("flags")}) <= {TEXT_MAX}
                AND string_to_array({c("flags")}, ';') <@ %(flags)s::text[]))
            AND CASE WHEN {DIGITS.format(occurred)} IN ('{DATE_SHAPE}', '{MOMENT_SHAPE}')
                THEN {_plain_local_time(occurred)} ELSE false END
            AND CASE WHEN {offence} = '' THEN true
                WHEN {DIGITS.format(offence)} = '{DATE_SHAPE}' THEN {_real_day(offence)}
                ELSE false END
        )"""

    def _staged_sql(self) -> str:
        """The staging row of a plain row, as `EventsSpec.staged_row` would give it."""
        c = self._col
        occurred = c("occurred_at")
        local = (
            f"(CASE WHEN length({occurred}) = 10 THEN {occurred} || 'T00:00:00' "
            f"ELSE {occurred} END)::timestamp"
        )
        moment = f"({local} AT TIME ZONE 'Europe/London')"
        offset = (
            f"(CASE WHEN ({moment} AT TIME ZONE 'UTC') = {local} THEN '+00:00' ELSE '+01:00' END)"
        )
        # str() of the instant as the Python path has it: '2024-03-01 14:05:00+00:00'.
        moment_str = (
            f"(CASE WHEN length({occurred}) = 10 THEN {occurred} || ' 00:00:00' "
            f"ELSE overlay({occurred} PLACING ' ' FROM 11 FOR 1) END) || {offset}"
        )
        flags = c("flags")
        canonical_flags = f"""(CASE WHEN strpos({flags}, ';') = 0 THEN {flags} ELSE
            array_to_string(ARRAY(SELECT DISTINCT f COLLATE "C" FROM
                unnest(string_to_array({flags}, ';')) f WHERE f <> '' ORDER BY 1), ';') END)"""
        day = f"substr({occurred}, 1, 10)"
        offence = c("offence_date")
        # content_hash() of the Python path: str() of each cleaned value, joined by \x1f.
        hashed = " || chr(31) || ".join(
            [
                c("agency"),
                c("event_ref"),
                c("person_ref"),
                c("kind"),
                moment_str,
                day,
                c("crime_group"),
                c("category"),
                c("area"),
                canonical_flags,
                c("disposal"),
                f"(CASE WHEN {offence} = '' THEN 'None' ELSE {offence} END)",
            ]
        )
        typed = [
            c("agency"),
            c("event_ref"),
            c("person_ref"),
            c("kind"),
            moment,
            f"{day}::date",
            c("crime_group"),
            c("category"),
            f"NULLIF({c('area')}, '')",
            canonical_flags,
            c("disposal"),
            f"NULLIF({offence}, '')::date",
            f"md5({hashed})",
        ]
        # Casts of a row that is not plain could fail: such a row stages only its line.
        guarded = [f"CASE WHEN r.plain THEN {value} END" for value in typed]
        return ", ".join(["r.ord + 1", *guarded, occurred, flags, self._source_hash_sql()])


# One line of RFC 4180 fields: unquoted without quotes, or wholly quoted with "" inside.
# A line break inside a quoted value fails it too (the line ends inside the quotes, or
# holds a \r): such a value would shift the line numbers, so the file is handed back.
_FIELD = rb'(?:[^,"\r\n]*|"(?:[^"\r]|"")*")'
_QUOTED_LINE = re.compile(rb"^" + _FIELD + rb"(?:," + _FIELD + rb")*\r?$")


def _plainly_quoted(line: bytes) -> bool:
    """Whether a physical line (without its \\n) reads the same to COPY and to Python."""
    return b'"' not in line or _QUOTED_LINE.match(line) is not None


class _HandBack(Exception):
    """The file is not one COPY reads as Python would: read it in Python instead."""


# What Python's str.strip() removes from the ends of an ASCII string.
ASCII_SPACE = r"E' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f'"


def _plain_text(value: str, limit: int) -> str:
    """SQL: ASCII text of at most `limit` characters that strip() would leave as it is.

    (No regular expression: this runs on several columns of every row.)
    """
    return f"""(length({value}) <= {limit} AND octet_length({value}) = length({value})
        AND btrim({value}, {ASCII_SPACE}) = {value})"""


def _ref(value: str) -> str:
    return f"({value} <> '' AND {_plain_text(value, REF_MAX)})"


def _between(value: str, low: str, high: str) -> str:
    # Digit strings compare as their numbers do; byte order ("C") is the cheap one.
    return f"""({value} COLLATE "C" BETWEEN '{low}' AND '{high}')"""


def _real_day(value: str) -> str:
    """SQL: the `9999-99-99`-shaped value names a day the calendar has."""
    year, month, day = (f"substr({value}, {a}, {n})" for a, n in ((1, 4), (6, 2), (9, 2)))
    leap = f"""(mod({year}::int, 4) = 0
        AND (mod({year}::int, 100) <> 0 OR mod({year}::int, 400) = 0))"""
    return f"""({year} <> '0000' AND {_between(month, "01", "12")} AND CASE
        WHEN {day} COLLATE "C" <= '28' THEN {day} <> '00'
        WHEN {month} IN ('04', '06', '09', '11') THEN {day} COLLATE "C" <= '30'
        WHEN {month} = '02' THEN {day} = '29' AND {leap}
        ELSE {day} COLLATE "C" <= '31' END)"""


def _plain_local_time(value: str) -> str:
    """SQL: a real day and time, 1972-2099 (London has kept GMT and BST only since 1972),
    not on the last Sunday of March or October, whose night has an hour missing or twice."""
    day = f"substr({value}, 1, 10)"
    clock = f"""(length({value}) = 10 OR ({_between(f"substr({value}, 12, 2)", "00", "23")}
        AND {_between(f"substr({value}, 15, 2)", "00", "59")}
        AND {_between(f"substr({value}, 18, 2)", "00", "59")}))"""
    # CASE, not AND: the cast to date must only meet a real day.
    return f"""CASE WHEN {_real_day(day)} AND {clock}
            AND {_between(f"substr({value}, 1, 4)", "1972", "2099")} THEN
        NOT (substr({value}, 6, 2) IN ('03', '10')
            AND substr({value}, 9, 2) COLLATE "C" >= '25'
            AND extract(dow FROM {day}::date) = 0)
        ELSE false END"""


def stage_by_copy(
    spec: EventsSpec,
    path: Path,
    header: list[str],
    table: StagingTable,
    reject: Reject,
    progress: Progress | None,
) -> tuple[int, int] | None:
    """Stage an events file through COPY: the number of rows read and of those left out
    as sent before, unchanged; or None when the file must be read by the ordinary path
    instead (nothing has been staged then)."""
    copier = CopyPath(spec, path, header)
    rows = copier.load(progress)
    if rows is None:
        return None
    try:
        if progress:
            progress(0, 1, "checking")
        unchanged = copier.stage(table, reject, rows)
        if progress:
            progress(1, 1, "checking")
    finally:
        copier.drop()
    return rows, unchanged
