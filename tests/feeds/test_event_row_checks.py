"""The quick check of a valid event row agrees with the thorough one (property test)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.feeds.events import EventsSpec
from pathways.feeds.specs import Codes, RowInvalid

pytestmark = pytest.mark.django_db

padded = lambda values: st.sampled_from(values).flatmap(  # noqa: E731
    lambda v: st.sampled_from([v, f" {v}", f"{v} "])
)
rows = st.fixed_dictionaries(
    {
        "agency": padded(["POLICE", "HSCP_CJSW", "NOPE", ""]),
        "event_ref": st.text(min_size=0, max_size=70),
        "person_ref": padded(["P1", "", "x" * 65]),
        "kind": padded(["offence", "custody", "conviction", "asb", "theft", ""]),
        "occurred_at": padded(
            [
                "2024-03-01",
                "2024-03-01T14:05:00",
                "2024-03-31T01:30:00",
                "2024-10-27T01:30:00",
                "2024-02-30T10:00:00",
                "2024-03-01T25:00:00",
                "2024-03-01T10:00:00+01:00",
                "01/03/2024",
                "",
            ]
        ),
        "crime_group": padded(["violence", "dishonesty", "theft", ""]),
        "category": st.text(max_size=210),
        "area": padded(["NE", "S", "XX", ""]),
        "flags": padded(["", "substance", "cce;substance", "substance;;weapon", "drunk"]),
        "disposal": padded(["", "cpo", "prison"]),
        "offence_date": padded(["", "2024-01-01", "2024-13-01"]),
    }
)


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=rows)
def test_the_quick_path_accepts_only_what_the_thorough_path_accepts_identically(values) -> None:
    spec = EventsSpec(Codes.load())
    quick = spec._clean_valid(values)
    try:
        thorough = spec._clean_with_reasons(values)
    except RowInvalid:
        thorough = None
    if quick is not None:
        assert thorough == quick


def test_an_ordinary_valid_row_takes_the_quick_path() -> None:
    spec = EventsSpec(Codes.load())
    values = {
        "agency": "POLICE",
        "event_ref": "E1",
        "person_ref": "P1",
        "kind": "offence",
        "occurred_at": "2024-07-01T00:30:00",
        "crime_group": "violence",
        "category": "",
        "area": "NE",
        "flags": "weapon;substance",
        "disposal": "",
        "offence_date": "",
    }
    key, clean = spec._clean_valid(values)
    assert key == ("POLICE", "E1")
    assert clean["flags"] == "substance;weapon"
    assert clean["occurred_on"].isoformat() == "2024-07-01"
    assert clean["occurred_at"].utcoffset().total_seconds() == 3600
