"""The probabilistic linkage model: which agency records are the same person.

Splink 5 on an in-process DuckDB (Splink's Spark backend runs the same settings at
national scale, docs/scaling.md). Records are compared on given name (with nicknames and
sound), family name, date of birth (exact, day and month swapped, one character off),
sex, postcode (full, sector, district) and address; each comparison's weight is learnt
without labels (the prior from deterministic rules, u from random pairs, m by
expectation maximisation). Candidate pairs come from several blocking rules, so that a
pair agreeing only on date of birth, or only on how the names sound, is still scored.

Values arrive prepared by `prepare` (keys, the nickname group, Soundex codes, postcode
sector and district); this module knows nothing of Django.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import And, CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from pathways.people.nicknames import canonical_given, soundex

COLUMNS = (
    "unique_id", "agency", "given", "given_group", "given_sound", "family", "family_sound",
    "dob", "sex", "postcode", "postcode_sector", "postcode_district", "address", "house",
)  # fmt: skip


@dataclass(frozen=True)
class LinkRecord:
    """One agency record as the model sees it (keys already made: `name_key`)."""

    unique_id: str
    agency: str
    given_key: str
    family_key: str
    date_of_birth: dt.date | str | None
    sex: str = ""
    postcode: str = ""
    address: str = ""


def connection(threads: int = 2, memory_limit: str = "2GB") -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never reaches for the network: extensions are only those
    built into the wheel. Above `memory_limit` it spills to the system's temporary folder
    (a million records' candidate pairs would otherwise take what memory there is); rows
    keep no order (nothing here relies on one, and keeping it costs memory)."""
    con = duckdb.connect(":memory:")
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    con.execute(f"SET threads = {int(threads)}")
    con.execute("SET memory_limit = ?", [memory_limit])
    con.execute("SET temp_directory = ?", [str(Path(tempfile.gettempdir()) / "pathways-duckdb")])
    con.execute("SET preserve_insertion_order = false")
    return con


# The first number in an address that is not a flat's position ("Flat 3/2, 158 ..."):
# the house number (`prepare` keeps it; NULL when there is none).
HOUSE_NUMBER = r"(?:^|[^0-9/])(?P<house>[0-9]+)(?:$|[^0-9/])"

UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")


@lru_cache(maxsize=1 << 20)
def _postcode_parts(postcode: str) -> tuple[str, str, str]:
    """Full, sector and district: `G31 2AB` -> (G312AB, G31 2, G31). A UK postcode typed
    without its space (`G312AB`) is split before its last three characters; other codes
    without a space (another country's) give their first 3 and 2 characters."""
    text = " ".join(postcode.upper().split())
    if not text:
        return "", "", ""
    if " " not in text and UK_POSTCODE.fullmatch(text):
        text = f"{text[:-3]} {text[-3:]}"
    if " " in text:
        outward, inward = text.split(" ", 1)
        return text.replace(" ", ""), f"{outward} {inward[:1]}", outward
    return text, text[:3], text[:2]


@lru_cache(maxsize=1 << 16)
def _given_parts(given: str) -> tuple[str, str]:
    return canonical_given(given), soundex(given)


def prepare(records: Iterable[LinkRecord]) -> pa.Table:
    """The records as the model's input table (empty values as NULL). Names and
    postcodes repeat, so their parts are worked out once each; each record is read once
    and the rest is done column by column (a million records in a few seconds)."""
    fields = attrgetter(
        "unique_id", "agency", "given_key", "family_key", "date_of_birth", "sex", "postcode",
        "address",
    )  # fmt: skip
    read = list(zip(*map(fields, records), strict=True)) or [()] * 8
    unique_id, agency, given, family, born, sex, postcode, address = map(list, read)
    family_sound = lru_cache(maxsize=1 << 16)(soundex)
    given_parts = [_given_parts(g) for g in given]
    postcodes = [_postcode_parts(p) for p in postcode]
    columns = {
        "unique_id": unique_id,
        "agency": agency,
        "given": given,
        "given_group": [g[0] for g in given_parts],
        "given_sound": [g[1] for g in given_parts],
        "family": family,
        "family_sound": [family_sound(f) for f in family],
        "dob": [b.isoformat() if isinstance(b, dt.date) else b for b in born],
        "sex": [x if x in ("M", "F", "X") else None for x in sex],
        "postcode": [p[0] for p in postcodes],
        "postcode_sector": [p[1] for p in postcodes],
        "postcode_district": [p[2] for p in postcodes],
    }
    table = {name: pa.array(values, pa.string()) for name, values in columns.items()}
    lowered = pc.utf8_lower(pc.replace_substring(pa.array(address, pa.string()), ",", " "))
    table["address"] = pc.utf8_trim_whitespace(pc.replace_substring_regex(lowered, r"\s+", " "))
    table["house"] = pc.struct_field(pc.extract_regex(table["address"], HOUSE_NUMBER), [0])
    return pa.table({
        name: pc.if_else(pc.equal(table[name], ""), None, table[name]) for name in COLUMNS
    })  # fmt: skip


