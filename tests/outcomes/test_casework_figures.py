"""CASEWORK.md's figures, each worked by hand at its edges: the 7 calendar days of a
placement, 20 Scottish working days across weekends and holidays, reviews held on the
day due, attendance leaving acceptable absences out, hours in time with other activity
capped at a month end, reports by the last working day before a hearing after a bank
holiday, the latest level per person and stage, and the team filter."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pathways.cases.models import Contact
from pathways.casework.models import Assessment, CourtReport, Order, Plan, Review, Suspension
from pathways.outcomes.casework import casework_parameters, casework_report
from tests.world import make_person

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = (D(2025, 4, 1), D(2026, 4, 1))


@pytest.fixture
def people(config_loaded):
    made = []
    for n in range(6):
        person = make_person("Case", f"Work{n}", D(1990, 1, 1), records=(("HSCP_CJSW", f"W{n}"),))
        made.append(person.records.get())
    return made


def order(record, imposed, *, upw=None, other=None, months=None, type="cpo", team="CJSW_NE",
          state="active", ended=None) -> Order:  # fmt: skip
    requirements = (["unpaid_work"] if upw else []) + (["supervision"] if months else [])
    return Order.objects.create(
        person_id=record.person_id, record=record, type=type, court="sheriff_summary",
        imposed_on=imposed, upw_hours=upw, other_activity_hours=other,
        supervision_months=months, requirements=requirements, team_id=team, state=state,
        ended_on=ended,
    )  # fmt: skip


def session(o: Order, on, attendance, kind="upw", credited=None, offered=7) -> None:
    Contact.objects.create(
        person_id=o.person_id, order=o, kind=kind, on=on, attendance=attendance,
        hours_offered=offered if kind != "supervision" else None,
        hours_credited=None if credited is None else Decimal(str(credited)),
    )  # fmt: skip


def hours(o: Order, on, total, kind="upw") -> None:
    """`total` hours credited in sessions of at most 10 hours, the last one on `on`."""
    left, day = Decimal(str(total)), on
    while left > 0:
        chunk = min(left, Decimal(10))
        session(o, day, "attended", kind=kind, credited=chunk, offered=10)
        left -= chunk
        day -= dt.timedelta(days=1)


def report(as_of, team=""):
    return casework_report(casework_parameters(*YEAR, as_of, team))


def figure(result, name):
    f = result.figures[name]
    return (f.numerator, f.denominator, f.percent)


def test_placement_within_7_calendar_days_inclusive(people):
    a, b, c, d = (order(r, D(2025, 6, 6), upw=100) for r in people[:4])  # a Friday
    session(a, D(2025, 6, 13), "attended", credited=7)  # day 7 (a Friday): in time
    session(b, D(2025, 6, 14), "attended", credited=7)  # day 8: late
    session(c, D(2025, 6, 9), "sent_home", credited=2)  # sent home counts as started
    session(d, D(2025, 6, 10), "unacceptable_absence")  # an absence is no start
    # An order imposed 2 days before as_of has not had its 7 days: not counted yet.
    order(people[4], D(2026, 3, 29), upw=50)
    # Supervision only: no placement to start.
    order(people[5], D(2025, 6, 6), months=12)
    assert figure(report(D(2026, 3, 31)), "placement_within_7_days") == (2, 4, 50)
    # As of 12 June 2025 no order has had its 7 days (6 June + 7 = 13 June).
    assert figure(report(D(2025, 6, 12)), "placement_within_7_days") == (0, 0, None)


def test_plan_within_20_working_days_across_a_bank_holiday(people):
    # Imposed Monday 21 July 2025; the 20th working day after is Tuesday 19 August
    # (Monday 4 August is Scotland's summer bank holiday).
    a, b, c = (order(r, D(2025, 7, 21), months=12) for r in people[:3])
    Plan.objects.create(order=a, agreed_on=D(2025, 8, 19))  # the 20th working day: in time
    Plan.objects.create(order=b, agreed_on=D(2025, 8, 20))  # the 21st: late
    order(people[3], D(2025, 7, 21), upw=80)  # no supervision: not counted
    assert figure(report(D(2025, 8, 18)), "plan_within_20_days") == (0, 0, None)
    assert figure(report(D(2025, 8, 19)), "plan_within_20_days") == (1, 3, 33)
    # A plan agreed after as_of does not count.
    assert figure(report(D(2025, 8, 19)), "plan_within_20_days")[0] == 1
    Plan.objects.create(order=c, agreed_on=D(2025, 8, 1))
    assert figure(report(D(2026, 1, 1)), "plan_within_20_days") == (2, 3, 67)


def test_reviews_on_time_are_held_on_or_before_the_day_due(people):
    o = order(people[0], D(2025, 1, 31), months=24)
    Review.objects.create(order=o, due_on=D(2025, 4, 30), held_on=D(2025, 4, 30))
    Review.objects.create(order=o, due_on=D(2025, 7, 31), held_on=D(2025, 8, 1))
    Review.objects.create(order=o, due_on=D(2026, 1, 31))  # not held
    Review.objects.create(order=o, due_on=D(2025, 3, 31), held_on=D(2025, 3, 1))  # before period
    assert figure(report(D(2026, 3, 31)), "reviews_on_time") == (1, 3, 33)
    # As of 31 January 2026 the third is due that day and counted; as of the 30th not yet.
    assert figure(report(D(2026, 1, 30)), "reviews_on_time") == (1, 2, 50)


def test_attendance_leaves_out_acceptable_absences_and_sessions_without_an_outcome(people):
    o = order(people[0], D(2025, 5, 1), upw=100, months=12)
    for on, outcome in [
        (D(2025, 5, 2), "attended"), (D(2025, 5, 3), "sent_home"), (D(2025, 5, 4), "late"),
        (D(2025, 5, 5), "unacceptable_absence"), (D(2025, 5, 6), "acceptable_absence"),
        (D(2025, 5, 7), ""), (D(2026, 4, 1), "unacceptable_absence"),
    ]:  # fmt: skip
        session(o, on, outcome, kind="supervision")
    # Present 3 of counted 4: 75%.
    assert figure(report(D(2026, 3, 31)), "attendance_rate") == (3, 4, 75)


def test_hours_completed_in_time_with_other_activity_capped(people):
    # 100 hours imposed on 31 May 2025 is level 1: + 3 months = 31 August 2025.
    a = order(people[0], D(2025, 5, 31), upw=100)
    hours(a, D(2025, 6, 10), 70)
    hours(a, D(2025, 6, 20), 40, "other_activity")  # 30 count
    # 70 + 30 = 100: complete in time.
    b = order(people[1], D(2025, 5, 31), upw=100)
    hours(b, D(2025, 6, 10), 70)
    hours(b, D(2025, 8, 31), 20)
    session(b, D(2025, 9, 1), "attended", credited=10, offered=10)  # the day after the limit
    # 25 hours: other activity counts up to 7.5 (30%), so 17.5 + 7.5 = 25 is complete.
    c = order(people[2], D(2025, 5, 31), upw=25)
    hours(c, D(2025, 6, 10), 17.5)
    hours(c, D(2025, 6, 20), 8, "other_activity")
    # 150 hours (level 2): 31 May + 6 months = 30 November 2025 (clamped).
    d = order(people[3], D(2025, 5, 31), upw=150)
    hours(d, D(2025, 11, 30), 150)
    # Suspended and extended: the figure's limit is CASEWORK.md's, without either.
    e = order(people[4], D(2025, 5, 31), upw=50, state="active")
    Suspension.objects.create(order=e, from_on=D(2025, 6, 1), to_on=D(2025, 7, 1), reason="x")
    Order.objects.filter(pk=e.pk).update(upw_extension_months=2)
    hours(e, D(2025, 9, 15), 50)
    assert figure(report(D(2026, 3, 31)), "hours_completed_in_time") == (3, 5, 60)
    # As of 30 August 2025 no limit has come.
    assert figure(report(D(2025, 8, 30)), "hours_completed_in_time") == (0, 0, None)


def test_orders_completed_and_every_ending(people):
    order(people[0], D(2025, 1, 1), months=12, state="completed", ended=D(2025, 12, 31))
    order(people[1], D(2025, 1, 1), months=12, state="revoked_breach", ended=D(2025, 6, 1))
    order(people[2], D(2025, 1, 1), months=12, state="completed", ended=D(2026, 4, 1))
    result = report(D(2026, 3, 31))
    assert figure(result, "orders_completed") == (1, 2, 50)
    assert result.orders_ended == {"completed": 1, "revoked_breach": 1, "revoked_other": 0,
                                   "transferred": 0, "died": 0}  # fmt: skip
    assert result.new_orders["cpo"] == 0  # imposed before the period


def test_reports_on_time_by_the_last_working_day_before_the_hearing(people):
    def made(court, due, submitted, status="submitted"):
        CourtReport.objects.create(
            person_id=people[0].person_id, record=people[0], court=court,
            requested_on=due - dt.timedelta(days=21), due_on=due, status=status,
            submitted_on=submitted, team_id="CJSW_NE",
        )  # fmt: skip

    # Hearing Tuesday 5 August 2025 (Monday the 4th a holiday): by Friday 1 August.
    made("sheriff_summary", D(2025, 8, 5), D(2025, 8, 1))
    made("sheriff_summary", D(2025, 8, 5), D(2025, 8, 4))  # on the holiday: late
    # Hearing Monday 5 January 2026 (1 and 2 January holidays): by 31 December.
    made("high", D(2026, 1, 5), D(2025, 12, 31))
    made("high", D(2026, 1, 5), None, status="allocated")  # never submitted
    made("high", D(2026, 1, 5), None, status="cancelled")  # cancelled: left out
    result = report(D(2026, 3, 31))
    assert figure(result, "reports_on_time") == (2, 4, 50)
    court = {c: (f.numerator, f.denominator) for c, f in result.reports_by_court.items()}
    assert court == {"high": (1, 2), "sheriff_solemn": (0, 0), "sheriff_summary": (1, 2),
                     "justice_of_peace": (0, 0)}  # fmt: skip
    # Another team's view sees none of them.
    assert figure(report(D(2026, 3, 31), team="CJSW_S"), "reports_on_time") == (0, 0, None)


def test_risk_levels_are_the_latest_per_person_and_stage(people):
    def assessed(record, on, stage, level, ref):
        Assessment.objects.create(person_id=record.person_id, record=record, instrument="LSCMI",
                                  stage=stage, assessed_on=on, level=level,
                                  assessment_ref=ref)  # fmt: skip

    assessed(people[0], D(2025, 5, 1), "pre_sentence", "high", "A1")
    assessed(people[0], D(2025, 9, 1), "pre_sentence", "medium", "A2")  # latest: medium
    assessed(people[1], D(2025, 9, 1), "pre_sentence", "low", "B1")
    assessed(people[1], D(2025, 9, 1), "pre_sentence", "very_low", "B2")  # tie: larger ref
    assessed(people[1], D(2025, 10, 1), "post_sentence", "low", "B3")
    assessed(people[2], D(2026, 4, 1), "pre_sentence", "very_high", "C1")  # after the period
    levels = report(D(2026, 3, 31)).risk_levels
    assert levels["pre_sentence"] == {"very_low": 1, "low": 0, "medium": 1, "high": 0,
                                      "very_high": 0}  # fmt: skip
    assert levels["post_sentence"]["low"] == 1
    assert sum(levels["review"].values()) == 0


def test_the_json_has_casework_md_shape(people):
    order(people[0], D(2025, 6, 6), upw=100)
    result = report(D(2026, 3, 31)).as_json()
    assert set(result) == {"period", "as_of", "figures", "new_orders", "orders_ended",
                           "reports_by_court", "risk_levels"}  # fmt: skip
    assert result["new_orders"]["cpo"] == 1
    assert result["figures"]["reviews_on_time"] == {"numerator": 0, "denominator": 0,
                                                     "percent": None}  # fmt: skip


def test_the_command_prints_json_and_a_published_csv(people, capsys):
    import json

    from django.core.management import CommandError, call_command

    for r in people[:5]:
        o = order(r, D(2025, 6, 6), upw=100)
        session(o, D(2025, 6, 9), "attended", credited=7)
    call_command("report", "casework", "--from", "2025-04-01", "--to", "2026-04-01",
                 "--as-of", "2026-03-31")  # fmt: skip
    shown = json.loads(capsys.readouterr().out)
    assert shown["figures"]["placement_within_7_days"] == {
        "numerator": 5,
        "denominator": 5,
        "percent": 100,
    }
    assert shown["period"] == {"from": "2025-04-01", "to": "2026-04-01"}
    call_command("report", "casework", "--from", "2025-04-01", "--to", "2026-04-01",
                 "--as-of", "2026-03-31", "--format", "csv")  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "section,measure,numerator,denominator,percent,value"
    assert "figures,placement_within_7_days,5,5,100,75" in lines
    assert "figures,attendance_rate,5,5,100," in lines
    assert "figures,orders_completed,0,0,," in lines
    assert "new_orders,cpo,,,,5" in lines and "new_orders,sds,,,,0" in lines
    with pytest.raises(CommandError, match="unknown team: NOPE"):
        call_command("report", "casework", "--from", "2025-04-01", "--to", "2026-04-01",
                     "--team", "NOPE")  # fmt: skip
