"""Referrals already held whose dates break the order things happen in are listed for
the data quality officer (not silently kept), with each reason naming the date it
conflicts with; the look is audited, the person's name never shown; other roles are
refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pathways.audit.models import AccessEvent
from pathways.referrals.models import Referral
from tests.world import make_person, make_user, refer

pytestmark = pytest.mark.django_db


def held(name: str, **dates: dt.date) -> Referral:
    person = make_person(name, "Dated", dt.date(2000, 1, 1), records=(("POLICE", name),))
    referral = refer(person, "POLICE", "ADAPT", dt.date(2024, 3, 1), state="engaged")
    Referral.objects.filter(pk=referral.pk).update(referral_ref=f"R-{name}", **dates)
    return referral


def test_the_data_quality_officer_sees_each_referral_out_of_order_and_why(
    client: Client, partnership: None
) -> None:
    held("Inorder")  # referred, decided, consent and started all on 1 March 2024
    early = held("Early", consent_on=dt.date(2024, 2, 1))
    late = held("Late", ended_on=dt.date(2024, 2, 27))
    officer = make_user("dq", "CJ_GLASGOW", "data_quality")
    client.force_login(officer)
    home = client.get("/").content.decode()
    assert "2</strong> referrals whose dates are out of order" in home
    html = client.get("/imports/dates/").content.decode()
    assert "R-Early" in html and "R-Late" in html and "R-Inorder" not in html
    assert (
        "Consent given on 1 February 2024 is before decided on 1 March 2024; the dates must "
        "read in the order things happened." in html
    )
    assert "Ended on 27 February 2024 is before engagement started on 1 March 2024" in html
    assert "Early Dated" not in html and "Late Dated" not in html
    looked = AccessEvent.objects.get(user=officer, action="view_dates_out_of_order")
    assert set(looked.people.values_list("person_id", flat=True)) == {
        early.person_id,
        late.person_id,
    }


def test_other_roles_cannot_see_the_list(client: Client, partnership: None) -> None:
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    assert client.get("/imports/dates/").status_code == 403
