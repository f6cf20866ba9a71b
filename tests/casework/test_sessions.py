"""Sessions, appointments and the hours ledger (CASEWORK.md "Unpaid work"), each rule and
each bad input of issue 20 with hand-worked hours."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from pathways.cases.models import Contact
from pathways.casework.models import Order
from pathways.casework.orders import end_order, impose_order, resume_order, suspend_order
from pathways.casework.refusals import Refused
from pathways.casework.sessions import (
    SquadRow,
    ledger,
    record_attendance,
    record_session,
    record_squad,
    time_limit,
)
from tests.world import make_person, make_user

pytestmark = pytest.mark.django_db
IMPOSED = dt.date(2026, 1, 12)  # a Monday


def cpo(record, hours=100, **more) -> Order:
    return impose_order(record, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                        upw_hours=hours, **more)  # fmt: skip


def problems(refused: pytest.ExceptionInfo) -> dict[str, str]:
    return dict(refused.value.problems)


def test_hours_credited_come_from_sessions_and_the_ledger_adds_them(record, squad, learning):
    order = cpo(record, 100, other_activity_hours=30)
    day = IMPOSED + dt.timedelta(days=2)
    record_session(None, order, kind="upw", on=day, project=squad, hours_offered=7,
                   attendance="attended")  # fmt: skip
    record_session(None, order, kind="upw", on=day + dt.timedelta(days=1), project=squad,
                   hours_offered=7, attendance="sent_home", hours_credited="2.5",
                   reason="unsafe footwear")  # fmt: skip
    record_session(None, order, kind="other_activity", on=day, project=learning,
                   hours_offered=3, attendance="attended")  # fmt: skip
    record_session(None, order, kind="upw", on=day + dt.timedelta(days=2), project=squad,
                   hours_offered=7, attendance="unacceptable_absence")  # fmt: skip
    book = ledger(order, as_of=day)
    # 7 + 2.5 of unpaid work, 3 of other activity (cap 30% of 100 = 30): 12.5 credited.
    assert (book.credited_upw, book.credited_other) == (Decimal("9.5"), Decimal(3))
    assert (book.credited, book.remaining, book.other_cap) == (Decimal("12.5"), Decimal("87.5"), 30)
    # 100 hours is level 1: done within 3 months of 12 January, by 12 April.
    assert book.must_be_done_by == dt.date(2026, 4, 12)
    assert book.percent_done == 12


def test_hours_above_the_offer_or_for_an_absence_are_refused(record, squad):
    order = cpo(record)
    with pytest.raises(Refused) as refused:
        record_session(None, order, kind="upw", on=IMPOSED, project=squad, hours_offered=6,
                       attendance="attended", hours_credited=7)  # fmt: skip
    assert problems(refused) == {"hours_credited": "7 hours credited is more than the 6 offered"}
    with pytest.raises(Refused) as refused:
        record_session(None, order, kind="upw", on=IMPOSED, project=squad, hours_offered=6,
                       attendance="unacceptable_absence", hours_credited=6)  # fmt: skip
    assert problems(refused) == {"hours_credited": "hours are credited only for a session attended"}
    # Lateness at unpaid work goes in the reason: the session is attended or sent home.
    with pytest.raises(Refused, match="'late' is not one of"):
        record_session(None, order, kind="upw", on=IMPOSED, project=squad, hours_offered=6,
                       attendance="late", reason="bus")  # fmt: skip
    with pytest.raises(Refused) as refused:
        record_session(None, order, kind="upw", on=IMPOSED, project=squad, hours_offered=6,
                       attendance="acceptable_absence", reason="ill")  # fmt: skip
    assert "evidence" in problems(refused)
    assert not Contact.objects.exists()


def test_other_activity_beyond_its_cap_is_refused(record, squad, learning):
    order = cpo(record, 40)  # 30% of 40 is 12 hours of other activity at most
    for day in (1, 2):
        record_session(None, order, kind="other_activity", on=IMPOSED + dt.timedelta(days=day),
                       project=learning, hours_offered=6, attendance="attended")  # fmt: skip
    with pytest.raises(Refused) as refused:
        record_session(None, order, kind="other_activity", on=IMPOSED + dt.timedelta(days=3),
                       project=learning, hours_offered=1, attendance="attended")  # fmt: skip
    assert problems(refused)["hours_credited"].startswith("other activity counts for at most 12")
    assert ledger(order, IMPOSED).credited == 12


def test_no_session_on_an_order_that_has_ended_or_is_suspended(record, squad):
    order = cpo(record)
    order = suspend_order(None, order, on=IMPOSED + dt.timedelta(days=3), reason="remanded")
    with pytest.raises(Refused) as refused:
        record_session(None, order, kind="upw", on=IMPOSED + dt.timedelta(days=4),
                       project=squad, hours_offered=7, attendance="attended")  # fmt: skip
    assert problems(refused) == {
        "order": "the order is suspended (in custody): no session is recorded"
    }
    order = resume_order(None, order, on=IMPOSED + dt.timedelta(days=13))
    # A day inside the suspension stays refused once the order is active again.
    with pytest.raises(Refused, match="suspended that day"):
        record_session(None, order, kind="upw", on=IMPOSED + dt.timedelta(days=5),
                       project=squad, hours_offered=7, attendance="attended")  # fmt: skip
    # Ten days suspended move the time limit from 12 April to 22 April.
    assert time_limit(order, IMPOSED + dt.timedelta(days=20)) == dt.date(2026, 4, 22)
    order = end_order(None, order, on=IMPOSED + dt.timedelta(days=30), ending="completed")
    with pytest.raises(Refused, match="no session is recorded"):
        record_session(None, order, kind="upw", on=IMPOSED + dt.timedelta(days=31),
                       project=squad, hours_offered=7, attendance="attended")  # fmt: skip


def test_a_level_2_order_has_six_months_and_an_extension_adds_to_it(record):
    order = cpo(record, 150)
    assert time_limit(order, IMPOSED) == dt.date(2026, 7, 12)
    order.upw_extension_months = 2
    assert time_limit(order, IMPOSED) == dt.date(2026, 9, 12)


def test_hours_beyond_those_imposed_are_refused(record, squad):
    order = cpo(record, 20)
    for day in range(1, 4):
        record_session(None, order, kind="upw", on=IMPOSED + dt.timedelta(days=day),
                       project=squad, hours_offered=6, attendance="attended")  # fmt: skip
    with pytest.raises(Refused, match="the order has 2 hours left; 6 would go beyond them"):
        record_session(None, order, kind="upw", on=IMPOSED + dt.timedelta(days=5),
                       project=squad, hours_offered=6, attendance="attended")  # fmt: skip


def test_a_squad_register_saves_everyone_or_nobody(record, squad):
    people = [cpo(record)]
    for n in range(11):
        person = make_person("Sam", f"Squad{n}", dt.date(1995, 1, 1),
                             records=(("HSCP_CJSW", f"SQ{n}"),))  # fmt: skip
        people.append(cpo(person.records.get()))
    day = IMPOSED + dt.timedelta(days=1)
    rows = [SquadRow(order=o, attendance="attended", hours_offered=7) for o in people]
    rows[3] = SquadRow(order=people[3], attendance="sent_home", hours_offered=7)
    with pytest.raises(Refused) as refused:
        record_squad(None, squad, day, rows)
    assert problems(refused) == {
        "row 4: hours_credited": "say how many hours were worked before going home"
    }
    assert not Contact.objects.exists()
    rows[3] = SquadRow(order=people[3], attendance="sent_home", hours_offered=7,
                       hours_credited=3, reason="ill on site")  # fmt: skip
    made = record_squad(None, squad, day, rows)
    assert len(made) == 12
    assert sum(c.hours_credited for c in Contact.objects.filter(on=day)) == 11 * 7 + 3
    # The second supervisor saving the same register is told, and nothing doubles.
    with pytest.raises(Refused) as refused:
        record_squad(None, squad, day, rows[:2])
    assert set(problems(refused)) == {"row 1: attendance", "row 2: attendance"}
    assert Contact.objects.filter(on=day).count() == 12
    with pytest.raises(Refused, match="at most 12"):
        record_squad(None, squad, day, rows + rows[:1])


def test_supervision_appointments_are_contacts_booked_then_recorded(record, squad):
    order = impose_order(record, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                         supervision_months=12)  # fmt: skip
    booked = record_session(None, order, kind="supervision", on=IMPOSED + dt.timedelta(days=7),
                            mode="office")  # fmt: skip
    assert (booked.attendance, booked.mode, booked.person_id) == ("", "office", order.person_id)
    worker = make_user("worker")
    done = record_attendance(worker, booked, attendance="late", reason="bus")
    assert (done.attendance, done.recorded_by, done.version) == ("late", worker, 2)
    # A second worker with the page read before is told; the first record stands.
    with pytest.raises(Refused, match="changed by someone else"):
        record_attendance(make_user("other"), booked, attendance="attended")
    with pytest.raises(Refused, match="already recorded as late"):
        record_attendance(make_user("other2"), done, attendance="attended")
    with pytest.raises(Refused, match="no unpaid work requirement"):
        record_session(None, order, kind="upw", on=IMPOSED, project=squad, hours_offered=6)


@pytest.mark.django_db(transaction=True)
def test_two_workers_recording_one_session_at_once_one_wins(record):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises the whole database")
    order = impose_order(record, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                         supervision_months=12)  # fmt: skip
    booked = record_session(None, order, kind="supervision", on=IMPOSED, mode="office")
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def worker(attendance: str) -> None:
        start.wait()
        try:
            record_attendance(None, booked, attendance=attendance, reason="x")
            outcomes.append("saved")
        except Refused:
            outcomes.append("told")
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(a,)) for a in ("attended", "late")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["saved", "told"]
    assert Contact.objects.get(pk=booked.pk).version == 2


def test_the_ledgers_of_many_orders_are_each_orders_own(record, squad, learning):
    from pathways.casework.sessions import ledgers

    first = cpo(record, 100, other_activity_hours=10)
    other = make_person("Lee", "Ledger", dt.date(1992, 2, 2), records=(("HSCP_CJSW", "LL1"),))
    second = cpo(other.records.get(), 150)
    record_session(None, first, kind="upw", on=IMPOSED, project=squad, hours_offered=7,
                   attendance="attended")  # fmt: skip
    record_session(None, first, kind="other_activity", on=IMPOSED, project=learning,
                   hours_offered=6, attendance="attended")  # fmt: skip
    suspend_order(None, second, on=IMPOSED + dt.timedelta(days=1), reason="remanded")
    as_of = IMPOSED + dt.timedelta(days=11)
    many = ledgers([first, Order.objects.get(pk=second.pk)], as_of)
    for order in (first, second):
        assert many[order.pk] == ledger(Order.objects.get(pk=order.pk), as_of)
    assert many[second.pk].suspended_days == 10