def _misspelt_or_swapped(name: str) -> list[Any]:
    """A name's weaker levels, after exact (and, for given names, nickname and short
    form): nearly the same, two letters off or sounding alike, swapped with the other.
    A swap is one piece of evidence: the given name weighs it (and a name in the other's
    place, the other one changed), the family name's level only keeps it from falling to
    "else" (weight 0, as if unknown)."""
    swapped = cll.CustomLevel(SWAPPED).configure(label_for_charts="given and family names swapped")
    levels = [
        cll.JaroWinklerLevel(name, 0.92),
        cll.Or(
            cll.DamerauLevenshteinLevel(name, 2), cll.ExactMatchLevel(f"{name}_sound")
        ).configure(label_for_charts="two letters off or sounds alike"),
        swapped,
    ]
    if name == "family":
        swapped.configure(is_null_level=True)
    else:
        levels.append(
            cll.CustomLevel("given_l = family_r OR family_l = given_r").configure(
                label_for_charts="one name in the other's place"
            )
        )
    return [*levels, cll.ElseLevel()]


def _given_name() -> Any:
    return cl.CustomComparison(
        output_column_name="given",
        comparison_levels=[
            cll.NullLevel("given"),
            cll.ExactMatchLevel("given").configure(tf_adjustment_column="given"),
            cll.ExactMatchLevel("given_group").configure(label_for_charts="nickname"),
            # Short forms and run-together middle names: Kie/Kieran, Dec/Declan, Stephen/
            # Stephendavid (three letters at least).
            cll.CustomLevel(
                "(length(given_l) >= 3 AND starts_with(given_r, given_l))"
                " OR (length(given_r) >= 3 AND starts_with(given_l, given_r))"
            ).configure(label_for_charts="one is the start of the other"),
            *_misspelt_or_swapped("given"),
        ],
    )


def _family_name() -> Any:
    return cl.CustomComparison(
        output_column_name="family",
        comparison_levels=[
            cll.NullLevel("family"),
            cll.ExactMatchLevel("family").configure(tf_adjustment_column="family"),
            *_misspelt_or_swapped("family"),
        ],
    )


def _date_of_birth() -> Any:
    swapped = (
        "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2)"
        " AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
    )
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            # A swap of day and month is nearly as telling as the same date; one digit off
            # is much weaker (a day apart is common among a million people of similar age).
            cll.CustomLevel(swapped).configure(label_for_charts="day and month swapped"),
            cll.DamerauLevenshteinLevel("dob", 1),
            cll.DamerauLevenshteinLevel("dob", 2),
            cll.ElseLevel(),
        ],
    )


def _fixed(m: float) -> dict[str, Any]:
    return {"m_probability": m, "fix_m_probability": True}


# How the postcodes and addresses of one person's records compare, when no better
# estimate is at hand (`moves_from_sure_matches` measures them in the data).
POSTCODE_LEVELS = ("exact", "sector", "district", "else")
ADDRESS_LEVELS = ("exact", "close", "same house", "alike", "else")
DEFAULT_MOVES = {
    "postcode": dict(zip(POSTCODE_LEVELS, (0.70, 0.05, 0.05, 0.20), strict=True)),
    "address": dict(zip(ADDRESS_LEVELS, (0.65, 0.08, 0.02, 0.05, 0.20), strict=True)),
}


