"""The probabilistic linkage model: its inputs, nicknames and sounds, its thresholds, a
DuckDB that stays offline, and how well it finds the true pairs of a small synthetic
partnership whose records carry typos, nicknames, swapped dates and moves."""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from pathlib import Path

import pytest

from pathways.linkage.internals.clusters import cluster
from pathways.linkage.internals.model import connection, linker_for, train
from pathways.linkage.internals.nicknames import canonical_given, soundex
from pathways.linkage.internals.preparation import LinkRecord, prepare
from pathways.linkage.internals.thresholds import Thresholds, thresholds
from pathways.synth.linkage_truth import link_records_with_truth


def test_nicknames_and_sounds() -> None:
    assert {canonical_given(n) for n in ("james", "jamie", "jim", "jimmy")} == {"james"}
    assert canonical_given("liz") == canonical_given("beth") == "elizabeth"
    assert canonical_given("zebedee") == "zebedee"  # in no group: its own
    assert [soundex(n) for n in ("robert", "rupert", "rubin", "tymczak", "pfister")] == [
        "R163", "R163", "R150", "T522", "P236",
    ]  # fmt: skip
    assert soundex("mcdonald") == soundex("macdonald")
    assert soundex("") == ""


def test_records_are_prepared_for_the_model() -> None:
    table = prepare([
        LinkRecord("1", "POLICE", "jim", "mcdonald", dt.date(2004, 3, 12), "M", "g31 2ab",
                   "Flat 3/2, 158 Gallowgate, Glasgow"),
        LinkRecord("2", "HSCP_CJSW", "james", "", None, "U", "", ""),
    ]).to_pylist()  # fmt: skip
    assert table[0] | {} == {
        "unique_id": "1", "agency": "POLICE", "given": "jim", "given_group": "james",
        "given_sound": "J500", "family": "mcdonald", "family_sound": "M235",
        "dob": "2004-03-12", "sex": "M", "postcode": "G312AB", "postcode_sector": "G31 2",
        "postcode_district": "G31", "address": "flat 3/2 158 gallowgate glasgow",
        "house": "158",  # the flat's position (3/2) is not the house number
    }  # fmt: skip
    # Unknown values are NULL, not empty strings (an empty string would "agree").
    assert (table[1]["family"], table[1]["dob"], table[1]["sex"], table[1]["postcode"]) == (
        None, None, None, None,
    )  # fmt: skip
    # A UK postcode typed without its space still has its sector and district.
    assert (
        prepare([LinkRecord("3", "POLICE", "jim", "", None, "", "g312ab", "")]).to_pylist()[0][
            "postcode_sector"
        ]
        == "G31 2"
    )


def test_duckdb_never_reaches_for_the_network() -> None:
    con = connection()
    settings = dict(con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('autoinstall_known_extensions', 'autoload_known_extensions')"
    ).fetchall())  # fmt: skip
    assert settings == {"autoinstall_known_extensions": "false",
                        "autoload_known_extensions": "false"}  # fmt: skip


def test_thresholds_are_read_and_checked(tmp_path: Path) -> None:
    assert thresholds().auto_link >= thresholds().review  # Glasgow's own
    bands = Thresholds(auto_link=0.9, review=0.5)
    assert [bands.band(p) for p in (0.95, 0.9, 0.7, 0.5, 0.49)] == [
        "auto_link", "auto_link", "review", "review", "no_link",
    ]  # fmt: skip
    (tmp_path / "linkage.toml").write_text("auto_link = 0.5\nreview = 0.9\n")
    with pytest.raises(ValueError, match="linkage.toml: review .* must not be above"):
        thresholds(tmp_path)
    (tmp_path / "linkage.toml").write_text("auto_link = 2\nreview = 0.9\n")
    with pytest.raises(ValueError, match="auto_link must be a probability"):
        thresholds(tmp_path)


def test_the_model_finds_the_same_people_in_a_small_partnership() -> None:
    # 1,500 true people: their records at several agencies, some with typos, nicknames,
    # day and month swapped, moves or missing values (pathways.synth).
    records, true_pairs = link_records_with_truth(1500, seed=5)
    assert len(true_pairs) > 500

    con = connection()
    linker = linker_for(con, prepare(records))
    train(linker)
    # People are the clusters of auto-linked pairs (one record per agency, dates of birth
    # that agree); every pair inside a cluster counts.
    scored = linker.inference.predict(threshold_match_probability=thresholds().auto_link)
    pairs = [(p["unique_id_l"], p["unique_id_r"], p["match_probability"])
             for p in scored.as_record_list()]  # fmt: skip
    clusters: dict[str, list[str]] = {}
    born = {r.unique_id: (r.agency, str(r.date_of_birth or "") or None) for r in records}
    for uid, person in cluster(pairs, born, thresholds().auto_link).items():
        clusters.setdefault(person, []).append(uid)
    linked = {tuple(sorted(p)) for ids in clusters.values() for p in combinations(ids, 2)}
    precision = len(linked & true_pairs) / len(linked)
    recall = len(linked & true_pairs) / len(true_pairs)
    assert precision >= 0.995, precision  # the figures, at a small scale
    assert recall >= 0.95, recall


def test_moves_are_measured_on_records_that_are_surely_one_person() -> None:
    from pathways.linkage.internals.comparisons import DEFAULT_MOVES
    from pathways.linkage.internals.model import moves_from_sure_matches

    records = []
    for n in range(200):
        given, family = f"given{n}", f"family{n}"
        # 150 at the same postcode, 30 moved within the sector, 20 to another district.
        other = "G31 2AB" if n < 150 else "G31 2ZZ" if n < 180 else "G44 1AA"
        for i, postcode in enumerate(("G31 2AB", other)):
            records.append(LinkRecord(f"{n}-{i}", "POLICE", given, family,
                                      dt.date(2000, 1, 1 + n % 28), "M", postcode, ""))  # fmt: skip
    con = connection()
    con.register("t", prepare(records))
    con.execute("CREATE TABLE link_input AS SELECT * FROM t")
    moves = moves_from_sure_matches(con)
    # 0.75, 0.15, none (floored to 0.01), 0.10, then scaled to add up to 1.
    assert moves["postcode"] == pytest.approx(
        {"exact": 0.75 / 1.01, "sector": 0.15 / 1.01, "district": 0.01 / 1.01, "else": 0.10 / 1.01}
    )
    assert moves["address"] == DEFAULT_MOVES["address"]  # no addresses: too few to measure
