"""Which agency holds justice social work's records on a person, for the sharing policy
(`sharing.grants.register_holder`): an order, a court report, a plan (of an order),
an assessment, a MAPPA entry, each held by the agency of the record it is under."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Exists, OuterRef, Q

from pathways.casework.models import Assessment, CourtReport, Mappa, Order, Plan


def _held(
    model: type[models.Model], path: str = "record__agency_id__in", person: str = "person"
) -> Callable[[list[str]], Q]:
    def holds(agencies: list[str]) -> Q:
        return Q(Exists(model._default_manager.filter(**{person: OuterRef("pk"), path: agencies})))

    return holds


HOLDERS = {
    "orders": _held(Order),
    "court_reports": _held(CourtReport),
    "case_plans": _held(Plan, "order__record__agency_id__in", "order__person"),
    "assessments": _held(Assessment),
    "mappa": _held(Mappa),
}
