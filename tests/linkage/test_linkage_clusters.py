"""Clusters of agency records from scored pairs, under the product's rules: one record
per agency, dates of birth that agree, the strongest links first."""

from __future__ import annotations

from pathways.linkage.internals.clusters import cluster, dates_agree


def test_dates_of_birth_agree_within_the_allowed_errors() -> None:
    assert dates_agree("2004-03-12", "2004-03-12")
    assert dates_agree("2004-03-12", "2004-12-03")  # day and month swapped
    assert dates_agree("2004-03-12", "2004-03-13")  # one character off
    assert dates_agree("2004-03-12", "2004-03-21")  # two neighbours swapped
    assert dates_agree("2004-03-12", "2005-03-22")  # two characters off
    assert not dates_agree("2004-03-12", "1998-07-30")
    assert not dates_agree("2004-03-12", "2005-04-22")  # three off


def test_clusters_keep_one_record_per_agency_and_agreeing_dates() -> None:
    records = {
        "police/1": ("POLICE", "2004-03-12"),
        "cjsw/1": ("CJSW", "2004-12-03"),
        "adrs/1": ("ADRS", None),
        "police/2": ("POLICE", "2004-03-12"),  # another person of the same name and birth
        "cf/9": ("CF", "1990-01-01"),
        "cf/3": ("CF", None),
    }
    pairs = [
        ("police/1", "cjsw/1", 0.99),
        ("cjsw/1", "adrs/1", 0.95),
        ("adrs/1", "police/2", 0.93),  # weaker than police/1's links: refused (agency)
        ("police/2", "cf/3", 0.91),
        ("police/1", "cf/9", 0.97),  # dates of birth far apart: refused
        ("cjsw/1", "cf/3", 0.4),  # below the threshold
    ]
    people = cluster(pairs, records, threshold=0.9)
    assert people.keys() == records.keys()
    groups = {frozenset(u for u in people if people[u] == person) for person in people.values()}
    assert groups == {
        frozenset({"police/1", "cjsw/1", "adrs/1"}),
        frozenset({"police/2", "cf/3"}),
        frozenset({"cf/9"}),
    }
