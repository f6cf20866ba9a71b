"""The linkage model's comparisons and their levels, and the SQL they are written in.

Records are compared on given name (with nicknames and sound), family name, date of
birth (exact, day and month swapped, one character off), sex, postcode (full, sector,
district), address, and whether they are of one agency. The levels are written in
DuckDB's SQL and run on Splink's Spark backend too (`PortableLevel`, `translate_sql`).
The postcode, address and agency levels' m probabilities are not learnt but given
(`DEFAULT_MOVES`, or measured in the data by `model.moves_from_sure_matches`).
"""

from __future__ import annotations

import re
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
import sqlglot
from splink.internals.dialects import SplinkDialect

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


# Given and family name the other way round, allowing a typo in each.
SWAPPED = (
    "jaro_winkler_similarity(given_l, family_r) >= 0.88"
    " AND jaro_winkler_similarity(family_l, given_r) >= 0.88"
)


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
        # A family name changed on marriage: mostly women's, so a different family name
        # weighs less between two women's records than between two men's.
        levels.append(
            PortableLevel("sex_l = 'F' AND sex_r = 'F'").configure(
                label_for_charts="different, both women (marriage)"
            )
        )
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
            # A system that holds the year alone writes 1 January of it.
            PortableLevel(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
                " AND (substr(dob_l, 6, 5) = '01-01' OR substr(dob_r, 6, 5) = '01-01')"
            ).configure(label_for_charts="the year, and one of them 1 January"),
            cll.DamerauLevenshteinLevel("dob", 2),
            cll.ElseLevel(),
        ],
    )


def _fixed(m: float) -> dict[str, Any]:
    return {"m_probability": m, "fix_m_probability": True}


# How the postcodes and addresses of one person's records compare, when no better
# estimate is at hand (`model.moves_from_sure_matches` measures them in the data).
POSTCODE_LEVELS = ("exact", "sector", "district", "else")
ADDRESS_LEVELS = ("exact", "close", "same house", "alike", "else")
AGENCY_LEVELS = ("same", "else")
DEFAULT_MOVES = {
    "postcode": dict(zip(POSTCODE_LEVELS, (0.70, 0.05, 0.05, 0.20), strict=True)),
    "address": dict(zip(ADDRESS_LEVELS, (0.65, 0.08, 0.02, 0.05, 0.20), strict=True)),
    # One true pair in ten within an agency: agencies hold duplicates of 5 to 15% of
    # their people (Pathways' own synthetic partnership has none).
    "agency": dict(zip(AGENCY_LEVELS, (0.10, 0.90), strict=True)),
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


def _agency(m: dict[str, float]) -> Any:
    """Whether both records are of one agency. Its u is learnt from random pairs (the
    agencies' sizes); its m is the share of true pairs within an agency, which says how
    many duplicates the agencies hold: measured, as expectation maximisation's blocks
    are pairs across agencies."""
    return cl.CustomComparison(
        output_column_name="agency",
        comparison_levels=[
            cll.NullLevel("agency"),  # never: every record has an agency
            cll.ExactMatchLevel("agency").configure(
                label_for_charts="same agency", **_fixed(m["same"])
            ),
            cll.ElseLevel().configure(label_for_charts="different agencies", **_fixed(m["else"])),
        ],
    )


def comparisons(moves: dict[str, dict[str, float]] | None = None) -> list[Any]:
    """The comparisons; `moves`: the m probabilities of the postcode and address levels
    (people move, and agencies learn of it at different times, so a different address is
    weaker evidence than EM would make it: its blocks are mostly people who did not move).
    """
    moves = DEFAULT_MOVES | (moves or {})
    return [
        _given_name(),
        _family_name(),
        _date_of_birth(),
        cl.ExactMatch("sex"),
        _postcode(moves["postcode"]),
        _address(moves["address"]),
        _agency(moves["agency"]),
    ]
