"""Engagement length, the referral funnel and the caseload profile (OUTCOMES.md), from
hand-worked cases."""

from __future__ import annotations

import pytest

from pathways.linkage.internals.identity import refresh_identity
from pathways.outcomes.metrics import caseload, engagement_length, funnel
from pathways.outcomes.parameters import report_parameters
from pathways.people.models import AgencyRecord
from pathways.referrals.models import Transition

from .builders import d, engagement, person

pytestmark = pytest.mark.django_db


def report(period_from: str, period_to: str, as_of: str, services=("ADAPT",), **filters):
    return report_parameters(list(services), d(period_from), d(period_to), d(as_of), **filters)


def test_engagement_length_counts_every_completed_engagement_in_the_period() -> None:
    twice = person()
    engagement(twice, "2023-05-01", "2023-07-01")  # 61 days
    engagement(twice, "2023-03-01", "2023-09-01")  # 184 days: not only index engagements
    engagement(person(), "2022-06-01", "2023-07-12")  # 406 days
    engagement(person(), "2023-04-01", "2023-09-25")  # 177 days
    engagement(person(), "2023-04-01", "2023-09-25", reason="opted_out")  # not completed
    engagement(person(), "2023-04-01", "2024-02-01")  # completed after as_of
    engagement(person(), "2023-04-01", "2024-04-01")  # ended on `to`: outside the period

    found = engagement_length(report("2023-04-01", "2024-04-01", "2024-01-31"))
    assert found.as_json() == {
        "count": 4, "mean_days": 207.0, "median_days": 180.5, "min_days": 61,
        "max_days": 406,
    }  # fmt: skip
    empty = engagement_length(report("2020-01-01", "2021-01-01", "2024-01-31"))
    assert empty.as_json() == {
        "count": 0, "mean_days": None, "median_days": None, "min_days": None,
        "max_days": None,
    }  # fmt: skip


def test_the_funnel_counts_referrals_by_the_stage_reached_by_as_of() -> None:
    def referral(referred, decided=None, consented=None, started=None, ended=None, **kw):
        return engagement(
            person(), started, ended, referred=referred, decided=decided or referred,
            consented=consented, **kw,
        )  # fmt: skip

    referral("2023-04-01", "2023-04-05", "2023-04-10", "2023-04-20", "2023-09-01")  # 19
    referral("2023-05-01", "2023-05-03", "2023-05-10", "2023-06-01", "2023-10-01",
             reason="opted_out")  # 31 days to start  # fmt: skip
    referral("2023-06-01", "2023-06-02", "2023-06-05", "2023-06-15", "2023-11-01",
             reason="disengaged")  # 14  # fmt: skip
    referral("2023-07-01", "2023-07-05", decision="declined")
    referral("2023-08-01", "2023-08-03", decision="withdrawn")
    referral("2023-09-01", "2023-09-02", "2023-09-05", "2023-09-10")  # 9, open
    referral("2023-10-01", "2023-10-05")  # accepted, open
    referral("2023-11-01", "2024-02-10")  # accepted after as_of: open, not accepted
    referral("2023-12-01", "2023-12-02", "2023-12-03", "2024-02-01")  # starts after as_of
    referral("2024-02-15", "2024-02-16")  # referred after as_of: not counted
    referral("2023-03-31", "2023-04-02")  # before the period
    referral("2023-12-15", "2023-12-16", "2023-12-17", "2023-12-20", "2024-03-01")  # 5
    referral("2023-05-15", "2023-05-16", "2023-05-17", "2023-05-20", "2023-08-20",
             reason="moved_away")  # 5, ended  # fmt: skip
    withdrawn = referral("2023-06-10", "2023-06-11")  # withdrawn in Pathways after acceptance
    withdrawn.state = "withdrawn"
    withdrawn.save()
    Transition.objects.create(
        referral=withdrawn, from_state="accepted", to_state="withdrawn", on=d("2023-06-20")
    )
    referral("2023-06-01", "2023-06-02", service="SIDESTEP")  # another service

    found = funnel(report("2023-04-01", "2024-04-01", "2024-01-31"))
    assert found.as_json() == {
        "referred": 12, "accepted": 9, "declined": 1, "consented": 7, "started": 6,
        "completed": 1, "opted_out": 2, "open": 5,
        "median_days_to_start": 11.5,  # 5, 5, 9, 14, 19, 31
    }  # fmt: skip


def test_the_caseload_profile_by_age_band_on_as_of_and_sex() -> None:
    services = ("ADAPT", "SIDESTEP")
    leapling = person(born="2004-02-29")  # 17 on 28 Feb 2022, 18 on 1 March
    engagement(leapling, "2021-06-01")
    engagement(person(born="2006-03-01", sex="F"), "2021-06-01")  # 16 on 1 March 2022
    engagement(person(born="2006-03-02"), "2021-06-01")  # 15
    engagement(person(born=None, sex="U"), "2021-06-01")  # unknown
    ends_on_the_day = person(born="2000-06-01", sex="F")
    engagement(ends_on_the_day, "2021-06-01", "2022-03-01")  # not open on 1 March
    engagement(person(born="1990-01-01", sex="X"), "2021-06-01", "2022-03-02")  # open
    engagement(person(born="1990-01-01"), "2022-03-02")  # starts after as_of
    twice = person(born="1956-01-01")  # 66: once, though open with two services
    engagement(twice, "2021-06-01", service="ADAPT")
    engagement(twice, "2021-07-01", service="SIDESTEP")
    # The date of birth most of the person's records hold: 1 January 2000 (22).
    held = person(born="1999-06-01", agencies=("POLICE", "HSCP_CJSW", "INCLUDEM"))
    AgencyRecord.objects.filter(person=held).exclude(agency_id="POLICE").update(
        date_of_birth=d("2000-01-01")
    )
    refresh_identity([held.pk])
    engagement(held, "2021-06-01")

    def cells(as_of: str):
        found = caseload(report("2021-01-01", "2022-01-01", as_of, services))
        return [(c.age_band, c.sex, c.count) for c in found]

    assert cells("2022-03-01") == [
        ("0-15", "M", 1), ("16-17", "F", 1), ("18-20", "M", 1), ("21-25", "M", 1),
        ("31-35", "X", 1), ("66+", "M", 1), ("unknown", "U", 1),
    ]  # fmt: skip
    assert cells("2022-02-28") == [
        ("0-15", "M", 1), ("0-15", "F", 1), ("16-17", "M", 1), ("21-25", "M", 1),
        ("21-25", "F", 1), ("31-35", "X", 1), ("66+", "M", 1), ("unknown", "U", 1),
    ]  # fmt: skip


def test_filters_narrow_the_people_counted() -> None:
    north = person(born="2006-05-01", area="NE")
    engagement(north, "2023-05-01", "2023-07-01")
    south = person(born="2006-05-01", sex="F", area="S")
    engagement(south, "2023-05-01", "2023-08-01")
    older = person(born="1990-05-01", area="S")
    engagement(older, "2023-05-01", "2023-09-01")

    def lengths(**filters):
        return engagement_length(report("2023-01-01", "2024-01-01", "2024-06-01", **filters))

    assert lengths().count == 3
    assert (lengths(area="S").count, lengths(area="NE").count) == (2, 1)
    assert (lengths(sex="F").count, lengths(sex="M").count) == (1, 2)
    assert (lengths(age_band="18-20").count, lengths(age_band="31-35").count) == (2, 1)
    assert lengths(area="S", sex="M").count == 1
