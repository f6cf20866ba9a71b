"""Blocking keys (issue 6 "Incremental"): the candidates a record finds through its keys
are exactly the pairs a full run's blocking rules let Splink score, and the scores
incremental matching computes are Splink's own."""

from __future__ import annotations

import pyarrow as pa
import pytest

from pathways.linkage.internals.blocking import python_expression, record_keys, write_stored_keys
from pathways.linkage.internals.model import connection, ignore_frequencies, linker_for
from pathways.linkage.internals.model_store import current_model
from pathways.linkage.internals.preparation import LinkRecord, prepare
from pathways.linkage.internals.scoring import prior_weight, score_pairs, scoring_table
from pathways.people.names import name_key
from pathways.synth.population import generate, iter_people_rows


@pytest.fixture(scope="module")
def records() -> list[LinkRecord]:
    return [
        LinkRecord(f"{r['agency']}/{r['person_ref']}", r["agency"], name_key(r["given_name"]),
                   name_key(r["family_name"]), r["date_of_birth"] or None, r["sex"],
                   r["postcode"], r["address"])
        for r in iter_people_rows(generate(1200, seed=11))
    ]  # fmt: skip


def test_keys_find_exactly_the_pairs_splink_blocks(records) -> None:
    con = connection()
    table = prepare(records)
    stored, probed = record_keys(table.to_pylist())
    holders: dict[int, set[str]] = {}
    for uid, key in stored:
        holders.setdefault(key, set()).add(uid)
    # Pairs within an agency too: an agency may hold two references for one person.
    by_keys = {
        tuple(sorted((uid, other)))
        for uid, key in probed
        for other in holders.get(key, ())
        if other != uid
    }
    linker = linker_for(con, table, current_model())
    blocked = linker.inference.predict().as_record_list()
    by_splink = {tuple(sorted((p["unique_id_l"], p["unique_id_r"]))) for p in blocked}
    assert len(by_splink) > 1000
    assert by_keys == by_splink
    # Names swapped find each other through the swapped rule's probe keys.
    assert len({uid for uid, _ in stored}) == len(records)


def test_every_rule_expression_has_its_python_equivalent() -> None:
    row = {"given": "jamie", "family": None, "address": "flat 3/2 158 gallowgate", "dob": ""}
    assert python_expression("given")(row) == "jamie"
    assert python_expression("substr(given, 1, 1)")(row) == "j"
    assert python_expression("substr(family, 1, 1)")(row) is None
    assert python_expression("substr(dob, 6, 5)")({"dob": "2004-03-12"}) == "03-12"
    assert python_expression("regexp_extract(address, '[0-9]+', 0)")(row) == "3"
    assert python_expression("regexp_extract(dob, '[0-9]+', 0)")(row) == ""
    with pytest.raises(ValueError, match="no Python equivalent"):
        python_expression("lower(given)")


def test_scores_are_splinks_own(records) -> None:
    con = connection()
    table = prepare(records)
    model = current_model()
    linker = linker_for(con, table, model)
    for column in ("given", "family", "postcode", "address"):
        ignore_frequencies(linker, con, column)
    expected = {
        (p["unique_id_l"], p["unique_id_r"]): p["match_weight"]
        for p in linker.inference.predict().as_record_list()
    }
    rows = {r["unique_id"]: r for r in table.to_pylist()}
    pairs = sorted(expected)[:3000]
    scores = []
    # In three calls of different sizes: each call scores its own pairs only.
    for chunk in (pairs[:5], pairs[5:1000], pairs[1000:]):
        numbers = list(range(len(chunk)))
        scores += score_pairs(
            model,
            scoring_table([rows[a] for a, _ in chunk], numbers, {}),
            scoring_table([rows[b] for _, b in chunk], numbers, {}),
            explain=True,
        )
    assert sorted((s.left, s.right) for s in scores) == pairs
    for score in scores:
        assert score.match_weight == pytest.approx(expected[(score.left, score.right)])
        # The waterfall adds up: the prior and each comparison's part make the weight.
        assert prior_weight(model) + sum(p.weight for p in score.parts) == pytest.approx(
            score.match_weight
        )


@pytest.mark.django_db
def test_scores_with_frequencies_are_splinks_own(records) -> None:
    """With the term frequencies counted as records land (over 1,000 records hold each
    field, so they count), matching scores pairs as Splink does with the frequencies
    of its whole table."""
    from pathways.linkage.internals.frequencies import apply_changes, count_changes
    from pathways.linkage.internals.matching import _score, new_records_shares

    con = connection()
    table = prepare(records)
    model = current_model()
    rows = table.to_pylist()
    expected = {
        (p["unique_id_l"], p["unique_id_r"]): p["match_weight"]
        for p in linker_for(con, table, model).inference.predict().as_record_list()
    }
    ids = {r["unique_id"]: n for n, r in enumerate(rows)}
    numbered = table.set_column(0, "unique_id", pa.array([str(n) for n in range(len(rows))]))
    # As matching asks: the first half is a batch of new records whose counts are not
    # stored yet, the rest are stored, and every pair holds a new record.
    new = len(rows) // 2
    apply_changes(count_changes(rows[new:]))
    shares = new_records_shares(model, numbered.slice(0, new), count_changes(rows[:new]))
    pairs = sorted((ids[a], ids[b]) for a, b in sorted(expected) if min(ids[a], ids[b]) < new)[
        :3000
    ]
    scored = _score(model, numbered, pairs, shares)
    assert len(scored) == len(pairs)
    adjusted = 0
    for a, b, score in scored:
        want = expected[(rows[a]["unique_id"], rows[b]["unique_id"])]
        assert score.match_weight == pytest.approx(want)
        adjusted += rows[a]["family"] == rows[b]["family"]
    assert adjusted > 100  # pairs whose family name's frequency moved their weight


def test_a_full_run_stores_the_keys_a_record_arriving_alone_would(records, tmp_path) -> None:
    # A full re-link writes every record's keys in DuckDB (`write_stored_keys`);
    # matching computes a batch's in Python (`record_keys`): both must be the same keys,
    # or a record linked in full would not be found by one that arrives after.
    odd = [
        LinkRecord("", "POLICE", "zoë", "o'neill-mcdonald", "1900-01-01", "F", "", ""),
        LinkRecord("", "SACRO", "", "ó", None, "", "G1 1AA", "flat 0/1"),
        LinkRecord("", "POLICE", "łukasz", "nowak", "1999-12-31", "M", "G31 2AB", "12 high st"),
    ]
    numbered = [
        LinkRecord(str(n), *(getattr(r, f) for f in ("agency", "given_key", "family_key",
                                                     "date_of_birth", "sex", "postcode",
                                                     "address")))
        for n, r in enumerate([*records, *odd], start=1)
    ]  # fmt: skip
    table = prepare(numbered)
    stored, _ = record_keys(table.to_pylist())
    path = tmp_path / "keys.csv"
    write_stored_keys(table, str(path))
    written = {tuple(map(int, line.split(","))) for line in path.read_text().splitlines()}
    assert len(written) > 10 * len(numbered)
    assert written == {(key, int(uid)) for uid, key in stored}
