"""bench/literature_records.py: the independent, literature-based generator of noisy
people.csv extracts (determinism, truth, duplicates, corruption rates, importability)."""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
from collections import Counter

import pytest

from bench import literature_records as lit

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?( [0-9][A-Z]{2})?$")
SIZE = 20_000


@pytest.fixture(scope="module")
def extract():
    """20,000 records, their truth and tally (made once for the module: about 1 s)."""
    return lit.generate_with_tally(SIZE, seed=11)


def test_the_same_seed_gives_the_same_extract_and_another_seed_another() -> None:
    assert lit.generate(1500, seed=3) == lit.generate(1500, seed=3)
    assert lit.generate(1500, seed=3)[0] != lit.generate(1500, seed=4)[0]


def test_exactly_the_records_asked_for_with_the_nine_columns_as_strings(extract) -> None:
    rows, _, _ = extract
    assert len(rows) == SIZE
    assert all(tuple(row) == lit.COLUMNS for row in rows)
    assert all(isinstance(value, str) for row in rows for value in row.values())


def test_the_truth_covers_every_row_and_references_are_unique_per_agency(extract) -> None:
    rows, truth, _ = extract
    keys = [(row["agency"], row["person_ref"]) for row in rows]
    assert len(set(keys)) == len(keys)
    assert set(truth) == set(keys)


def test_each_agency_writes_references_in_its_own_format(extract) -> None:
    rows, _, _ = extract
    formats = {
        "POLICE": r"PN\d{7}",
        "HSCP_CJSW": r"\d{7}",
        "HSCP_ADRS": r"ADRS-\d{6}",
        "SACRO": r"C-\d{6}",
        "INCLUDEM": r"INC/\d{5}",
    }
    for row in rows:
        assert re.fullmatch(formats[row["agency"]], row["person_ref"]), row


def test_about_five_records_for_four_people_in_five_agencies_police_largest(extract) -> None:
    rows, truth, tally = extract
    assert tally.people == len(set(truth.values()))
    assert 1.18 <= SIZE / tally.people <= 1.32
    sizes = Counter(row["agency"] for row in rows)
    assert set(sizes) == set(lit.AGENCIES)
    assert sizes.most_common(1)[0][0] == "POLICE"
    assert len(set(sizes.values())) == 5


def test_each_agency_holds_five_to_fifteen_percent_of_its_people_twice(extract) -> None:
    _, truth, _ = extract
    shares = lit.duplicate_shares(truth)
    assert set(shares) == set(lit.AGENCIES)
    for agency, share in shares.items():
        assert 0.05 <= share <= 0.15, (agency, share)
    assert max(shares.values()) - min(shares.values()) > 0.02  # the rate varies by agency


def test_people_span_one_to_four_agencies_most_one_or_two(extract) -> None:
    _, truth, _ = extract
    agencies: dict[str, set[str]] = {}
    for (agency, _), person in truth.items():
        agencies.setdefault(person, set()).add(agency)
    counts = Counter(len(a) for a in agencies.values())
    assert set(counts) <= {1, 2, 3, 4}
    assert (counts[1] + counts[2]) / sum(counts.values()) > 0.95
    assert counts[2] > 0 and counts[3] > 0


@pytest.mark.parametrize("kind", list(lit.RATES))
def test_each_corruption_is_applied_at_its_rate(extract, kind) -> None:
    _, _, tally = extract
    rate, eligible = lit.RATES[kind], tally.eligible[kind]
    assert eligible >= 150, f"{kind}: only {eligible} records could take it"
    # Four standard errors of a binomial share, plus a little for the modification cap.
    allowed = 4 * math.sqrt(rate * (1 - rate) / eligible) + 0.003
    assert abs(tally.observed_rate(kind) - rate) <= allowed, (kind, tally.observed_rate(kind))


def test_every_typing_operation_occurs_in_about_its_share(extract) -> None:
    _, _, tally = extract
    typos = {op: tally.details[f"typo:{op}"] for op in lit.TYPO_OPERATIONS}
    total = sum(typos.values())
    assert total == tally.applied["given_typo"] + tally.applied["family_typo"]
    for op, share in lit.TYPO_OPERATIONS.items():
        # Short names turn some deletes and transposes into substitutions.
        assert abs(typos[op] / total - share) < 0.07, (op, typos)


