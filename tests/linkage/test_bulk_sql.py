"""Writes beside the work (`bulk_sql.alongside`): matching has the server store a
batch's keys and counts while Python scores its candidates. The writes belong to the
caller's transaction, and their failure is the caller's."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from pathways.linkage.internals.bulk_sql import alongside, insert_rows, rows_matching
from pathways.linkage.models import LinkFrequency

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = LinkFrequency._meta.db_table
COLUMNS = ("field", "value", "records")


def _counts() -> dict[str, int]:
    return {v: n for v, n in rows_matching(TABLE, ("value", "records"), "field", ["given"])}


def test_the_writes_are_the_callers_own_and_roll_back_with_it() -> None:
    with pytest.raises(RuntimeError, match="the batch failed"), transaction.atomic():
        wait = alongside(lambda: insert_rows(TABLE, COLUMNS, [("given", "jamie", 3)]))
        wait()
        # Written in this transaction: this thread reads it before any commit.
        assert _counts() == {"jamie": 3}
        raise RuntimeError("the batch failed")
    assert _counts() == {}


def test_the_writes_commit_with_the_caller() -> None:
    with transaction.atomic():
        wait = alongside(lambda: insert_rows(TABLE, COLUMNS, [("given", "kieran", 2)]))
        # Meanwhile this thread computes (it must not use the database).
        total = sum(range(100_000))
        wait()
    assert total == 4_999_950_000
    assert _counts() == {"kieran": 2}


def test_a_failed_write_is_raised_where_the_caller_waits() -> None:
    insert_rows(TABLE, COLUMNS, [("given", "declan", 1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        # The same field and value again: the pair is unique.
        wait = alongside(lambda: insert_rows(TABLE, COLUMNS, [("given", "declan", 5)]))
        wait()
    assert _counts() == {"declan": 1}


def test_at_once_writes_before_returning() -> None:
    with transaction.atomic():
        alongside(lambda: insert_rows(TABLE, COLUMNS, [("given", "stephen", 4)]), at_once=True)
        assert _counts() == {"stephen": 4}


def test_on_postgresql_the_writes_run_in_a_thread_of_their_own() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("elsewhere the writes run at once, in the caller's thread")
    import threading

    seen: list[str] = []
    with transaction.atomic():
        alongside(lambda: seen.append(threading.current_thread().name))()
    assert seen == ["pathways-bulk-writes"]
