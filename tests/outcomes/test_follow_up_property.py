"""A property: on random small partnerships, the database's follow-up figures equal a
plain Python reading of OUTCOMES.md (written here, row by row, from the definitions)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.months import add_months
from pathways.outcomes.metrics import follow_up
from pathways.outcomes.parameters import report_parameters

from .builders import engagement, event, person

pytestmark = pytest.mark.django_db
DAY0 = dt.date(2022, 1, 1)
PERIOD = (dt.date(2023, 1, 1), dt.date(2024, 1, 1))
AS_OF = dt.date(2024, 9, 30)

days = st.integers(min_value=0, max_value=1000)  # 2022-01-01 .. 2024-09-27
# Most engagements start late 2022 to late 2023, so most end in the period.
starts = st.integers(min_value=270, max_value=680)
an_engagement = st.tuples(starts, st.integers(min_value=0, max_value=120),
                          st.sampled_from(["completed", "completed", "completed", "opted_out"]),
                          st.sampled_from(["ADAPT", "ADAPT", "ADAPT", "SIDESTEP"]))  # fmt: skip
# Offences fall on any day, or on (or a day either side of) a window's edge of the
# person's first engagement, where mistakes hide.
EDGES = ["start", "end"] + [f"{side}{m}" for side in ("before", "after") for m in (3, 6, 12)]
a_day = st.one_of(
    st.tuples(st.just("day"), days),
    st.tuples(st.sampled_from(EDGES), st.sampled_from([-1, 0, 0, 1])),
)
an_offence = st.tuples(a_day, st.sampled_from(["violence", "dishonesty", "damage"]),
                       st.sampled_from(["offence", "offence", "custody"]))  # fmt: skip
# A second engagement may end on the same day as the first (a tie).
a_person = st.tuples(st.lists(an_engagement, max_size=2), st.lists(an_offence, max_size=6),
                     st.booleans())  # fmt: skip


def dated(people):
    """The people with every date worked out: engagements (start, end, reason, service)
    and offences (date, group, kind)."""
    found = []
    for engagements, offences, tie in people:
        spans = []
        for i, (start, length, reason, service) in enumerate(engagements):
            begins = DAY0 + dt.timedelta(days=start)
            ends = begins + dt.timedelta(days=length)
            if i == 1 and tie and spans and spans[0][1] >= begins:
                ends = spans[0][1]  # the same end as the first
            spans.append((begins, ends, reason, service))
        days_ = []
        for (anchor, offset), group, kind in offences:
            if anchor == "day":
                on = DAY0 + dt.timedelta(days=offset)
            elif not spans:
                continue
            else:
                s, e = spans[0][0], spans[0][1]
                if anchor in ("start", "end"):
                    base = s if anchor == "start" else e
                else:
                    months = int(anchor.removeprefix("before").removeprefix("after"))
                    base = (
                        add_months(s, -months)
                        if anchor.startswith("before")
                        else add_months(e, months)
                    )
                on = base + dt.timedelta(days=offset)
            days_.append((on, group, kind))
        found.append((spans, days_))
    return found


def expected(people, months: int) -> dict[str, int]:
    """OUTCOMES.md's follow-up, by hand: Python over the same rows."""
    totals = dict.fromkeys(["indexed", "cohort", "none", "reduced", "no_violence", "pre",
                            "post", "acq_pre", "acq_post"], 0)  # fmt: skip
    for spans, offences in people:
        done = [
            (e, s, i)
            for i, (s, e, reason, service) in enumerate(spans)
            if reason == "completed" and service == "ADAPT" and e <= AS_OF
            and PERIOD[0] <= e < PERIOD[1]
        ]  # fmt: skip
        if not done:
            continue
        e, s, _ = max(done)  # latest end, then later start, then the later row
        totals["indexed"] += 1
        if add_months(e, months) > AS_OF:
            continue
        totals["cohort"] += 1
        counted = [(d, g) for d, g, kind in offences if kind == "offence"]
        pre = [g for d, g in counted if add_months(s, -months) <= d < s]
        post = [g for d, g in counted if e < d <= add_months(e, months)]
        totals["none"] += not post
        totals["reduced"] += len(post) < len(pre)
        totals["no_violence"] += "violence" not in post
        totals["pre"] += len(pre)
        totals["post"] += len(post)
        totals["acq_pre"] += pre.count("dishonesty")
        totals["acq_post"] += post.count("dishonesty")
    return totals


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.lists(a_person, min_size=1, max_size=6))
def test_the_database_agrees_with_the_definitions_read_by_hand(people) -> None:
    people = dated(people)
    with transaction.atomic():
        for spans, offences in people:
            someone = person()
            for begins, ends, reason, service in spans:
                engagement(someone, begins.isoformat(), ends.isoformat(), reason=reason,
                           service=service)  # fmt: skip
            for on, group, kind in offences:
                event(someone, on.isoformat(), kind=kind,
                      crime_group=group if kind == "offence" else "")  # fmt: skip
        params = report_parameters(["ADAPT"], *PERIOD, AS_OF)
        found_by_window = {months: follow_up(params, months) for months in (3, 6, 12)}
        transaction.set_rollback(True)
    for months, found in found_by_window.items():
        check(found, expected(people, months))


def check(found, want: dict[str, int]) -> None:
    assert (found.cohort + found.awaiting_follow_up, found.cohort) == (
        want["indexed"],
        want["cohort"],
    )
    assert (found.no_further_offences.n, found.reduced_offending.n,
            found.no_further_violence.n) == (want["none"], want["reduced"],
                                             want["no_violence"])  # fmt: skip
    assert (found.offences_pre, found.offences_post, found.acquisitive_pre,
            found.acquisitive_post) == (want["pre"], want["post"], want["acq_pre"],
                                        want["acq_post"])  # fmt: skip
