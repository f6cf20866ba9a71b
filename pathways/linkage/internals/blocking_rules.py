"""The linkage model's blocking rules: which pairs of records are scored at all.

Candidate pairs come from several rules, so that a pair agreeing only on date of birth,
or only on how the names sound, is still scored. Two records of one agency are scored
like any other pair (an agency may hold two references for one person). Splink blocks
on the rules for a full run; `blocking` keeps each record's values of them as keys for
incremental linking.
"""

from __future__ import annotations

from dataclasses import dataclass

from splink import block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator

YEAR = "substr(dob, 1, 4)"


# Each rule lets through pairs that agree on its columns; together they keep the pairs
# that agree only on date of birth, or only on how the names sound. A rule is the
# expressions a pair must agree on: the same on both sides, or (`probe`) a record's
# expressions against another's (names swapped).
# Splink blocks on them for a full run; `blocking` keeps each record's values of
# them as keys for incremental linking.
@dataclass(frozen=True)
class BlockingRule:
    columns: tuple[str, ...]
    # The other record's expressions, position by position, when they differ.
    probe: tuple[str, ...] | None = None

    def for_splink(self) -> BlockingRuleCreator:
        if self.probe is None:
            return block_on(*self.columns)
        same = " AND ".join(f"l.{a} = r.{b}" for a, b in zip(self.columns, self.probe, strict=True))
        return CustomRule(same)


BLOCKING_RULES: dict[str, BlockingRule] = {
    "given and family name and year of birth": BlockingRule(("given", "family", YEAR)),
    # A year mistyped (one digit off) keeps the day and month.
    "given and family name, day and month of birth": BlockingRule(
        ("given", "family", "substr(dob, 6, 5)")
    ),
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
