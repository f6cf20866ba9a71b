"""Court reports, plans and reviews, warnings and breaches, assessments: each step's rules
and the bad inputs of issue 20, worked by hand on the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.cases.models import Contact
from pathways.casework.assessments import record_assessment
from pathways.casework.compliance import (
    compliance_due,
    give_warning,
    record_breach_outcome,
    report_breach,
)
from pathways.casework.models import CompliancePolicy, Instrument, Review
from pathways.casework.orders import end_order, impose_order, vary_order
from pathways.casework.plans import agree_plan, hold_review, review_schedule
from pathways.casework.refusals import Refused
from pathways.casework.reports import (
    allocate_report,
    cancel_report,
    deadline,
    record_sentence,
    request_report,
    submit_report,
)
from pathways.casework.sessions import record_session
from tests.world import make_user

pytestmark = pytest.mark.django_db
D = dt.date


AUGUST_31 = D(2025, 8, 31)


def supervised(record, imposed=AUGUST_31, months=24):
    return impose_order(record, type="cpo", court="sheriff_summary", imposed_on=imposed,
                        supervision_months=months)  # fmt: skip


def test_a_report_goes_from_request_to_submission_and_its_deadline_skips_holidays(record):
    # The hearing is on Tuesday 5 August 2025; Monday 4 August is Scotland's summer bank
    # holiday, so the report must reach the court by Friday 1 August.
    report = request_report(None, record, court="sheriff_summary", requested_on=D(2025, 7, 8),
                            due_on=D(2025, 8, 5))  # fmt: skip
    assert deadline(report) == D(2025, 8, 1)
    with pytest.raises(Refused, match="cannot become submitted"):
        submit_report(None, report, on=D(2025, 7, 30), risk_level="medium", proposal="CPO")
    author = make_user("author")
    report = allocate_report(None, report, author=author)
    with pytest.raises(Refused, match="before it"):
        submit_report(None, report, on=D(2025, 8, 6), risk_level="medium", proposal="CPO")
    with pytest.raises(Refused) as refused:
        submit_report(None, report, on=D(2025, 7, 30), risk_level="moderate", proposal="CPO")
    assert dict(refused.value.problems) == {
        "risk_level": "choose a level (very_low, low, medium, high, very_high)"
    }
    report = submit_report(None, report, on=D(2025, 7, 30), risk_level="medium",
                           proposal="A CPO with unpaid work")  # fmt: skip
    assert (report.status, report.submitted_on, report.author) == (
        "submitted",
        D(2025, 7, 30),
        author,
    )
    report = record_sentence(None, report, sentence="cpo")
    assert report.sentence == "cpo"
    with pytest.raises(Refused, match="cannot become cancelled"):
        cancel_report(None, report, reason="deserted")
    with pytest.raises(Refused, match="hearing is after"):
        request_report(None, record, court="high", requested_on=D(2025, 7, 8), due_on=D(2025, 7, 8))


def test_reviews_at_3_and_6_months_then_every_6_and_a_variation_reschedules(record):
    order = supervised(record, D(2025, 8, 31), 24)
    # 31 August + 3 months = 30 November (clamped); then 28 February 2026 (clamped),
    # 31 August 2026, 28 February 2027; 24 months is the end, so no review then.
    expected = [D(2025, 11, 30), D(2026, 2, 28), D(2026, 8, 31), D(2027, 2, 28)]
    assert review_schedule(order) == expected
    assert list(Review.objects.filter(order=order).values_list("due_on", flat=True)) == expected
    vary_order(None, order, on=D(2025, 10, 1), reason="court varied", supervision_months=12)
    assert list(Review.objects.filter(order=order).values_list("due_on", flat=True)) == expected[:2]
    # An order of 6 months has one review, at 3 months.
    assert review_schedule(supervised(record, D(2025, 1, 15), 6)) == [D(2025, 4, 15)]


def test_a_plan_objective_needs_a_date_and_a_review_walks_through_the_objectives(record):
    order = supervised(record)
    with pytest.raises(Refused) as refused:
        agree_plan(None, order, agreed_on=D(2025, 9, 10), objectives=[
            {"need_area": "accommodation", "what": "Apply for a tenancy", "who": "Pat"},
        ])  # fmt: skip
    assert dict(refused.value.problems) == {
        "objective 1: by_when": "an objective has a date it is due by"
    }
    plan = agree_plan(None, order, agreed_on=D(2025, 9, 10), objectives=[
        {"need_area": "accommodation", "what": "Apply for a tenancy", "who": "Pat and worker",
         "by_when": D(2025, 11, 1)},
        {"need_area": "drugs_alcohol", "what": "Attend the alcohol group", "who": "Pat",
         "by_when": D(2025, 12, 1)},
    ])  # fmt: skip
    first, second = plan.objectives.all()
    review = Review.objects.filter(order=order).first()
    with pytest.raises(Refused, match="not held before the order began"):
        hold_review(None, review, held_on=D(2025, 8, 1), attended="Pat", progress={})
    with pytest.raises(Refused) as refused:
        hold_review(None, review, held_on=D(2025, 11, 28), attended="Pat, worker",
                    progress={first.pk: {"status": "achieved"}, second.pk: {"status": "dropped"}})  # fmt: skip
    assert dict(refused.value.problems) == {
        f"objective {second.pk}": "say why the objective is dropped"
    }
    held = hold_review(None, review, held_on=D(2025, 11, 28), attended="Pat, worker",
                       progress={first.pk: {"status": "achieved", "note": "tenancy signed"},
                                 second.pk: {"status": "partly", "note": "2 of 4"}})  # fmt: skip
    assert held.held_on == D(2025, 11, 28)
    first.refresh_from_db()
    assert first.status == "achieved"
    with pytest.raises(Refused, match="was held on"):
        hold_review(None, held, held_on=D(2025, 11, 29), attended="Pat", progress={})


def test_warnings_and_breaches_are_listed_when_the_thresholds_are_met(record):
    CompliancePolicy.objects.update_or_create(
        code="default", defaults={"absences": 2, "within_months": 12, "warnings": 2}
    )
    order = supervised(record, D(2025, 1, 6), 12)
    for day in (D(2025, 2, 3), D(2025, 3, 3)):
        record_session(None, order, kind="supervision", on=day, attendance="unacceptable_absence")
    assert compliance_due(order, D(2025, 3, 2)) == ""
    assert compliance_due(order, D(2025, 3, 3)) == "warning"
    absence = Contact.objects.filter(order=order).order_by("on").last()
    give_warning(None, order, on=D(2025, 3, 4), reason="two missed appointments", contact=absence)
    assert compliance_due(order, D(2025, 3, 4)) == ""
    give_warning(None, order, on=D(2025, 4, 1), reason="abusive at the office")
    assert compliance_due(order, D(2025, 4, 1)) == "breach"
    breach = report_breach(None, order, on=D(2025, 4, 8), reason="failure to comply")
    assert compliance_due(order, D(2025, 4, 8)) == ""
    breach = record_breach_outcome(None, breach, outcome="revoked", on=D(2025, 5, 1))
    order = end_order(None, order, on=D(2025, 5, 1), ending="revoked_breach")
    assert (breach.outcome, order.state) == ("revoked", "revoked_breach")


def test_a_breach_report_without_a_warning_asks_why(record):
    order = supervised(record, D(2025, 1, 6), 12)
    with pytest.raises(Refused) as refused:
        report_breach(None, order, on=D(2025, 2, 1), reason="new offence")
    assert dict(refused.value.problems) == {
        "without_warning_reason": "no warning is recorded on this order: say why the breach "
        "goes to court without one"
    }
    breach = report_breach(None, order, on=D(2025, 2, 1), reason="new offence",
                           without_warning_reason="serious further offence")  # fmt: skip
    assert breach.without_warning_reason == "serious further offence"


def test_an_order_ended_twice_is_refused(record):
    order = supervised(record, D(2025, 1, 6), 12)
    ended = end_order(None, order, on=D(2025, 6, 1), ending="completed")
    with pytest.raises(Refused, match="already ended"):
        end_order(None, ended, on=D(2025, 6, 2), ending="completed")
    # Reviews after the end are no longer due; the one before it stays.
    assert list(Review.objects.filter(order=order).values_list("due_on", flat=True)) == [
        D(2025, 4, 6)
    ]


def test_assessments_with_the_open_instrument_and_a_licensed_tool(record):
    areas = ["accommodation", "education_employment", "money", "relationships", "family",
             "health", "drugs_alcohol", "attitudes", "use_of_time", "safety"]  # fmt: skip
    Instrument.objects.update_or_create(code="DISTANCE", defaults={
        "name": "Distance travelled", "items": [[a, a] for a in areas]})  # fmt: skip
    Instrument.objects.update_or_create(code="LSCMI", defaults={
        "name": "LS/CMI", "licensed": True, "has_level": True, "scores": ["total"]})  # fmt: skip
    scores = dict.fromkeys(areas, 5) | {"money": 11}
    with pytest.raises(Refused) as refused:
        record_assessment(None, record, instrument="DISTANCE", stage="review",
                          assessed_on=D(2025, 3, 1), scores=scores)  # fmt: skip
    assert dict(refused.value.problems) == {"money": "scores are 1 to 10, not 11"}
    done = record_assessment(None, record, instrument="DISTANCE", stage="review",
                             assessed_on=D(2025, 3, 1), scores=scores | {"money": 4})  # fmt: skip
    assert done.scores["money"] == 4
    with pytest.raises(Refused) as refused:
        record_assessment(None, record, instrument="LSCMI", stage="pre_sentence",
                          assessed_on=D(2025, 3, 1), scores={"q12": 3})  # fmt: skip
    assert dict(refused.value.problems) == {
        "level": "record the LS/CMI level",
        "q12": "LS/CMI keeps only total",
    }
    kept = record_assessment(None, record, instrument="LSCMI", stage="pre_sentence",
                             assessed_on=D(2025, 3, 1), level="high", scores={"total": 27})  # fmt: skip
    assert (kept.level, kept.scores) == ("high", {"total": 27})


def test_an_order_s_chronology_holds_every_record_newest_first(record):
    from pathways.casework.chronology import order_chronology

    order = supervised(record, D(2025, 1, 6), 12)
    session = record_session(None, order, kind="supervision", on=D(2025, 2, 3),
                             attendance="unacceptable_absence")  # fmt: skip
    warning = give_warning(None, order, on=D(2025, 2, 4), reason="missed", contact=session)
    entries = order_chronology(order, sessions=[session], warnings=[warning])
    assert [(e.on, e.what) for e in entries] == [
        (D(2025, 2, 4), "Warning"),
        (D(2025, 2, 3), "supervision appointment"),
        (D(2025, 1, 6), "Order made"),
    ]
    assert entries[1].said == "did not attend"
