"""The synthetic partnership: deterministic, valid under INTERCHANGE.md, and realistic."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import Counter
from pathlib import Path

import pytest

from pathways.synth.population import generate
from pathways.synth.writer import write_csvs

AS_OF = dt.date(2026, 11, 1)
AGENCIES = {"POLICE", "HSCP_CJSW", "HSCP_CF", "HSCP_ADRS", "INCLUDEM", "AFC", "AID_ABET"}
KINDS = {"offence", "custody", "overdose", "asb", "conviction", "concern"}
GROUPS = {
    "violence",
    "sexual",
    "dishonesty",
    "damage",
    "society",
    "antisocial",
    "miscellaneous",
    "road_traffic",
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("synth")
    paths = write_csvs(generate(4000, seed=3, as_of=AS_OF), out)
    return {name: list(csv.DictReader(path.open(encoding="utf-8"))) for name, path in paths.items()}


def test_the_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = write_csvs(generate(300, seed=5), tmp_path / "a")
    second = write_csvs(generate(300, seed=5), tmp_path / "b")
    other = write_csvs(generate(300, seed=6), tmp_path / "c")
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes()
    assert first["people"].read_bytes() != other["people"].read_bytes()


def test_every_row_is_valid_interchange_data(files) -> None:
    refs = {(r["agency"], r["person_ref"]) for r in files["people"]}
    assert len(refs) == len(files["people"])
    for row in files["people"]:
        assert row["agency"] in AGENCIES and row["family_name"]
        assert len(row["person_ref"]) <= 64 and len(row["address"]) <= 500
        if row["date_of_birth"]:
            dt.date.fromisoformat(row["date_of_birth"])
    for row in files["events"]:
        assert (row["agency"], row["person_ref"]) in refs
        assert row["kind"] in KINDS
        assert row["occurred_at"][:10] <= AS_OF.isoformat()
        if row["kind"] in {"offence", "conviction"}:
            assert row["crime_group"] in GROUPS
        if row["kind"] == "conviction":
            assert row["disposal"] and row["agency"] == "HSCP_CJSW"
    for row in files["referrals"]:
        assert (row["agency"], row["person_ref"]) in refs
        dates = [
            row[c]
            for c in ("referred_on", "decided_on", "consent_on", "started_on", "ended_on")
            if row[c]
        ]
        assert dates == sorted(dates) and dates[-1] <= AS_OF.isoformat()
        if row["started_on"]:
            assert row["decision"] == "accepted"
    assert {(r["agency"], r["person_ref"]) for r in files["truth"]} == refs


def test_a_caseload_mostly_of_men_aged_18_to_40_with_young_people_too(files) -> None:
    police = [r for r in files["people"] if r["agency"] == "POLICE"]
    women = sum(r["sex"] == "F" for r in police) / len(police)
    assert 0.10 <= women <= 0.14
    ages = [(AS_OF - dt.date.fromisoformat(r["date_of_birth"])).days // 365 for r in police]
    # A quarter are drawn as young people (12-25); young adults among the rest add more.
    assert 0.30 <= sum(12 <= a <= 25 for a in ages) / len(ages) <= 0.55
    assert 0.05 <= sum(a < 18 for a in ages) / len(ages) <= 0.20
    adults = [a for a in ages if a >= 18]
    assert sum(18 <= a <= 40 for a in adults) / len(adults) > 0.6


def test_offending_is_heavy_tailed_and_acquisitive_crime_most_common(files) -> None:
    truth = {(r["agency"], r["person_ref"]): r["true_person"] for r in files["truth"]}
    offences = [r for r in files["events"] if r["kind"] == "offence"]
    per_person = sorted(
        Counter(truth[(r["agency"], r["person_ref"])] for r in offences).values(), reverse=True
    )
    top_tenth = per_person[: len(per_person) // 10]
    assert sum(top_tenth) / sum(per_person) >= 0.5
    groups = Counter(r["crime_group"] for r in offences)
    assert groups.most_common(1)[0][0] == "dishonesty"
    assert set(groups) == GROUPS
    kinds = Counter(r["kind"] for r in files["events"])
    assert all(kinds[k] > 0 for k in KINDS)


def test_the_same_person_appears_in_several_agencies_with_noisy_identities(files) -> None:
    truth = Counter(r["true_person"] for r in files["truth"])
    assert sum(n > 1 for n in truth.values()) / len(truth) > 0.2
    by_truth: dict[str, list[dict[str, str]]] = {}
    for person, row in zip(files["truth"], files["people"], strict=True):
        by_truth.setdefault(person["true_person"], []).append(row)
    exact = noisy = 0
    for rows in by_truth.values():
        police = rows[0]
        for other in rows[1:]:
            same = (other["given_name"], other["family_name"], other["date_of_birth"]) == (
                police["given_name"],
                police["family_name"],
                police["date_of_birth"],
            )
            exact += same
            noisy += not same
    assert 0.55 <= exact / (exact + noisy) <= 0.80


def test_engagements_last_about_60_to_400_days_and_offending_falls_after(files) -> None:
    completed = [r for r in files["referrals"] if r["end_reason"] == "completed"]
    lengths = [
        (dt.date.fromisoformat(r["ended_on"]) - dt.date.fromisoformat(r["started_on"])).days
        for r in completed
    ]
    assert 160 <= statistics.mean(lengths) <= 200
    assert min(lengths) >= 60 and max(lengths) <= 400
    offences: dict[str, list[dt.date]] = {}
    for row in files["events"]:
        if row["kind"] == "offence" and row["agency"] == "POLICE":
            offences.setdefault(row["person_ref"], []).append(
                dt.date.fromisoformat(row["occurred_at"][:10])
            )
    fell = with_pre = 0
    for r in completed:
        start, end = dt.date.fromisoformat(r["started_on"]), dt.date.fromisoformat(r["ended_on"])
        days = offences.get(r["person_ref"], [])
        pre = sum(start - dt.timedelta(days=182) <= d < start for d in days)
        post = sum(end < d <= end + dt.timedelta(days=182) for d in days)
        if pre:
            with_pre += 1
            fell += post < pre
    assert with_pre > 20 and fell / with_pre > 0.55
