"""Month arithmetic and rounding as OUTCOMES.md defines them, in Python and in the
database under test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.months import add_months
from pathways.outcomes.rounding import change, mean, median_of_middle, percentage
from pathways.outcomes.scope import date_sql, months_sql


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2023-08-31", 6, "2024-02-29"),  # a leap year's February
        ("2022-08-31", 6, "2023-02-28"),
        ("2024-08-31", -6, "2024-02-29"),
        ("2023-08-31", -6, "2023-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2023-10-31", 6, "2024-04-30"),
        ("2023-06-30", 3, "2023-09-30"),
        ("2023-11-15", 3, "2024-02-15"),  # across a year end
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", -12, "2023-02-28"),
        ("2023-03-01", -12, "2022-03-01"),
    ],
)
def test_months_are_calendar_months_clamped_to_the_month_end(day, months, expected) -> None:
    assert add_months(dt.date.fromisoformat(day), months) == dt.date.fromisoformat(expected)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 12, 31)),
    months=st.sampled_from([-12, -6, -3, -1, 1, 3, 6, 12]),
)
def test_the_database_moves_dates_by_months_exactly_as_defined(day, months) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {months_sql(date_sql(day), months)}")
        found = cursor.fetchone()[0]
    if isinstance(found, str):  # SQLite answers with ISO text
        found = dt.date.fromisoformat(found)
    assert found == add_months(day, months)


def test_percentages_round_half_away_from_zero() -> None:
    assert percentage(37, 40) == 93  # 92.5
    assert percentage(1, 8) == 13  # 12.5
    assert percentage(3, 8) == 38  # 37.5, where round-half-even would say 38 too
    assert percentage(5, 8) == 63  # 62.5, where round-half-even says 62
    assert percentage(0, 5) == 0
    assert percentage(3, 0) is None


def test_changes_are_four_places_half_away_from_zero() -> None:
    assert change(36, 50) == -0.28
    assert change(31, 120) == -0.7417  # -0.741666…
    # -0.28345 exactly: (after - before) / before with before = 20000.
    assert change(20000 - 5669, 20000) == -0.2835
    assert change(20000 + 5669, 20000) == 0.2835
    assert change(5, 0) is None


def test_means_and_medians() -> None:
    assert mean(828, 4) == 207.0
    assert mean(1, 8) == 0.1  # 0.125 -> 0.1 at one place
    assert mean(3, 8, places=2) == 0.38  # 0.375 -> 0.38
    assert mean(0, 0) is None
    assert median_of_middle(177, 184) == 180.5
    assert median_of_middle(92, 110) == 101
    assert isinstance(median_of_middle(92, 110), int)
