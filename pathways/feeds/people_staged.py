"""people.csv on PostgreSQL, the fast way: checked rows COPY'd into a staging table,
then written by a few set-based statements, with linking batched behind them.

Rows are checked in Python exactly as on the ordinary path (`PeopleSpec.clean`: the
same reasons for rejected rows, the good rows kept). The good ones go into a temporary
staging table by COPY (`sinks.StagingSink`), and `merge` then

1. rejects every row of a key sent twice with different content (the rows read again
   from the file, to be kept as sent) and keeps one of each exact repeat (counted
   unchanged), as the runner does on the ordinary path;
2. sorts the staged rows against the stored records in one join: new, unchanged (the
   same `content_hash`) or changed;
3. with linking, a first load (no record ever matched, and with this file at least
   `linkage`'s `FIRST_LOAD_RECORDS`): written as in 4, then linked in one full run
   (`linkage.services.link_first_load`), a quarter of the time batches take;
   otherwise, per batch, in the batch's transaction: inserts the batch's new records
   and a person for each (`INSERT ... SELECT`, their ids drawn from the tables' sequences
   in file order, as `PeopleSpec._create` makes them), has linkage match them against
   every record held (`linkage.services.link_new_records`), then updates the batch's
   changed records one by one with `PeopleSpec._update` (the previous version kept as a
   `SupersededRow`, `record_changed`, `refresh_identity`): changed rows are few;
4. with linking deferred (`PeopleSpec(link=False)`): every new record and its person in
   one statement, in one transaction with the changed records' updates; a load at least
   as large as the records held builds the records' indexes and checks their keys after
   the insert rather than row by row (`pathways.bulk_load`).

The batches are the ordinary path's (`PATHWAYS_IMPORT_BATCH_SIZE` rows that reach the
writer, in file order; in each, new records first, then changed ones), so the database
ends as the record-by-record import leaves it: the same people, links, review pairs,
linkage keys, previous versions, runs and counts (tests/feeds/test_import_people_by_copy.py),
and a killed import leaves only whole transactions behind, completed by running it again.
Without linking nothing depends on the order of the writes.
"""

# Set-based import SQL: f-strings interpolate internal table and column names only; every
# value travels as a parameter or through COPY (as pyproject.toml says of events.py).
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from pathways.bulk_load import bulk_load_pays, indexes_set_aside
from pathways.feeds.csvfile import CsvSource
from pathways.feeds.people import PeopleSpec
from pathways.feeds.sinks import Progress, Reject, conflict_reason
from pathways.feeds.specs import Pending
from pathways.people.models import AgencyRecord, Person
from pathways.people.names import name_key

NEW_TABLE = "import_people_new"
# The staged row's clean values, in `PeopleSpec.clean`'s order.
CLEAN = (
    "agency", "person_ref", "given_name", "family_name", "date_of_birth", "sex", "postcode",
    "area", "address",
)  # fmt: skip


