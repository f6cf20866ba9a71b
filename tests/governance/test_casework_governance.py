"""Justice social work's records in the subject access request and in retention: every
record of the person is given to them; an ended order past its period goes with all of it,
and a person with only casework records is not anonymised as if nothing were left."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.cases.models import Contact
from pathways.casework.compliance import give_warning
from pathways.casework.models import Order, Review
from pathways.casework.orders import end_order, impose_order
from pathways.casework.reports import request_report
from pathways.casework.sessions import record_session
from pathways.governance.retention import run_retention
from pathways.governance.subject_access import gather
from tests.world import make_person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def ended(config_loaded) -> Order:
    person = make_person("Sal", "Retained", D(1980, 1, 1), records=(("HSCP_CJSW", "RT1"),))
    order = impose_order(person.records.get(), type="cpo", court="sheriff_summary",
                         imposed_on=D(2015, 3, 2), supervision_months=12)  # fmt: skip
    record_session(None, order, kind="supervision", on=D(2015, 3, 9),
                   attendance="unacceptable_absence")  # fmt: skip
    give_warning(None, order, on=D(2015, 3, 10), reason="missed")
    request_report(None, person.records.get(), court="sheriff_summary",
                   requested_on=D(2015, 1, 5), due_on=D(2015, 3, 2))  # fmt: skip
    return end_order(None, order, on=D(2016, 3, 1), ending="completed")


def test_the_subject_access_request_holds_every_casework_record(ended: Order) -> None:
    bundle = gather(ended.person_id)
    assert [o["type"] for o in bundle["orders"]] == ["cpo"]
    assert [c["kind"] for c in bundle["contacts"]] == ["supervision"]
    assert [w["reason"] for w in bundle["warnings"]] == ["missed"]
    assert len(bundle["court_reports"]) == 1
    assert [r["due_on"] for r in bundle["reviews"]] == ["2015-06-02", "2015-09-02"]


def test_an_ended_order_past_its_period_goes_with_everything_of_it(ended: Order) -> None:
    # 6 years are 2,192 days (365.25 a year, rounded): the order ended on 1 March 2016
    # is kept as of 1 March 2022 (the cut-off is 29 February 2016) and gone as of
    # 3 March 2022 (the cut-off is 2 March 2016).
    kept = {s.code: s.count for s in run_retention(apply=False, as_of=D(2022, 3, 1))}
    assert kept["orders"] == 0
    done = {s.code: s.count for s in run_retention(apply=True, as_of=D(2022, 3, 3))}
    assert done["orders"] == 1 and done["court_reports"] == 1
    assert not Order.objects.exists() and not Contact.objects.exists()
    assert not Review.objects.exists()


def test_a_person_with_an_active_order_is_not_anonymised(config_loaded) -> None:
    person = make_person("Ali", "Active", D(1985, 5, 5), records=(("HSCP_CJSW", "RT2"),))
    impose_order(person.records.get(), type="cpo", court="sheriff_summary",
                 imposed_on=D(2015, 3, 2), supervision_months=36)  # fmt: skip
    run_retention(apply=True, as_of=D(2030, 1, 1))
    person.refresh_from_db()
    assert person.family_name == "Active"
