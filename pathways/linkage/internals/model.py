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

import copy
import datetime as dt
import logging
import re
import tempfile
from collections.abc import Iterable, Sequence
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
import sqlglot
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import And, CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.dialects import SplinkDialect

from pathways.linkage.internals.nicknames import canonical_given, soundex

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


_family_sound = lru_cache(maxsize=1 << 16)(soundex)


# Arrow scalars made once: pyarrow converting a Python value on every call tries an
# import each time, which costs more than the call on a handful of rows.
_EMPTY = pa.scalar("", pa.string())
_NULL = pa.scalar(None, pa.string())


def prepare(records: Iterable[LinkRecord]) -> pa.Table:
    """The records as the model's input table (empty values as NULL): see `prepare_values`."""
    return prepare_values(map(_LINK_FIELDS, records))


_LINK_FIELDS = attrgetter(
    "unique_id", "agency", "given_key", "family_key", "date_of_birth", "sex", "postcode",
    "address",
)  # fmt: skip


def prepare_values(rows: Iterable[Sequence[Any]]) -> pa.Table:
    """Records given as the values of `LinkRecord`'s fields in order (a unique id that is
    not text is made text) as the model's input table (empty values as NULL). Names and
    postcodes repeat, so their parts are worked out once each; each record is read once
    and the rest is done column by column (a million records in a few seconds)."""
    read = list(zip(*rows, strict=True)) or [()] * 8
    ids, agency, given, family, born, sex, postcode, address = map(list, read)
    unique_id = [u if isinstance(u, str) else str(u) for u in ids]
    given_parts = [_given_parts(g) for g in given]
    postcodes = [_postcode_parts(p) for p in postcode]
    columns = {
        "unique_id": unique_id,
        "agency": agency,
        "given": given,
        "given_group": [g[0] for g in given_parts],
        "given_sound": [g[1] for g in given_parts],
        "family": family,
        "family_sound": [_family_sound(f) for f in family],
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
        name: pc.if_else(pc.equal(table[name], _EMPTY), _NULL, table[name]) for name in COLUMNS
    })  # fmt: skip


# The similarity functions Splink's levels call, named differently on each backend
# (DuckDB's jaro_winkler_similarity is jaro_winkler in the jar Splink ships for Spark).
_SIMILARITY_FUNCTIONS = (
    "jaro_winkler_function_name", "jaro_function_name", "damerau_levenshtein_function_name",
    "levenshtein_function_name", "jaccard_function_name",
)  # fmt: skip


