"""The synthetic partnership's casework loads through the real importers without a
rejected row and has the shape issue 20 asks for: about four reports per order, most
orders with unpaid work (median 100-150 hours), attendance around 70-80%, some breaches."""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

import pytest

from pathways.casework.models import CourtReport, Order
from pathways.feeds.runner import import_file
from pathways.outcomes.casework import casework_parameters, casework_report
from pathways.synth.population import generate
from pathways.synth.writer import CASEWORK_FILES, write_csvs

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 1)


def test_synthetic_casework_loads_cleanly_and_looks_like_a_city(tmp_path: Path, config_loaded):
    files = write_csvs(generate(4_000, seed=3, as_of=AS_OF), tmp_path)
    for kind in ("people", *CASEWORK_FILES):
        run = import_file(kind, files[kind])
        assert run.rejected == 0, kind
    orders = Order.objects.count()
    assert orders > 300
    assert 3.0 <= CourtReport.objects.count() / orders <= 5.0
    hours = [h for h in Order.objects.values_list("upw_hours", flat=True) if h]
    assert len(hours) > 0.7 * orders
    assert 100 <= statistics.median(hours) <= 150
    assert Order.objects.filter(state="revoked_breach").exists()
    assert Order.objects.filter(state="active").exists()
    figures = casework_report(
        casework_parameters(dt.date(2025, 4, 1), dt.date(2026, 4, 1), AS_OF)
    ).figures
    assert 70 <= (figures["attendance_rate"].percent or 0) <= 85
    assert 55 <= (figures["placement_within_7_days"].percent or 0) <= 90