class PeopleStaging:
    """How people.csv is staged and merged on PostgreSQL; see the module docstring."""

    kind = "people"
    key_column = "person_ref"

    def __init__(self, spec: PeopleSpec, path: Path, batch_size: int) -> None:
        self.spec = spec
        self.path = path
        self.batch_size = batch_size
        self.staged = 0

    def staging_columns(self) -> list[tuple[str, str]]:
        return [
            ("ord", "bigint"),  # the row's place among the rows staged, from 0
            ("line", "integer"),
            ("agency", "text"),
            ("person_ref", "text"),
            ("given_name", "text"),
            ("family_name", "text"),
            ("date_of_birth", "date"),
            ("sex", "text"),
            ("postcode", "text"),
            ("area", "text"),
            ("address", "text"),
            ("given_key", "text"),
            ("family_key", "text"),
            ("content_hash", "text"),
        ]

    def staged_row(self, item: Pending) -> tuple[Any, ...]:
        c = item.clean
        ord_ = self.staged
        self.staged += 1
        return (
            ord_, item.line, c["agency"], c["person_ref"], c["given_name"], c["family_name"],
            c["date_of_birth"], c["sex"], c["postcode"], c["area"], c["address"],
            _name_key(c["given_name"]), _name_key(c["family_name"]), item.content_hash,
        )  # fmt: skip

    def merge(
        self, table: str, reject: Reject, run_id: int, progress: Progress | None
    ) -> dict[str, int]:
        """Write the staged records (see the module docstring); the counts."""
        with transaction.atomic(), connection.cursor() as cursor:
            # Temporary tables are never analysed automatically: without statistics the
            # planner takes a million staged rows for a handful.
            cursor.execute(f"ANALYZE {table}")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            repeats, spooled = self._set_aside_repeats(cursor, table, reject)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            staged = cursor.fetchone()[0]
            cursor.execute(
                f"""SELECT s.ord, r.id, {", ".join(f"s.{c}" for c in CLEAN)}, s.content_hash
                FROM {table} s JOIN {AgencyRecord._meta.db_table} r
                    ON r.agency_id = s.agency AND r.person_ref = s.person_ref
                WHERE r.content_hash <> s.content_hash ORDER BY s.ord"""
            )
            changed = cursor.fetchall()
            first_load = False
            if self.spec.link:
                from pathways.linkage.services import is_first_load

                cursor.execute(f"SELECT COUNT(*) FROM {table} s WHERE {_NEW}")
                first_load = is_first_load(int(cursor.fetchone()[0]))
        if progress:
            progress(0, spooled, "writing")
        if first_load:
            created = self._write_at_once(table, changed, run_id)
            self._link_first_load(progress)
        elif self.spec.link:
            try:
                created = self._write_in_batches(table, changed, spooled, run_id, progress)
            finally:
                with connection.cursor() as cursor:
                    cursor.execute(f"DROP TABLE IF EXISTS {NEW_TABLE}")
        else:
            created = self._write_at_once(table, changed, run_id)
        if progress:
            progress(spooled, spooled, "writing")
        unchanged = staged - created - len(changed) + repeats
        return {"created": created, "updated": len(changed), "unchanged": unchanged}

    def _link_first_load(self, progress: Progress | None) -> None:
        """Every record linked in one full run (`linkage.services.link_first_load`), in a
        transaction of its own: killed before it ends, the records wait unmatched, and
        the same import run again links them."""
        from pathways.linkage.services import link_first_load, link_new_records, waiting_records

        def linking(stage: str, done: int, total: int) -> None:
            if progress:
                progress(done, total, f"linking: {stage}")

        if link_first_load(linking) is None:
            # A changed row's record was matched as it was written: the rest are no
            # longer a first load, and are matched as they would land.
            link_new_records(waiting_records())

    def _write_in_batches(
        self,
        table: str,
        changed: list[tuple[Any, ...]],
        spooled: int,
        run_id: int,
        progress: Progress | None,
    ) -> int:
        """The ordinary path's batches, each in its own transaction: its new records
        inserted and matched, then its changed records updated. How many were new."""
        # Linkage is loaded only when records are matched (its import takes a second).
        from pathways.linkage.services import link_new_records

        size = self.batch_size
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {NEW_TABLE}")
            # The new rows with the ids they will have, drawn in file order as
            # bulk_create would draw them.
            cursor.execute(
                f"""CREATE TEMPORARY TABLE {NEW_TABLE} AS
                SELECT nextval('{_sequence(Person)}') AS person_id,
                    nextval('{_sequence(AgencyRecord)}') AS record_id, n.*
                FROM (SELECT s.* FROM {table} s WHERE {_NEW} ORDER BY s.ord) n"""
            )
            created = int(cursor.rowcount)
            cursor.execute(f"CREATE INDEX ON {NEW_TABLE} (ord)")
            cursor.execute(f"ANALYZE {NEW_TABLE}")
            cursor.execute(f"SELECT DISTINCT ord / {size} FROM {NEW_TABLE}")
            with_new = {int(r[0]) for r in cursor.fetchall()}
        by_batch: dict[int, list[tuple[Any, ...]]] = {}
        for row in changed:
            by_batch.setdefault(int(row[0]) // size, []).append(row)
        for start in range(0, spooled, size):
            batch = by_batch.get(start // size, [])
            if not batch and start // size not in with_new:  # all unchanged
                if progress:
                    progress(min(start + size, spooled), spooled, "writing")
                continue
            with transaction.atomic():
                # Read before the batch's new records are matched, as the ordinary path
                # reads them.
                stored = AgencyRecord.objects.in_bulk([r[1] for r in batch])
                new_ids = self._insert(f"ord >= {start} AND ord < {start + size}")

                if new_ids:
                    link_new_records(new_ids)
                self._update(batch, stored, run_id)
            if progress:
                progress(min(start + size, spooled), spooled, "writing")
        return created

    def _write_at_once(self, table: str, changed: list[tuple[Any, ...]], run_id: int) -> int:
        """Linking deferred: every new record and its person in one statement, then the
        changed records. A load at least as large as the records held sets the records'
        indexes and keys aside meanwhile (`pathways.bulk_load`). How many were new."""
        records = AgencyRecord._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL work_mem = '256MB'")
            stored = AgencyRecord.objects.in_bulk([r[1] for r in changed])
            cursor.execute(f"SELECT COUNT(*) FROM {table} s WHERE {_NEW}")
            created = int(cursor.fetchone()[0])
            if created and bulk_load_pays(cursor, created, records):
                with indexes_set_aside(
                    cursor, None, keep_unique=False, table=records, unique=UNIQUE_REF
                ):
                    self._insert_all(cursor, table)
            elif created:
                self._insert_all(cursor, table)
            self._update(changed, stored, run_id)
        return created

    def _insert_all(self, cursor: Any, table: str) -> None:
        """Every new record of `table` and its person, in file order, in one statement."""
        now = timezone.now()
        record = {**RECORD, "person_id": f"nextval('{_sequence(Person)}')"}
        del record["id"]
        columns, values, params = _columns(AgencyRecord, record, now)
        person = {**PERSON, "id": "person_id"}
        person_columns, person_values, person_params = _columns(Person, person, now)
        cursor.execute(
            f"""WITH r AS (
                INSERT INTO {AgencyRecord._meta.db_table} ({", ".join(columns)})
                SELECT {", ".join(values)} FROM (
                    SELECT * FROM {table} s WHERE {_NEW} ORDER BY s.ord) s
                RETURNING person_id, given_name, family_name, date_of_birth, sex)
            INSERT INTO {Person._meta.db_table} ({", ".join(person_columns)})
            SELECT {", ".join(person_values)} FROM r""",
            [*params, *person_params],
        )

    def _insert(self, where: str) -> list[int]:
        """Insert the new people and records whose rows match `where`; their record ids."""
        now = timezone.now()
        person = {**PERSON, "id": "person_id"}
        record = {**RECORD, "person_id": "person_id"}
        with connection.cursor() as cursor:
            for model, chosen in ((Person, person), (AgencyRecord, record)):
                columns, values, params = _columns(model, chosen, now)
                cursor.execute(
                    f"""INSERT INTO {model._meta.db_table} ({", ".join(columns)})
                    SELECT {", ".join(values)} FROM {NEW_TABLE} WHERE {where}
                    ORDER BY ord""",
                    params,
                )
            if not self.spec.link:
                return []
            cursor.execute(f"SELECT record_id FROM {NEW_TABLE} WHERE {where} ORDER BY ord")
            return [int(r[0]) for r in cursor.fetchall()]

    def _update(
        self, rows: list[tuple[Any, ...]], stored: dict[int, AgencyRecord], run_id: int
    ) -> None:
        """Changed records (`stored`: as read before), one by one as the ordinary path
        updates them."""
        for _ord, record_id, *values, digest in rows:
            clean = dict(zip(CLEAN, values, strict=True))
            key = (clean["agency"], clean["person_ref"])
            self.spec._update(Pending(0, key, clean, {}, digest), stored[record_id], run_id)

    def _set_aside_repeats(self, cursor: Any, table: str, reject: Reject) -> tuple[int, int]:
        """Reject every row of a key given twice with different content (read again from
        the file: rejected rows are kept as sent); drop exact repeats, and number the rows
        left as the ordinary path's writer would have met them. How many exact repeats,
        and how many rows that writer would have met."""
        cursor.execute(
            f"""SELECT EXISTS (SELECT 1 FROM {table}
            GROUP BY agency, person_ref HAVING COUNT(*) > 1)"""
        )
        if not cursor.fetchone()[0]:
            return 0, self.staged
        cursor.execute(
            f"""SELECT line, agency, person_ref FROM {table}
            WHERE (agency, person_ref) IN (SELECT agency, person_ref FROM {table}
                GROUP BY agency, person_ref HAVING COUNT(DISTINCT content_hash) > 1)"""
        )
        conflicting = {int(line): (agency, ref) for line, agency, ref in cursor.fetchall()}
        # The ordinary path's writer meets the first row of each key (conflicting or not):
        # the batches are counted in those.
        cursor.execute(
            f"""UPDATE {table} s SET ord = f.ord FROM (
                SELECT line, row_number() OVER (ORDER BY line) - 1 AS ord FROM {table}
                WHERE line IN (SELECT MIN(line) FROM {table} GROUP BY agency, person_ref)
            ) f WHERE s.line = f.line"""
        )
        cursor.execute(f"SELECT COUNT(DISTINCT (agency, person_ref)) FROM {table}")
        spooled = int(cursor.fetchone()[0])
        cursor.execute(
            f"""DELETE FROM {table} WHERE line NOT IN
            (SELECT MIN(line) FROM {table} GROUP BY agency, person_ref)"""
        )
        repeated = int(cursor.rowcount)
        if conflicting:
            for line, values in self._rows_as_sent(set(conflicting)):
                reject(line, self.key_column, conflict_reason(conflicting[line]), values)
            cursor.execute(f"DELETE FROM {table} WHERE line = ANY(%s)", [sorted(conflicting)])
            repeated -= len(conflicting) - len({*conflicting.values()})
        return repeated, spooled

    def _rows_as_sent(self, lines: set[int]) -> list[tuple[int, dict[str, str]]]:
        """The rows of the file at `lines`, as read."""
        found = []
        with CsvSource(self.path, self.spec.columns, self.spec.required) as source:
            for row in source:
                if row.line in lines:
                    found.append((row.line, row.values))
        return found


# How a new person and a new record are made of a staged row (`PeopleSpec._create`).
PERSON = {
    "given_name": "given_name",
    "family_name": "family_name",
    "date_of_birth": "date_of_birth",
    "sex": "CASE WHEN sex = '' THEN 'U' ELSE sex END",
}
RECORD = {
    "id": "record_id",
    "agency_id": "agency",
    "person_ref": "person_ref",
    "given_name": "given_name",
    "family_name": "family_name",
    "date_of_birth": "date_of_birth",
    "sex": "sex",
    "postcode": "postcode",
    "area_id": "NULLIF(area, '')",
    "address": "address",
    "given_key": "given_key",
    "family_key": "family_key",
    "content_hash": "content_hash",
}
UNIQUE_REF = "one_record_per_ref"
# A staged row `s` whose key no stored record has.
_NEW = f"""NOT EXISTS (SELECT 1 FROM {AgencyRecord._meta.db_table} r
    WHERE r.agency_id = s.agency AND r.person_ref = s.person_ref)"""


# ASCII that `name_key` drops: all but letters and digits.
_NOT_ALNUM = {c: None for c in range(128) if not chr(c).isalnum()}


def _name_key(value: str) -> str:
    """`people.names.name_key`, quickly for plain ASCII (nothing to decompose; casefold
    is lower): it runs twice on every row."""
    if value.isascii():
        return value.lower().translate(_NOT_ALNUM)
    return name_key(value)


def _sequence(model: type[models.Model]) -> str:
    """The sequence the ids of `model` are drawn from (for nextval)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
        return str(cursor.fetchone()[0])


def _columns(
    model: type[models.Model], chosen: dict[str, str], now: dt.datetime
) -> tuple[list[str], list[str], list[Any]]:
    """The INSERT's columns and values: `chosen` ones from the new rows, the rest as
    Django would fill them (a timestamp `now`, the field's default, or NULL)."""
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        columns.append(connection.ops.quote_name(field.column or field.name))
        if field.column in chosen:
            values.append(chosen[field.column])
            continue
        if field.primary_key:  # drawn from its sequence
            columns.pop()
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value: Any = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model.__name__}.{field.name} has no value for a new row")
        values.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    return columns, values, params
