"""Clusters of agency records from scored pairs, under the product's rules: two records
of one agency only on their own evidence, dates of birth that agree, the strongest links
first."""

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


def test_clusters_hold_an_agencys_two_records_only_on_their_own_evidence() -> None:
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
        # Through a record without a date, to one born far apart: refused.
        ("adrs/1", "cf/9", 0.9),
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


def test_an_agencys_own_duplicates_are_one_person_when_their_pair_says_so() -> None:
    records = {
        "police/1": ("POLICE", "2004-03-12"),
        "police/7": ("POLICE", "2004-03-12"),  # the police's duplicate of police/1
        "cjsw/1": ("CJSW", "2004-03-12"),
        "police/2": ("POLICE", "2004-03-12"),  # like both, no evidence of its own
        "police/3": ("POLICE", "2004-03-12"),
    }
    pairs = [
        ("police/1", "cjsw/1", 0.99),
        ("police/7", "cjsw/1", 0.95),  # joins: police/1 and police/7 scored 0.91 themselves
        ("police/1", "police/7", 0.91),
        ("police/2", "cjsw/1", 0.93),  # refused: police/2's own pairs are not evidence
        ("police/2", "police/7", 0.5),  # doubtful: not evidence
        ("police/3", "police/2", 0.92),  # two of an agency's records linked directly
    ]
    people = cluster(pairs, records, threshold=0.9)
    groups = {frozenset(u for u in people if people[u] == person) for person in people.values()}
    assert groups == {
        frozenset({"police/1", "police/7", "cjsw/1"}),
        frozenset({"police/2", "police/3"}),
    }


def test_dates_that_disagree_need_a_strong_pair_or_a_dated_bridge() -> None:
    records = {
        "police/1": ("POLICE", "1972-06-01"),
        "cjsw/1": ("CJSW", "1900-01-01"),  # a placeholder: as unknown
        "adrs/1": ("ADRS", "1959-03-18"),
        "cf/1": ("CF", "1972-06-10"),  # two neighbours swapped: agrees with 1972-06-01
        "cf/2": ("CF", "1972-01-01"),  # the year alone: agrees with both 1972 dates
        "sacro/1": ("SACRO", "1988-02-02"),
    }
    pairs = [
        ("police/1", "adrs/1", 0.95),  # one person, one date wrong: the pair itself is strong
        ("police/1", "cjsw/1", 0.94),
        # cf/1's date conflicts with adrs/1's, a pair never scored; but the bridge's two
        # records both have a full date (and agree): a wrong date, not a chain.
        ("police/1", "cf/1", 0.93),
        # Through the placeholder, to a date no one else has: a chain, refused.
        ("cjsw/1", "sacro/1", 0.92),
        # The year alone is no full date either: cf/2 conflicts with adrs/1, refused.
        ("police/1", "cf/2", 0.91),
    ]
    people = cluster(pairs, records, threshold=0.9)
    groups = {frozenset(u for u in people if people[u] == person) for person in people.values()}
    assert groups == {
        frozenset({"police/1", "adrs/1", "cjsw/1", "cf/1"}),
        frozenset({"sacro/1"}),
        frozenset({"cf/2"}),
    }


def test_the_year_alone_and_a_placeholder_agree_with_a_full_date() -> None:
    assert dates_agree("1972-01-01", "1972-06-21")
    assert dates_agree("1900-01-01", "1985-07-07")
    assert not dates_agree("1971-01-01", "1972-06-21")