def _postcode(m: dict[str, float]) -> Any:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode").configure(
                tf_adjustment_column="postcode", **_fixed(m["exact"])
            ),
            cll.ExactMatchLevel("postcode_sector").configure(
                label_for_charts="same sector", **_fixed(m["sector"])
            ),
            cll.ExactMatchLevel("postcode_district").configure(
                label_for_charts="same district", **_fixed(m["district"])
            ),
            cll.ElseLevel().configure(**_fixed(m["else"])),
        ],
    )


def _address(m: dict[str, float]) -> Any:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address"),
            cll.ExactMatchLevel("address").configure(
                tf_adjustment_column="address", **_fixed(m["exact"])
            ),
            cll.JaroWinklerLevel("address", 0.9).configure(**_fixed(m["close"])),
            cll.And(
                cll.CustomLevel("house_l = house_r"),
                cll.JaroWinklerLevel("address", 0.7),
            ).configure(
                label_for_charts="same house number, street alike", **_fixed(m["same house"])
            ),
            cll.JaroWinklerLevel("address", 0.7).configure(**_fixed(m["alike"])),
            cll.ElseLevel().configure(**_fixed(m["else"])),
        ],
    )


def comparisons(moves: dict[str, dict[str, float]] | None = None) -> list[Any]:
    """The comparisons; `moves`: the m probabilities of the postcode and address levels
    (people move, and agencies learn of it at different times, so a different address is
    weaker evidence than EM would make it: its blocks are mostly people who did not move).
    """
    moves = moves or DEFAULT_MOVES
    return [
        _given_name(),
        _family_name(),
        _date_of_birth(),
        cl.ExactMatch("sex"),
        _postcode(moves["postcode"]),
        _address(moves["address"]),
    ]


# Given and family name the other way round, allowing a typo in each.
SWAPPED = (
    "jaro_winkler_similarity(given_l, family_r) >= 0.88"
    " AND jaro_winkler_similarity(family_l, given_r) >= 0.88"
)

YEAR = "substr(dob, 1, 4)"


# The product never links two records of one agency (an agency holds one record of a
# person), so no rule lets such a pair through: fewer pairs, and none of them wrong.
ACROSS_AGENCIES = CustomRule("l.agency <> r.agency")


def _across(*columns: str) -> BlockingRuleCreator:
    return And(block_on(*columns), ACROSS_AGENCIES)


# Each rule lets through pairs that agree on its columns; together they keep the pairs
# that agree only on date of birth, or only on how the names sound.
BLOCKING_RULES: dict[str, BlockingRuleCreator] = {
    "given and family name and year of birth": _across("given", "family", YEAR),
    "date of birth and family name sound": _across("dob", "family_sound"),
    "date of birth and given name sound": _across("dob", "given_sound"),
    "date of birth and initials": _across("dob", "substr(given, 1, 1)", "substr(family, 1, 1)"),
    "date of birth and postcode district": _across("dob", "postcode_district"),
    "family name, postcode sector and given name's first letter": _across(
        "family", "postcode_sector", "substr(given, 1, 1)"
    ),
    "nickname group, family name sound and year and month of birth": _across(
        "given_group", "family_sound", "substr(dob, 1, 7)"
    ),
    "address and family name's first letter": _across("address", "substr(family, 1, 1)"),
    "given name and postcode": _across("given", "postcode"),
    "postcode and house number": _across("postcode", "house"),
    "date of birth and house number": _across("dob", "house"),
    "given and family name and house number": _across("given", "family", "house"),
    "family name, house number and postcode district": _across(
        "family", "house", "postcode_district"
    ),
    "names swapped": And(CustomRule("l.given = r.family AND l.family = r.given"), ACROSS_AGENCIES),
}


