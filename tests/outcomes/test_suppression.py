"""Small-number suppression for published tables (OUTCOMES.md), hand-worked."""

from __future__ import annotations

import pytest

from pathways.outcomes.metrics import Measure
from pathways.outcomes.parameters import report_parameters
from pathways.outcomes.report import outcome_report
from pathways.outcomes.suppression import caseload_table, count, measure, protect, published

from .builders import d, engagement, person


def test_counts_from_one_to_four_are_suppressed_and_zero_never() -> None:
    assert [count(n) for n in (0, 1, 4, 5, 120)] == [0, "[c]", "[c]", 5, 120]


def test_a_percentage_of_or_from_a_small_number_is_suppressed() -> None:
    assert measure(Measure(3, 10)) == {"n": "[c]", "of": 10, "pct": "[c]"}
    assert measure(Measure(0, 3)) == {"n": 0, "of": "[c]", "pct": "[c]"}
    assert measure(Measure(5, 10)) == {"n": 5, "of": 10, "pct": 50}
    assert measure(Measure(0, 0)) == {"n": 0, "of": 0, "pct": None}
    assert measure(Measure(0, 8)) == {"n": 0, "of": 8, "pct": 0}


def test_a_line_with_one_suppressed_cell_gets_a_second() -> None:
    table = {
        ("A", "M"): 10, ("A", "F"): 2,
        ("B", "M"): 8, ("B", "F"): 6,
        ("C", "M"): 9, ("C", "F"): 7,
    }  # fmt: skip
    # (A, F) is small. Row A then loses (A, M); column F its next smallest, (B, F);
    # column M, now with one hidden cell, its next smallest, (B, M). Row C stays.
    assert protect(table) == {("A", "F"), ("A", "M"), ("B", "F"), ("B", "M")}


def test_zero_is_never_the_second_cell() -> None:
    table = {("A", "M"): 0, ("A", "F"): 3, ("B", "M"): 5, ("B", "F"): 9}
    # Row A has no other non-zero cell; column F gives up (B, F); row B then (B, M).
    assert protect(table) == {("A", "F"), ("B", "F"), ("B", "M")}


def test_the_caseload_table_protects_its_cells_and_its_totals() -> None:
    table = caseload_table({("16-17", "M"): 12, ("16-17", "F"): 3, ("18-20", "M"): 20,
                            ("18-20", "F"): 7, ("21-25", "M"): 9})  # fmt: skip
    rows = {row["age_band"]: row for row in [*table["rows"], table["total"]]}
    assert list(rows) == ["16-17", "18-20", "21-25", "total"]
    # The totals are cells too. (16-17, F) is small; row 16-17 gives up M (12); column M
    # its next smallest, (21-25, M) (9); column F (18-20, F) (7); row 18-20 then M (20);
    # row 21-25, whose total equals its M, the total (9); the total column, now with one
    # hidden, 16-17's total (15). Every line then has none or two or more hidden.
    assert rows["16-17"] == {"age_band": "16-17", "M": "[c]", "F": "[c]", "X": 0, "U": 0,
                             "total": "[c]"}  # fmt: skip
    assert rows["18-20"] == {"age_band": "18-20", "M": "[c]", "F": "[c]", "X": 0, "U": 0,
                             "total": 27}  # fmt: skip
    assert rows["21-25"] == {"age_band": "21-25", "M": "[c]", "F": 0, "X": 0, "U": 0,
                             "total": "[c]"}  # fmt: skip
    assert rows["total"] == {"age_band": "total", "M": 41, "F": 10, "X": 0, "U": 0,
                             "total": 51}  # fmt: skip


def test_no_hidden_cell_can_be_worked_out_from_the_totals() -> None:
    # The reviewer's case: 16-17 has only M = 3. Hiding it and its row total is not
    # enough when the grand total and 18-20's total are shown (33 - 30 = 3).
    table = caseload_table({("16-17", "M"): 3, ("18-20", "M"): 10, ("18-20", "F"): 20})
    rows = {row["age_band"]: row for row in [*table["rows"], table["total"]]}
    shown = [(band, sex) for band, row in rows.items() for sex in ("M", "F", "total")
             if row[sex] != "[c]"]  # fmt: skip
    # Each row and column of the table (totals included) hides none or at least two.
    for band, row in rows.items():
        assert sum(row[s] == "[c]" for s in ("M", "F", "X", "U", "total")) != 1, band
    for sex in ("M", "F", "X", "U", "total"):
        assert sum(rows[b][sex] == "[c]" for b in rows) != 1, sex
    assert ("16-17", "M") not in shown


@pytest.mark.django_db
def test_the_published_report_suppresses_what_the_json_report_shows(partnership) -> None:
    # Six people complete ADAPT, two SIDESTEP; SIDESTEP declines three more.
    for _ in range(6):
        engagement(person(), "2023-05-01", "2023-08-01", service="ADAPT")
    for _ in range(2):
        engagement(person(), "2023-05-01", "2023-09-01", service="SIDESTEP")
    for _ in range(3):
        engagement(person(), None, referred="2023-05-01", decided="2023-05-02",
                   decision="declined", service="SIDESTEP")  # fmt: skip
    params = report_parameters(["ADAPT", "SIDESTEP"], d("2023-01-01"), d("2024-01-01"),
                               d("2024-12-31"))  # fmt: skip
    report = outcome_report(params)
    raw, shown = report.as_json(), published(report)

    assert raw["follow_up"]["3"]["cohort"] == 8  # type: ignore[index]
    assert shown["follow_up"]["3"]["cohort"] == 8  # type: ignore[index]
    assert raw["engagement_length"]["count"] == 8  # type: ignore[index]
    by_service = shown["funnel_by_service"]["services"]  # type: ignore[index]
    # SIDESTEP: 5 referred, 2 accepted, 3 declined, 2 started and completed.
    assert raw["funnel_by_service"]["SIDESTEP"]["declined"] == 3  # type: ignore[index]
    assert by_service["SIDESTEP"]["declined"] == "[c]"
    assert by_service["SIDESTEP"]["completed"] == "[c]"
    assert by_service["SIDESTEP"]["referred"] == 5
    # ADAPT declined none: zero is shown; its accepted (6) is the second cell of
    # SIDESTEP's accepted column.
    assert by_service["ADAPT"]["declined"] == 0
    assert by_service["ADAPT"]["accepted"] == "[c]"
    assert shown["funnel_by_service"]["total"]["referred"] == 11  # type: ignore[index]
