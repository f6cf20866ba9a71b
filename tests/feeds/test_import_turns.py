"""Events imports take turns on PostgreSQL: the alert scan and incremental
identification mark progress by the highest event id, so ids must commit in order."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from pathways.events.models import Event
from pathways.feeds.runner import EVENTS_IMPORT_LOCK, import_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer anyway")
def test_an_events_import_waits_for_the_one_before(config_loaded, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("agency,person_ref,family_name\nPOLICE,P1,Turner\n", encoding="utf-8")
    import_file("people", people)
    events = tmp_path / "events.csv"
    events.write_text(
        "agency,event_ref,person_ref,kind,occurred_at,crime_group\n"
        "POLICE,E1,P1,offence,2026-11-01,violence\n",
        encoding="utf-8",
    )
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
        password=settings["PASSWORD"] or None, dbname=settings["NAME"], autocommit=True,
    )  # fmt: skip
    other.execute("SELECT pg_advisory_lock(%s)", [EVENTS_IMPORT_LOCK])  # an import running
    done = threading.Event()

    def run() -> None:
        from django.db import connections

        try:
            import_file("events", events)
        finally:
            connections.close_all()
            done.set()

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(1.0)
    assert not done.is_set()  # waiting its turn
    other.execute("SELECT pg_advisory_unlock(%s)", [EVENTS_IMPORT_LOCK])
    worker.join(30)
    other.close()
    assert done.is_set() and Event.objects.count() == 1
