"""Working days in Scotland, hand-checked against the calendar (CASEWORK.md "Clocks")."""

import datetime as dt

import pytest

from pathways.casework.working_days import (
    is_working_day,
    last_working_day_before,
    working_day_index,
    working_days_after,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 1, 1), False),  # New Year's Day
        (D(2025, 1, 2), False),  # 2 January is a holiday in Scotland, not in England
        (D(2025, 1, 3), True),
        (D(2025, 8, 4), False),  # Scotland's summer bank holiday is the first Monday
        (D(2025, 8, 25), True),  # England's late summer bank holiday is not Scotland's
        (D(2025, 12, 1), False),  # St Andrew's Day (30 Nov, a Sunday) moved to Monday
        (D(2025, 4, 18), False),  # Good Friday
        (D(2025, 4, 21), True),  # Easter Monday is not a holiday in Scotland
        (D(2025, 6, 7), False),  # a Saturday
    ],
)
def test_scottish_working_days(day, working):
    assert is_working_day(day) is working


def test_the_nth_working_day_after_skips_weekends_and_holidays():
    # Friday 19 December 2025: Mon 22, Tue 23, Wed 24 are days 1-3; 25 and 26 are
    # holidays; Mon 29 is day 4, Tue 30 day 5, Wed 31 day 6; 1 and 2 January are
    # holidays; Mon 5 January 2026 is day 7.
    assert working_days_after(D(2025, 12, 19), 3) == D(2025, 12, 24)
    assert working_days_after(D(2025, 12, 19), 4) == D(2025, 12, 29)
    assert working_days_after(D(2025, 12, 19), 7) == D(2026, 1, 5)
    # From a Saturday the first working day is the Monday.
    assert working_days_after(D(2025, 6, 7), 1) == D(2025, 6, 9)
    with pytest.raises(ValueError):
        working_days_after(D(2025, 6, 7), 0)


def test_twenty_working_days_across_a_month_end_and_a_holiday():
    # Imposed Monday 21 July 2025: 4 working days to Friday 25 July, 5 the week after
    # (9 by 1 August), Monday 4 August a holiday so 4 that week (13 by 8 August), 5 the
    # next (18 by 15 August), then Monday 18 and Tuesday 19 August: the 20th.
    assert working_days_after(D(2025, 7, 21), 20) == D(2025, 8, 19)


def test_a_report_is_due_the_last_working_day_before_the_hearing():
    assert last_working_day_before(D(2025, 6, 10)) == D(2025, 6, 9)  # Tuesday -> Monday
    assert last_working_day_before(D(2025, 6, 9)) == D(2025, 6, 6)  # Monday -> Friday
    # A hearing on Tuesday 5 August 2025: Monday 4 August is a holiday, so Friday 1.
    assert last_working_day_before(D(2025, 8, 5)) == D(2025, 8, 1)
    # A hearing on Monday 5 January 2026: 1 and 2 January are holidays, so 31 December.
    assert last_working_day_before(D(2026, 1, 5)) == D(2025, 12, 31)


def test_working_days_left():
    assert working_days_between(D(2025, 6, 6), D(2025, 6, 10)) == 2  # Fri -> Tue: Mon, Tue
    assert working_days_between(D(2025, 6, 10), D(2025, 6, 6)) == 0


def test_the_index_agrees_with_counting():
    index = {day: n for day, n, _ in working_day_index(D(2025, 7, 1), D(2025, 9, 30))}
    start = D(2025, 7, 21)
    nth = [day for day, n, working in working_day_index(D(2025, 7, 1), D(2025, 9, 30))
           if working and n == index[start] + 20]  # fmt: skip
    assert nth == [working_days_after(start, 20)]
