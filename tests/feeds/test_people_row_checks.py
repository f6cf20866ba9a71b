"""The quick check of a valid people row agrees with the thorough one (property test)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathways.feeds.people import PeopleSpec
from pathways.feeds.specs import Codes, RowInvalid

pytestmark = pytest.mark.django_db

padded = lambda values: st.sampled_from(values).flatmap(  # noqa: E731
    lambda v: st.sampled_from([v, f" {v}", f"{v} ", f"\t{v}\u00a0"])
)
names = st.one_of(padded(["Ann", "", "x" * 200, "x" * 201, "Zoë"]), st.text(max_size=210))
rows = st.fixed_dictionaries(
    {
        "agency": padded(["POLICE", "HSCP_CJSW", "NOPE", ""]),
        "person_ref": st.one_of(padded(["P1", "", "x" * 64, "x" * 65]), st.text(max_size=70)),
        "given_name": names,
        "family_name": names,
        "date_of_birth": st.one_of(
            padded(
                [
                    "",
                    "2001-02-03",
                    "2000-02-29",
                    "2001-02-29",
                    "2001-13-01",
                    "0000-01-01",
                    "2001-2-03",
                    "20010203",
                    "2001/02/03",
                    "\u0662\u0660\u0660\u0661-02-03",  # Arabic-Indic digits
                    "2001-02-03T00:00",
                ]
            ),
            st.text(alphabet="0123456789-", max_size=11),
        ),
        "sex": padded(["", "M", "F", "X", "U", "Q", "m"]),
        "postcode": padded(["", "G31 2AB", "g312ab", "G31", "G31  2AB", "nope", "G3 1"]),
        "area": padded(["", "NE", "S", "XX"]),
        "address": st.one_of(padded(["", "1 High St", "x" * 500, "x" * 501]), st.text()),
    }
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=rows)
def test_the_quick_path_accepts_only_what_the_thorough_path_accepts_identically(values) -> None:
    spec = PeopleSpec(Codes.load())
    quick = spec._clean_valid(values)
    try:
        thorough = spec._clean_with_reasons(values)
    except RowInvalid:
        thorough = None
    if quick is not None:
        assert thorough == quick


def test_an_ordinary_valid_row_takes_the_quick_path() -> None:
    spec = PeopleSpec(Codes.load())
    values = {
        "agency": "POLICE",
        "person_ref": "P1",
        "given_name": "Ann",
        "family_name": "Reid",
        "date_of_birth": "2001-02-03",
        "sex": "F",
        "postcode": "g31 2ab",
        "area": "NE",
        "address": "1 High Street, Glasgow",
    }
    key, clean = spec._clean_valid(values)
    assert key == ("POLICE", "P1")
    assert clean["date_of_birth"].isoformat() == "2001-02-03"
    assert clean["postcode"] == "G31 2AB"