def test_most_records_have_up_to_two_modifications_a_few_three_none_more(extract) -> None:
    _, _, tally = extract
    assert sum(tally.modifications.values()) == SIZE
    assert set(tally.modifications) <= {0, 1, 2, 3}
    assert sum(tally.modifications[n] for n in (0, 1, 2)) / SIZE > 0.9
    assert 0.005 < tally.modifications[3] / SIZE < 0.1


def test_every_value_has_the_interchange_format(extract) -> None:
    rows, _, _ = extract
    for row in rows:
        assert row["family_name"].strip() and len(row["family_name"]) <= 200
        if row["date_of_birth"]:
            dt.date.fromisoformat(row["date_of_birth"])
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["date_of_birth"])
        assert row["sex"] in {"", "M", "F", "U"}
        assert not row["postcode"] or POSTCODE.match(row["postcode"]), row
        assert row["area"] in {"", "NE", "NW", "S"}


def test_names_are_skewed_like_a_scottish_population(extract) -> None:
    rows, _, _ = extract
    families = Counter(row["family_name"] for row in rows)
    top = [name for name, _ in families.most_common(8)]
    assert "Smith" in top and ("Brown" in top or "Wilson" in top)
    assert 0.005 < families["Smith"] / SIZE < 0.03
    assert len(families) > 2000  # a long tail of rare names
    givens = Counter(row["given_name"] for row in rows)
    assert givens.most_common(1)[0][0] == "James"


def test_the_corruptions_are_visible_in_the_rows(extract) -> None:
    """The tally counts what the rows show: spot checks of a few kinds."""
    rows, _, tally = extract
    dobs = Counter(row["date_of_birth"] for row in rows)
    assert dobs[""] == tally.applied["dob_missing"]
    assert dobs["1900-01-01"] == tally.details["dob_placeholder:1900-01-01"]
    assert sum(1 for row in rows if row["given_name"] == "") == tally.applied["given_missing"]
    assert sum(1 for row in rows if row["address"] == "") == tally.applied["address_missing"]
    districts = sum(1 for row in rows if row["postcode"] and " " not in row["postcode"])
    assert districts == tally.applied["postcode_district_only"]
    # A swap of names may have moved a spaced family name to the given name.
    spaced = sum(1 for row in rows if " " in row["family_name"] + row["given_name"])
    assert spaced >= tally.details["double_barrel_variant:spaced"] > 0


def test_nicknames_phonetic_variants_and_typos_do_what_they_say() -> None:
    assert "Jim" in lit.NICKNAMES["M"]["James"] and "James" in lit.NICKNAMES["M"]["Jamie"]
    assert "Maggie" in lit.NICKNAMES["F"]["Margaret"]
    assert {"McDonald"} <= set(lit.phonetic_variants("MacDonald"))
    assert "MacDonald" in lit.phonetic_variants("McDonald")
    assert "Thompson" in lit.phonetic_variants("Thomson")
    assert "Stefen" in lit.phonetic_variants("Stephen")
    rng = lit.random.Random(1)
    for _ in range(200):
        new, op = lit.typo("Campbell", rng)
        assert new != "Campbell" and abs(len(new) - 8) <= 1, (new, op)
        assert new[0].isupper()


def test_written_files_hold_the_rows_and_the_truth_bench_linkage_reads(tmp_path) -> None:
    people_csv, truth_csv = lit.write(400, tmp_path, seed=5)
    rows, truth = lit.generate(400, seed=5)
    with people_csv.open(encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == rows
    with truth_csv.open(encoding="utf-8", newline="") as handle:
        read = {(r["agency"], r["person_ref"]): r["true_person"] for r in csv.DictReader(handle)}
    assert read == truth


@pytest.mark.django_db
def test_pathways_imports_every_row(tmp_path) -> None:
    from pathways.feeds.runner import import_files
    from pathways.people.models import AgencyRecord

    people_csv, _ = lit.write(300, tmp_path, seed=13)
    outcome = import_files("people", [people_csv])
    assert outcome.refused == []
    reasons = [r.reason for run in outcome.runs for r in run.rejected_rows.all()]
    assert outcome.total("rejected") == 0, reasons
    assert outcome.total("created") == 300
    assert AgencyRecord.objects.count() == 300
