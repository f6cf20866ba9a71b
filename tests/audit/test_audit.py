"""The access audit: every row chained to the one before with a keyed hash; append-only in
the application and, on PostgreSQL, in the database; `pathways audit verify` names the
first row altered or removed behind the application's back."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from pathways.audit.chain import GENESIS, chain_hash, verify_chain
from pathways.audit.log import record_access
from pathways.audit.models import AccessEvent, AccessEventPerson, AuditImmutable

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(make_user) -> list[AccessEvent]:
    """Five access events by one user: views of persons 11 and 12, a search showing
    persons 11, 12 and 13, a refusal for person 99, and a view of 13."""
    user = make_user("worker", "CJSW_NE", "cjsw_worker")
    return [
        record_access(user, action="view_person", allowed=True, person_id=11),
        record_access(user, action="view_person", allowed=True, person_id=12),
        record_access(user, action="search", allowed=True, person_ids=[13, 11, 12], detail="q"),
        record_access(user, action="view_person", allowed=False, person_id=99),
        record_access(user, action="view_person", allowed=True, person_id=13),
    ]


def tamper(sql: str, params: list) -> None:
    """Change the audit tables directly, as someone with database access could."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only a superuser can switch the append-only triggers off like this.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def verify_command() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_each_row_follows_the_one_before(written) -> None:
    assert [e.seq for e in written] == [1, 2, 3, 4, 5]
    assert written[0].prev_hash == GENESIS
    for before, after in zip(written, written[1:], strict=False):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in written}) == 5


def test_the_people_a_search_showed_are_kept_with_it(written) -> None:
    search = written[2]
    assert sorted(search.people.values_list("person_id", flat=True)) == [11, 12, 13]
    assert (search.person_id, search.people_count) == (None, 3)


def test_an_intact_audit_verifies(written) -> None:
    assert verify_chain().ok
    status, out, _ = verify_command()
    assert status == 0
    assert "intact: 5 event(s) checked" in out


def test_the_application_refuses_to_change_or_remove_a_row(written) -> None:
    event = AccessEvent.objects.get(seq=2)
    event.detail = "edited"
    with pytest.raises(AuditImmutable):
        event.save()
    with pytest.raises(AuditImmutable):
        event.delete()
    with pytest.raises(AuditImmutable):
        AccessEvent.objects.filter(seq=2).update(detail="edited")
    with pytest.raises(AuditImmutable):
        AccessEvent.objects.all().delete()
    with pytest.raises(AuditImmutable):
        AccessEventPerson.objects.all().delete()
    assert verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_refuses_updates_and_deletes_itself(written) -> None:
    for sql in (
        "UPDATE sharing_accessevent SET detail = 'x' WHERE seq = 2",
        "DELETE FROM sharing_accessevent WHERE seq = 5",
        "DELETE FROM sharing_accesseventperson",
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    assert verify_chain().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")
def test_postgresql_refuses_to_truncate_the_audit(written) -> None:
    # TRUNCATE fires no row trigger; a statement trigger refuses it. (Test connections
    # allow it, for Django's clean-up between tests: this one says it is not one.)
    for table in ("sharing_accessevent", "sharing_accesseventperson"):
        with pytest.raises(DatabaseError, match="append-only: TRUNCATE"):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL pathways.audit_maintenance = 'off'")
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending checks
                cursor.execute(f"TRUNCATE {table} CASCADE")
    assert verify_chain().ok and verify_chain().checked == len(written)


def test_an_altered_row_is_named(written) -> None:
    tamper("UPDATE sharing_accessevent SET person_id = %s WHERE seq = 2", [77])
    report = verify_chain()
    assert (report.ok, report.first_bad_seq, report.checked) == (False, 2, 1)
    status, _, err = verify_command()
    assert status == 1
    assert "access event #2 was altered" in err


def test_a_removed_row_is_named(written) -> None:
    tamper("DELETE FROM sharing_accessevent WHERE seq = %s", [4])
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert "#4 was removed" in report.problem


def test_a_person_removed_from_a_search_is_found(written) -> None:
    search = written[2]
    tamper(
        "DELETE FROM sharing_accesseventperson WHERE event_id = %s AND person_id = %s",
        [search.pk, 12],
    )
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_a_chain_rewritten_without_the_key_does_not_verify(written) -> None:
    # Someone with the database but not the key alters row 3 and recomputes every hash
    # from there on with a key of their own: the first recomputed row is caught.
    forged_key = b"not-the-audit-key"
    rows = list(AccessEvent.objects.order_by("seq").values())
    prev = rows[1]["hash"]
    for row in rows[2:]:
        row["detail"] = "rewritten"
        people = AccessEventPerson.objects.filter(event_id=row["id"]).values_list(
            "person_id", flat=True
        )
        new_hash = chain_hash(forged_key, prev, row, people)
        tamper(
            "UPDATE sharing_accessevent SET detail = %s, prev_hash = %s, hash = %s WHERE id = %s",
            ["rewritten", prev, new_hash, row["id"]],
        )
        prev = new_hash
    report = verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_a_request_records_its_id_and_client_address(client, make_user) -> None:
    user = make_user("police", "ONE_GLASGOW", "police_analyst")
    client.force_login(user)
    response = client.get(
        "/people/123456/", REMOTE_ADDR="10.1.2.3", HTTP_X_REQUEST_ID="req-abc.123"
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-abc.123"
    event = AccessEvent.objects.get()
    assert (event.client_address, event.request_id, event.channel) == (
        "10.1.2.3",
        "req-abc.123",
        "web",
    )
    assert (event.username, event.roles, event.decision) == ("police", "police_analyst", "refused")
    assert event.basis  # the refusal says why


def test_an_unsafe_request_id_is_replaced(client, make_user) -> None:
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    response = client.get("/people/1/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(AccessEvent.objects.get().request_id) == 32