def settings(
    *, explain: bool = False, moves: dict[str, dict[str, float]] | None = None
) -> SettingsCreator:
    """The model's settings; `explain` keeps each comparison's weight (mw_ columns)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(moves),
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES.values()),
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=explain,
        max_iterations=20,
    )


def linker_for(con: duckdb.DuckDBPyConnection, table: pa.Table, model: Any = None) -> Linker:
    """A linker over `table` (from `prepare`) on `con`: untrained, or with a saved model
    (a path or a dict from `Linker.misc.save_model_to_json`)."""
    con.register("link_input_arrow", table)
    con.execute("CREATE OR REPLACE TABLE link_input AS SELECT * FROM link_input_arrow")
    con.unregister("link_input_arrow")
    db_api = DuckDBAPI(connection=con)
    records = db_api.register("link_input", dataset_display_name="records")
    if model is None:
        model = settings(moves=moves_from_sure_matches(con))
    return Linker([records], model, log_level=logging.WARNING)


def moves_from_sure_matches(
    con: duckdb.DuckDBPyConnection, floor: float = 0.01
) -> dict[str, dict[str, float]]:
    """How postcodes and addresses compare between records that are surely one person
    (the same given name, family name and date of birth): the m probabilities of those
    levels, measured rather than assumed. Each share is at least `floor`; with fewer than
    100 such pairs the defaults stand."""
    pairs = """
        FROM link_input l JOIN link_input r ON l.unique_id < r.unique_id
         AND l.given = r.given AND l.family = r.family AND l.dob = r.dob
    """
    house = "l.house = r.house"
    postcode = con.execute(f"""
        SELECT count(*) FILTER (l.postcode = r.postcode),
               count(*) FILTER (l.postcode <> r.postcode AND l.postcode_sector = r.postcode_sector),
               count(*) FILTER (l.postcode_sector <> r.postcode_sector
                                AND l.postcode_district = r.postcode_district),
               count(*) FILTER (l.postcode_district <> r.postcode_district)
        {pairs} AND l.postcode IS NOT NULL AND r.postcode IS NOT NULL
    """).fetchall()[0]  # fmt: skip
    jw = "jaro_winkler_similarity(l.address, r.address)"
    address = con.execute(f"""
        SELECT count(*) FILTER (l.address = r.address),
               count(*) FILTER (l.address <> r.address AND {jw} >= 0.9),
               count(*) FILTER ({jw} < 0.9 AND {jw} >= 0.7 AND {house}),
               count(*) FILTER ({jw} < 0.9 AND {jw} >= 0.7 AND NOT coalesce({house}, false)),
               count(*) FILTER ({jw} < 0.7)
        {pairs} AND l.address IS NOT NULL AND r.address IS NOT NULL
    """).fetchall()[0]  # fmt: skip
    found = {}
    for name, levels, counts in (("postcode", POSTCODE_LEVELS, postcode),
                                 ("address", ADDRESS_LEVELS, address)):  # fmt: skip
        total = sum(counts)
        if total < 100:
            found[name] = DEFAULT_MOVES[name]
            continue
        shares = [max(n / total, floor) for n in counts]
        found[name] = {
            level: share / sum(shares) for level, share in zip(levels, shares, strict=True)
        }
    return found


# Expectation maximisation's blocks: each fixes some comparisons and trains the others
# (across agencies, as the pairs it will score: more of each block is one person).
EM_BLOCKS: dict[str, BlockingRuleCreator] = {
    # The sector, not the district: as good a sample of the name comparisons, and a
    # third of the pairs (at a million records, EM's time went on this block).
    "date of birth and postcode sector": _across("dob", "postcode_sector"),
    # With the year of birth: common names alone make ten million pairs at 300k records.
    "given and family name and year of birth": _across("given", "family", YEAR),
    "postcode and house number": _across("postcode", "house"),
}


def train(linker: Linker, *, seed: int = 13, max_pairs: float = 1e6) -> list[str]:
    """Learn the weights without labels: the prior from records that agree on names and
    date of birth (most of them are the same person; about half of the true pairs agree
    that well, the rest carry a typo, a nickname, a move or a gap), u from random pairs,
    m by expectation maximisation on blocks that leave each comparison free in turn
    (small enough blocks to train on a million records).

    Returns the training blocks that could not be used: expectation maximisation gives up
    on a block where a level's m probability falls below what a float can hold (a level
    never seen among the block's matches); the other blocks train those comparisons."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given", "family", "dob"), block_on("family", "dob", "postcode")], recall=0.5
    )
    # One chunk: the rare levels (nickname, swapped) never reach Splink's early-stopping
    # count anyway, and one query is quicker than ten and a probe.
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed, num_chunks=1)
    skipped = []
    for name, rule in EM_BLOCKS.items():
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except ValueError as error:
            if "m_probability" not in str(error):
                raise
            skipped.append(name)
    return skipped
