"""Orders and their rules (CASEWORK.md), worked out by hand: unpaid work of 20 to 300
hours and never under 16; other activity at most 30% of the hours or 30, whichever is
less; supervision of 6 to 36 months and always for a CPO under 18; an order ends once;
a court's variation keeps the old and new values (issue 20, "Bad input")."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.casework.models import Order, Variation
from pathways.casework.orders import (
    end_order,
    impose_order,
    other_activity_cap,
    vary_order,
)
from pathways.casework.refusals import Refused
from tests.world import make_person, make_user

pytestmark = pytest.mark.django_db
IMPOSED = dt.date(2026, 6, 1)


def record(born: dt.date):
    person = make_person("Pat", "Order", born, records=(("HSCP_CJSW", f"C{born:%Y%m%d}"),))
    return person.records.get()


def fields(error: Refused) -> dict[str, str]:
    return dict(error.problems)


@pytest.mark.parametrize(
    ("hours", "ok"), [(19, False), (20, True), (300, True), (301, False)]
)  # fmt: skip
def test_unpaid_work_is_20_to_300_hours(hours: int, ok: bool) -> None:
    adult = record(dt.date(1990, 1, 1))
    if ok:
        order = impose_order(adult, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                             upw_hours=hours)  # fmt: skip
        assert order.requirements == ["unpaid_work"]
    else:
        with pytest.raises(Refused) as refused:
            impose_order(adult, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                         upw_hours=hours)  # fmt: skip
        assert fields(refused.value)["upw_hours"] == f"unpaid work is 20 to 300 hours, not {hours}"
        assert not Order.objects.exists()


def test_no_unpaid_work_under_16_and_supervision_always_under_18() -> None:
    # 16 on 2 June 2026: 15 on the day imposed.
    young = record(dt.date(2010, 6, 2))
    with pytest.raises(Refused) as refused:
        impose_order(young, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                     upw_hours=40)  # fmt: skip
    assert fields(refused.value) == {
        "upw_hours": "unpaid work cannot be imposed on a person under 16 (aged 15)",
        "supervision_months": "a community payback order for a person under 18 has supervision",
    }
    # 17: unpaid work with supervision is lawful.
    seventeen = record(dt.date(2009, 1, 1))
    order = impose_order(seventeen, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                         upw_hours=40, supervision_months=12)  # fmt: skip
    assert order.requirements == ["supervision", "unpaid_work"]


@pytest.mark.parametrize(("hours", "cap"), [(20, 6), (25, 7.5), (60, 18), (100, 30), (300, 30)])
def test_other_activity_is_at_most_30_percent_or_30_hours(hours: int, cap: float) -> None:
    assert other_activity_cap(hours) == cap


def test_other_activity_beyond_its_cap_is_refused() -> None:
    adult = record(dt.date(1990, 1, 1))
    with pytest.raises(Refused) as refused:
        impose_order(adult, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                     upw_hours=60, other_activity_hours=19)  # fmt: skip
    assert fields(refused.value)["other_activity_hours"].startswith(
        "other activity is at most 18 hours of 60"
    )


def test_an_order_ends_once_and_not_before_it_began() -> None:
    adult = record(dt.date(1990, 1, 1))
    worker = make_user("cjsw", "CJSW_NE", "cjsw_worker")
    order = impose_order(adult, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                         upw_hours=100)  # fmt: skip
    with pytest.raises(Refused, match="cannot end before it was imposed"):
        end_order(worker, order, on=IMPOSED - dt.timedelta(days=1), ending="completed")
    ended = end_order(worker, order, on=dt.date(2026, 9, 1), ending="completed")
    assert (ended.state, ended.ended_on) == ("completed", dt.date(2026, 9, 1))
    with pytest.raises(Refused, match="already ended"):
        end_order(worker, ended, on=dt.date(2026, 9, 2), ending="revoked_breach")


def test_a_variation_keeps_the_old_and_new_values_and_the_rules_hold() -> None:
    adult = record(dt.date(1990, 1, 1))
    worker = make_user("cjsw", "CJSW_NE", "cjsw_worker")
    order = impose_order(adult, type="cpo", court="sheriff_summary", imposed_on=IMPOSED,
                         upw_hours=100)  # fmt: skip
    with pytest.raises(Refused, match="unpaid work is 20 to 300 hours, not 320"):
        vary_order(worker, order, on=dt.date(2026, 8, 1), reason="More", upw_hours=320)
    [varied] = vary_order(worker, order, on=dt.date(2026, 8, 1), reason="Reduced on appeal",
                          upw_hours=80)  # fmt: skip
    assert (varied.field, varied.old, varied.new, varied.reason) == (
        "unpaid work hours", "100", "80", "Reduced on appeal",
    )  # fmt: skip
    assert Order.objects.get(pk=order.pk).upw_hours == 80
    # The page that read the order before the variation is stale now.
    with pytest.raises(Refused, match="changed by someone else since you read it"):
        vary_order(worker, order, on=dt.date(2026, 8, 2), reason="Again", upw_hours=90)
    assert Variation.objects.count() == 1
