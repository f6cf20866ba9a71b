"""Follow-up cohorts (OUTCOMES.md), from hand-worked cases.

Every expected number below was worked out by hand from the dates in the test; the
comments show the windows. pre = [start - W months, start), post = (end, end + W months].
"""

from __future__ import annotations

import pytest

from pathways.feeds.runner import import_file
from pathways.outcomes.metrics import follow_up
from pathways.outcomes.parameters import report_parameters

from .builders import d, engagement, event, person

pytestmark = pytest.mark.django_db


def report(period_from: str, period_to: str, as_of: str, services=("ADAPT",)):
    return report_parameters(list(services), d(period_from), d(period_to), d(as_of))


def test_offences_on_each_window_boundary() -> None:
    jamie = person()
    engagement(jamie, "2023-03-01", "2023-06-30")
    # W=3: pre [2022-12-01, 2023-03-01), post (2023-06-30, 2023-09-30]
    # W=6: pre [2022-09-01, 2023-03-01), post (2023-06-30, 2023-12-30]
    event(jamie, "2022-11-30", crime_group="violence")  # pre 6 only
    event(jamie, "2022-12-01", crime_group="dishonesty")  # pre 3 and 6 (first day)
    event(jamie, "2023-02-28")  # pre 3 and 6 (the day before the start)
    event(jamie, "2023-03-01")  # the start date: neither window
    event(jamie, "2023-06-30")  # the end date: neither window
    event(jamie, "2023-09-30", crime_group="dishonesty", time="23:30")  # end + 3 months
    # 00:30 on 1 October in London is 23:30 on 30 September in UTC: the local date counts.
    event(jamie, "2023-10-01", crime_group="violence", time="00:30")  # post 6 only
    event(jamie, "2023-10-01", kind="custody")  # not an offence
    event(jamie, "2023-11-20", kind="overdose")  # not an offence
    event(jamie, "2023-12-31")  # the day after end + 6 months
    event(jamie, "2024-02-01")  # after as_of
    params = report("2023-04-01", "2024-04-01", "2024-01-15")

    three = follow_up(params, 3)
    assert (three.cohort, three.awaiting_follow_up) == (1, 0)
    assert (three.offences_pre, three.offences_post) == (2, 1)
    assert (three.acquisitive_pre, three.acquisitive_post) == (1, 1)
    assert three.no_further_offences.as_json() == {"n": 0, "of": 1, "pct": 0}
    assert three.reduced_offending.as_json() == {"n": 1, "of": 1, "pct": 100}
    assert three.no_further_violence.as_json() == {"n": 1, "of": 1, "pct": 100}
    assert (three.offence_change, three.acquisitive_change) == (-0.5, 0.0)

    six = follow_up(params, 6)
    assert (six.cohort, six.offences_pre, six.offences_post) == (1, 3, 2)
    assert six.no_further_violence.as_json() == {"n": 0, "of": 1, "pct": 0}
    assert six.reduced_offending.n == 1  # 2 < 3
    assert six.offence_change == pytest.approx(-0.3333)

    # End + 12 months (2024-06-30) is after as_of: awaiting follow-up, not a success.
    twelve = follow_up(params, 12)
    assert (twelve.cohort, twelve.awaiting_follow_up) == (0, 1)
    assert twelve.no_further_offences.as_json() == {"n": 0, "of": 0, "pct": None}
    assert twelve.offence_change is None


def test_month_ends_clamp_to_the_last_day_of_the_month() -> None:
    # Ends 31 August 2023: + 6 months is 29 February 2024 (a leap year).
    leap = person()
    engagement(leap, "2023-02-28", "2023-08-31")
    event(leap, "2022-08-27")  # before 28 Feb 2023 - 6 months = 28 Aug 2022
    event(leap, "2022-08-28")  # pre
    event(leap, "2024-02-29")  # post: the clamped end of the window
    event(leap, "2024-03-01")  # after it
    # Starts 31 August 2023: - 6 months is 28 February 2023; ends 31 October: + 6 months
    # is 30 April 2024.
    clamp = person()
    engagement(clamp, "2023-08-31", "2023-10-31")
    event(clamp, "2023-02-27")
    event(clamp, "2023-02-28")  # pre
    event(clamp, "2024-04-30")  # post
    event(clamp, "2024-05-01")
    params = report("2023-08-01", "2023-11-01", "2024-06-01")

    six = follow_up(params, 6)
    assert (six.cohort, six.offences_pre, six.offences_post) == (2, 2, 2)
    assert (six.no_further_offences.n, six.reduced_offending.n) == (0, 0)  # 1 < 1 is false

    # W=3 sees none of these offences: no pre-period offences, so no reduction either,
    # and the change is undefined.
    three = follow_up(params, 3)
    assert (three.cohort, three.offences_pre, three.offences_post) == (2, 0, 0)
    assert three.no_further_offences.as_json() == {"n": 2, "of": 2, "pct": 100}
    assert three.reduced_offending.as_json() == {"n": 0, "of": 2, "pct": 0}
    assert three.offence_change is None


