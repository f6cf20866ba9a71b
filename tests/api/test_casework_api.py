"""API v1 for justice social work, through the same door as the pages: the due list,
an order (in full, or its summary for the police), sessions with JSON errors (422 for a
rule, 409 for a stale read), a squad's register, and the figures (published or audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.audit.models import AccessEvent
from pathways.cases.models import Contact
from pathways.casework.models import Order
from pathways.casework.orders import impose_order
from tests.world import make_person

from .test_candidates_api import caller

TODAY = timezone.localdate()


@pytest.fixture
def order(partnership: None) -> Order:
    person = make_person("Ivy", "Order", dt.date(1991, 2, 2),
                         records=(("HSCP_CJSW", "CA1"), ("POLICE", "PA1")))  # fmt: skip
    made = impose_order(person.records.get(agency_id="HSCP_CJSW"), type="cpo", court="sheriff_summary",
                        imposed_on=TODAY - dt.timedelta(days=3), upw_hours=50,
                        supervision_months=6, team="CJSW_NE")  # fmt: skip
    Order.objects.filter(pk=made.pk).update(project_id="NE_GARDENS")
    return made


def test_a_worker_records_sessions_and_is_told_why_not(client: Client, order: Order) -> None:
    worker = caller(client, "CJSW_NE", "cjsw_worker")
    url = f"/api/v1/casework/orders/{order.pk}"
    too_many = worker.post(f"{url}/sessions", {"kind": "upw", "on": str(TODAY),
                           "project": "NE_GARDENS", "hours_offered": 6, "attendance": "attended",
                           "hours_credited": 7})  # fmt: skip
    assert too_many.status_code == 422
    assert too_many.json()["message"] == (
        "hours_credited: 7 hours credited is more than the 6 offered"
    )
    booked = worker.post(f"{url}/sessions", {"kind": "supervision", "on": str(TODAY),
                                             "mode": "phone"})  # fmt: skip
    assert booked.status_code == 201 and booked.json()["attendance"] is None
    sid = booked.json()["id"]
    done = worker.post(f"{url}/sessions/{sid}/attendance", {"version": 1, "attendance": "attended"})
    assert done.json()["version"] == 2
    stale = worker.post(f"{url}/sessions/{sid}/attendance", {"version": 1, "attendance": "late",
                                                             "reason": "bus"})  # fmt: skip
    assert stale.status_code == 409 and "reload" in stale.json()["message"]
    body = worker.get(url).json()
    assert body["full"] and body["ledger"]["imposed"] == 50
    assert [s["attendance"] for s in body["sessions"]] == ["attended"]


def test_the_police_get_the_summary_and_a_partner_a_404(client: Client, order: Order) -> None:
    police = caller(client, "ONE_GLASGOW", "police_analyst").get(
        f"/api/v1/casework/orders/{order.pk}"
    )
    assert police.status_code == 200
    assert police.json()["full"] is False and "sessions" not in police.json()
    assert police.json()["type"] == "cpo"
    partner = caller(client, "INCLUDEM_ADAPT", "partner_worker")
    gone = partner.get(f"/api/v1/casework/orders/{order.pk}")
    assert gone.status_code == 404 and "message" in gone.json()
    assert partner.get("/api/v1/casework/due").status_code == 403


def test_a_supervisor_saves_a_register_and_sees_nothing_else(client: Client, order: Order) -> None:
    supervisor = caller(client, "CJSW_NE", "upw_supervisor")
    url = f"/api/v1/casework/squads/NE_GARDENS/{TODAY}"
    rows = supervisor.get(url).json()["rows"]
    assert rows == [{"order_id": order.pk, "name": "Ivy Order", "hours_left": 50.0,
                     "attendance": None}]  # fmt: skip
    saved = supervisor.post(url, {"hours_offered": 7, "rows": [
        {"order_id": order.pk, "attendance": "attended"}]})  # fmt: skip
    assert saved.status_code == 201 and Contact.objects.get().hours_credited == 7
    assert supervisor.get(f"/api/v1/casework/orders/{order.pk}").status_code == 403
    assert AccessEvent.objects.filter(action="squad_register", person_id__isnull=True).exists()


def test_the_figures_published_or_audited(client: Client, order: Order) -> None:
    manager = caller(client, "ONE_GLASGOW", "manager")
    query = {"from": str(TODAY - dt.timedelta(days=30)), "to": str(TODAY + dt.timedelta(days=1)),
             "as_of": str(TODAY)}  # fmt: skip
    full = manager.get("/api/v1/casework/figures", **query).json()
    assert full["new_orders"]["cpo"] == 1
    assert AccessEvent.objects.filter(action="report_unsuppressed").exists()
    published = manager.get("/api/v1/casework/figures", published="true", **query).json()
    assert published["new_orders"]["cpo"] == "[c]"
    worker = caller(client, "CJSW_NE", "cjsw_worker")
    assert worker.get("/api/v1/casework/figures", **query).status_code == 403
    assert worker.get("/api/v1/casework/figures", published="true", **query).status_code == 200