def translate_sql(sql: str, source: str, target: str) -> str:
    """A condition of the model written in Splink's `source` dialect ("duckdb", "spark"),
    in the `target` one: the similarity functions renamed, the rest by sqlglot (quoting,
    `starts_with`, `regexp_extract`'s default group). Unchanged when the two are the same.
    """
    if source == target or sql.strip().upper() == "ELSE":
        return sql
    source_dialect = SplinkDialect.from_string(source)
    target_dialect = SplinkDialect.from_string(target)
    names = {
        getattr(source_dialect, name).lower(): getattr(target_dialect, name)
        for name in _SIMILARITY_FUNCTIONS
    }
    calls = re.compile(
        r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\s*\(",
        re.IGNORECASE,
    )
    sql = calls.sub(lambda call: names[call.group(1).lower()] + "(", sql)
    return sqlglot.transpile(
        sql, read=source_dialect.sqlglot_dialect, write=target_dialect.sqlglot_dialect
    )[0]


class PortableLevel(cll.CustomLevel):
    """A custom level written in DuckDB's SQL that also runs on Spark: on DuckDB its SQL
    is used as written; on another backend it is translated (`translate_sql`)."""

    def __init__(self, sql_condition: str, label_for_charts: str | None = None) -> None:
        super().__init__(sql_condition, label_for_charts, base_dialect_str="duckdb")

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        return translate_sql(self.sql_condition, "duckdb", sql_dialect.sql_dialect_str)


def _misspelt_or_swapped(name: str) -> list[Any]:
    """A name's weaker levels, after exact (and, for given names, nickname and short
    form): nearly the same, two letters off or sounding alike, swapped with the other.
    A swap is one piece of evidence: the given name weighs it (and a name in the other's
    place, the other one changed), the family name's level only keeps it from falling to
    "else" (weight 0, as if unknown)."""
    swapped = PortableLevel(SWAPPED).configure(label_for_charts="given and family names swapped")
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
            PortableLevel("given_l = family_r OR family_l = given_r").configure(
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
            PortableLevel(
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
            PortableLevel(swapped).configure(label_for_charts="day and month swapped"),
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
                PortableLevel("house_l = house_r"),
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
# that agree only on date of birth, or only on how the names sound. A rule is the
# expressions a pair must agree on: the same on both sides, or (`probe`) a record's
# expressions against another's (names swapped); only pairs across agencies are kept.
# Splink blocks on them for a full run; `people.blocking` keeps each record's values of
# them as keys for incremental linking.
@dataclass(frozen=True)
class BlockingRule:
    columns: tuple[str, ...]
    # The other record's expressions, position by position, when they differ.
    probe: tuple[str, ...] | None = None

    def for_splink(self) -> BlockingRuleCreator:
        if self.probe is None:
            return _across(*self.columns)
        same = " AND ".join(f"l.{a} = r.{b}" for a, b in zip(self.columns, self.probe, strict=True))
        return And(CustomRule(same), ACROSS_AGENCIES)


BLOCKING_RULES: dict[str, BlockingRule] = {
    "given and family name and year of birth": BlockingRule(("given", "family", YEAR)),
    "date of birth and family name sound": BlockingRule(("dob", "family_sound")),
    "date of birth and given name sound": BlockingRule(("dob", "given_sound")),
    "date of birth and initials": BlockingRule(
        ("dob", "substr(given, 1, 1)", "substr(family, 1, 1)")
    ),
    "date of birth and postcode district": BlockingRule(("dob", "postcode_district")),
    "family name, postcode sector and given name's first letter": BlockingRule(
        ("family", "postcode_sector", "substr(given, 1, 1)")
    ),
    "nickname group, family name sound and year and month of birth": BlockingRule(
        ("given_group", "family_sound", "substr(dob, 1, 7)")
    ),
    "address and family name's first letter": BlockingRule(("address", "substr(family, 1, 1)")),
    "given name and postcode": BlockingRule(("given", "postcode")),
    "postcode and house number": BlockingRule(("postcode", "house")),
    "date of birth and house number": BlockingRule(("dob", "house")),
    "given and family name and house number": BlockingRule(("given", "family", "house")),
    "family name, house number and postcode district": BlockingRule(
        ("family", "house", "postcode_district")
    ),
    "names swapped": BlockingRule(("given", "family"), probe=("family", "given")),
}


def settings(
    *, explain: bool = False, moves: dict[str, dict[str, float]] | None = None
) -> SettingsCreator:
    """The model's settings; `explain` keeps each comparison's weight (mw_ columns)."""
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(moves),
        blocking_rules_to_generate_predictions=[r.for_splink() for r in BLOCKING_RULES.values()],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=explain,
        max_iterations=20,
    )


def model_in_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A saved model (a dict from `Linker.misc.save_model_to_json`) with its SQL in
    Splink's `dialect`: "duckdb" for Pathways, "spark" for Splink's Spark backend. A model
    already in that dialect is returned as it is (the same dict)."""
    source = model.get("sql_dialect", "duckdb")
    if source == dialect:
        return model
    translated = copy.deepcopy(model)
    for comparison in translated.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = translate_sql(level["sql_condition"], source, dialect)
    rules: list[Any] = []
    for rule in translated.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, str):
            rules.append(translate_sql(rule, source, dialect))
        else:
            sql = translate_sql(rule["blocking_rule"], rule.get("sql_dialect", source), dialect)
            rules.append(rule | {"blocking_rule": sql, "sql_dialect": dialect})
    translated["blocking_rules_to_generate_predictions"] = rules
    translated["sql_dialect"] = dialect
    return translated


def linker_for(con: duckdb.DuckDBPyConnection, table: pa.Table, model: Any = None) -> Linker:
    """A linker over `table` (from `prepare`) on `con`: untrained, or with a saved model
    (a path or a dict from `Linker.misc.save_model_to_json`; a dict saved on Spark is
    translated to DuckDB's SQL)."""
    con.register("link_input_arrow", table)
    con.execute("CREATE OR REPLACE TABLE link_input AS SELECT * FROM link_input_arrow")
    con.unregister("link_input_arrow")
    db_api = DuckDBAPI(connection=con)
    records = db_api.register("link_input", dataset_display_name="records")
    if model is None:
        model = settings(moves=moves_from_sure_matches(con))
    elif isinstance(model, dict):
        model = model_in_dialect(model, "duckdb")
    return Linker([records], model, log_level=logging.WARNING)


def moves_from_sure_matches(
    con: duckdb.DuckDBPyConnection, floor: float = 0.01
) -> dict[str, dict[str, float]]:
    """How postcodes and addresses compare between records that are surely one person
    (the same given name, family name and date of birth): the m probabilities of those
    levels, measured rather than assumed. Each share is at least `floor`; with fewer than
    100 such pairs the defaults stand."""
    postcode, address = moves_sql()
    return moves_from_counts(
        con.execute(postcode).fetchall()[0], con.execute(address).fetchall()[0], floor
    )


def moves_sql(table: str = "link_input") -> tuple[str, str]:
    """The two queries of `moves_from_sure_matches` over `table`, in DuckDB's SQL: how
    many sure pairs fall in each postcode level, and in each address level (one row
    each). `translate_sql` gives them for Spark (`linkage_spark`)."""
    pairs = f"""
        FROM {table} l JOIN {table} r ON l.unique_id < r.unique_id
         AND l.given = r.given AND l.family = r.family AND l.dob = r.dob
    """
    house = "l.house = r.house"
    postcode = f"""
        SELECT count(*) FILTER (WHERE l.postcode = r.postcode),
               count(*) FILTER (WHERE l.postcode <> r.postcode
                                AND l.postcode_sector = r.postcode_sector),
               count(*) FILTER (WHERE l.postcode_sector <> r.postcode_sector
                                AND l.postcode_district = r.postcode_district),
               count(*) FILTER (WHERE l.postcode_district <> r.postcode_district)
        {pairs} AND l.postcode IS NOT NULL AND r.postcode IS NOT NULL
    """
    jw = "jaro_winkler_similarity(l.address, r.address)"
    address = f"""
        SELECT count(*) FILTER (WHERE l.address = r.address),
               count(*) FILTER (WHERE l.address <> r.address AND {jw} >= 0.9),
               count(*) FILTER (WHERE {jw} < 0.9 AND {jw} >= 0.7 AND {house}),
               count(*) FILTER (WHERE {jw} < 0.9 AND {jw} >= 0.7
                                AND NOT coalesce({house}, false)),
               count(*) FILTER (WHERE {jw} < 0.7)
        {pairs} AND l.address IS NOT NULL AND r.address IS NOT NULL
    """
    return postcode, address


def moves_from_counts(
    postcode: Sequence[int], address: Sequence[int], floor: float = 0.01
) -> dict[str, dict[str, float]]:
    """The m probabilities of the postcode and address levels from the sure pairs' counts
    in each level (`moves_sql`), each at least `floor`; the defaults under 100 pairs."""
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


def ignore_frequencies(linker: Linker, con: duckdb.DuckDBPyConnection, column: str) -> None:
    """Score `column` without the term-frequency adjustment (every value's frequency
    unknown): a table too small for its shares to mean anything."""
    name = f"no_tf_{column}"
    con.execute(
        f"CREATE OR REPLACE TABLE {name} AS "
        f"SELECT {column}, CAST(NULL AS DOUBLE) AS tf_{column} FROM link_input WHERE false"
    )
    table = linker._db_api.register(name)
    linker.table_management.register_term_frequency_lookup(table, column)