def test_only_the_latest_completed_engagement_in_the_period_counts() -> None:
    two = person()
    engagement(two, "2023-01-10", "2023-05-01")
    engagement(two, "2023-06-01", "2023-09-01")  # the index engagement
    # Post-period for the first engagement, pre-period for the index one.
    event(two, "2023-05-15")
    # Tie on the end date: the later start is the index engagement (pre from 2023-02-01).
    tied = person()
    engagement(tied, "2023-03-01", "2023-07-31", service="SIDESTEP")
    engagement(tied, "2023-05-01", "2023-07-31", service="ADAPT")
    event(tied, "2023-04-15")  # pre only for the engagement starting 1 May
    # Left out: ended for another reason, another service, outside the period.
    opted = person()
    engagement(opted, "2023-05-01", "2023-08-01", reason="opted_out")
    elsewhere = person()
    engagement(elsewhere, "2023-05-01", "2023-08-01", service="BRIDGING")
    outside = person()
    engagement(outside, "2022-12-01", "2023-03-31")
    engagement(outside, "2023-12-01", "2024-04-01")  # `to` is not in the period
    params = report("2023-04-01", "2024-04-01", "2024-12-31", services=("ADAPT", "SIDESTEP"))

    three = follow_up(params, 3)
    assert (three.cohort, three.awaiting_follow_up) == (2, 0)
    assert (three.offences_pre, three.offences_post) == (2, 0)
    assert three.reduced_offending.n == 2


def test_engagements_completed_after_as_of_are_left_out_first() -> None:
    later = person()
    engagement(later, "2023-05-01", "2024-01-10")  # completed after as_of: not yet
    earlier = person()
    engagement(earlier, "2023-02-01", "2023-06-30")  # the index engagement
    engagement(earlier, "2023-07-15", "2024-01-10")  # ends after as_of: left out
    event(earlier, "2023-08-01")  # post for the index engagement
    params = report("2023-01-01", "2024-12-31", "2023-12-31")

    three = follow_up(params, 3)
    assert (three.cohort, three.awaiting_follow_up, three.offences_post) == (1, 0, 1)
    assert follow_up(params, 6).cohort == 1  # 2023-12-30 <= as_of
    twelve = follow_up(params, 12)
    assert (twelve.cohort, twelve.awaiting_follow_up) == (0, 1)


def test_offences_of_every_record_count_and_a_repeated_event_row_counts_once(
    tmp_path,
) -> None:
    def write(name: str, *lines: str):
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    import_file(
        "people",
        write(
            "people.csv",
            "agency,person_ref,given_name,family_name,date_of_birth,sex,postcode,area",
            "POLICE,P1,Jamie,McDonald,2006-03-12,M,,NE",
            "HSCP_CJSW,S1,Jamie,McDonald,2006-03-12,M,,NE",
        ),
    )
    import_file(
        "referrals",
        write(
            "referrals.csv",
            "referral_ref,agency,person_ref,service,referred_on,decision,decided_on,"
            "consent_on,started_on,ended_on,end_reason",
            "R1,POLICE,P1,ADAPT,2023-02-01,accepted,2023-02-03,2023-02-10,2023-03-01,"
            "2023-06-30,completed",
        ),
    )
    offences = write(
        "events.csv",
        "agency,event_ref,person_ref,kind,occurred_at,crime_group,flags",
        "POLICE,E1,P1,offence,2023-01-05T10:00:00,dishonesty,",
        "POLICE,E1,P1,offence,2023-01-05T10:00:00,dishonesty,",  # the same row again
        "HSCP_CJSW,E1,S1,offence,2023-02-05,violence,",  # the other agency's E1
        "POLICE,E2,P1,offence,2023-08-01,damage,",
    )
    first = import_file("events", offences)
    assert (first.created, first.rejected) == (3, 0)  # the repeated row is one event
    again = import_file("events", offences)  # the same extract sent twice
    assert (again.created, again.rejected) == (0, 0)

    three = follow_up(report("2023-04-01", "2024-04-01", "2024-04-01"), 3)
    assert (three.cohort, three.offences_pre, three.offences_post) == (1, 2, 1)
    assert (three.acquisitive_pre, three.acquisitive_post) == (1, 0)
