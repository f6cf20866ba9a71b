"""The synthetic partnership's parameters: the codes it may use, identifier schemes,
rates and weighted tables, and the cheap weighted choice they are drawn with."""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_right
from collections.abc import Sequence

# -- the configured codes (config/glasgow) that the data may use --------------------------

AREAS = ("NE", "NW", "S")
AGENCIES = ("POLICE", "HSCP_CJSW", "HSCP_CF", "HSCP_ADRS", "INCLUDEM", "AFC", "AID_ABET")
EVENT_KINDS = ("offence", "custody", "overdose", "asb", "conviction", "concern")
CRIME_GROUPS = (
    "dishonesty", "violence", "antisocial", "society", "damage", "road_traffic",
    "miscellaneous", "sexual",
)  # fmt: skip
FLAGS = ("substance", "alcohol", "domestic", "cce", "weapon", "hate", "exploitation")
DISPOSALS = ("custody", "cpo", "fine", "admonition", "deferred", "other")
DECISIONS = ("accepted", "declined", "withdrawn")
END_REASONS = ("completed", "opted_out", "disengaged", "moved_away", "custody", "other")
STATUTORY_SERVICES = ("STARS", "ISMS", "ATR")
VOLUNTARY_SERVICES = (
    "ADAPT", "SIDESTEP", "NRS_YIT", "BRAVEHEART", "POP", "COS", "BRIDGING", "W218",
    "SACRO_WMS",
)  # fmt: skip
SERVICES = VOLUNTARY_SERVICES + STATUTORY_SERVICES
# Services whose provider keeps its own record of the people it accepts.
PARTNER_AGENCY_OF_SERVICE = {
    "ADAPT": "INCLUDEM",
    "SIDESTEP": "AFC",
    "POP": "AID_ABET",
    "COS": "HSCP_ADRS",
}

# -- identifier schemes: prefix and digits; see `identifiers.Refs` --------------------------

PERSON_REF_SCHEME = {
    "POLICE": ("PS", 8),
    "HSCP_CJSW": ("CJ", 7),
    "HSCP_CF": ("CF-", 7),
    "HSCP_ADRS": ("ADR/", 7),
    "INCLUDEM": ("INC", 6),
    "AFC": ("AFC-", 6),
    "AID_ABET": ("AA", 6),
}
EVENT_REF_SCHEME = {
    # Police crime reports, custody records and incident logs are numbered separately.
    ("POLICE", "offence"): ("CR", 10),
    ("POLICE", "custody"): ("CU", 10),
    ("POLICE", "overdose"): ("IN", 10),
    ("POLICE", "asb"): ("IN", 10),
    ("POLICE", "concern"): ("VP", 10),
    ("HSCP_CJSW", "conviction"): ("CJC", 9),
}
REFERRAL_REF_SCHEME = ("RF", 9)

DEFAULT_AS_OF = dt.date(2026, 11, 1)
HISTORY_DAYS = 6 * 365 + 1  # events fall in the six years up to and including as_of
YEAR = 365.2425  # days
MAX_OFFENCES = 120  # per person; with custody and convictions at most ~380 events
# Offences per offender: half offend once; the rest Pareto-distributed (shape 1, scale
# 1.2, capped), so a few are prolific and the busiest tenth commit over half the offences.
ONE_OFF = 0.5
PARETO_ALPHA = 1.0
PARETO_SCALE = 1.2
NAME_NOISE = 0.35  # share of a person's extra records whose name or birth date differs


# -- weighted choice, cheaply ---------------------------------------------------------------


class Weighted:
    """A fixed weighted choice: one `random()` and a bisection per pick."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.values = [value for value, weight in pairs if weight > 0]
        self.cumulative: list[float] = []
        running = 0.0
        for _, weight in pairs:
            if weight > 0:
                running += weight
                self.cumulative.append(running)
        self.total = running

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


def geometric_count(rng: random.Random, mean: float) -> int:
    """A geometric count (0, 1, 2, ...) with the given mean."""
    if mean <= 0:
        return 0
    return int(rng.expovariate(math.log(1 + 1 / mean)))


BASE_GROUP_WEIGHTS: dict[str, float] = {
    "dishonesty": 28,
    "violence": 19,
    "antisocial": 16,
    "society": 11,
    "damage": 9,
    "road_traffic": 7,
    "miscellaneous": 6,
    "sexual": 2,
}
CATEGORIES = {
    "dishonesty": Weighted(
        [
            ("shoplifting", 45),
            ("theft", 18),
            ("theft_by_opening_lockfast_places", 8),
            ("housebreaking", 10),
            ("fraud", 12),
            ("theft_of_motor_vehicle", 7),
        ]
    ),
    "violence": Weighted(
        [("common_assault", 70), ("serious_assault", 13), ("robbery", 12), ("attempted_murder", 2)]
    ),
    "antisocial": Weighted(
        [("threatening_or_abusive_behaviour", 55), ("breach_of_the_peace", 30), ("drunkenness", 15)]
    ),
    "society": Weighted(
        [
            ("drugs_possession", 45),
            ("drugs_supply", 15),
            ("offensive_weapon", 15),
            ("bail_breach", 25),
        ]
    ),
    "damage": Weighted(
        [("vandalism", 75), ("fire_raising", 10), ("culpable_and_reckless_conduct", 15)]
    ),
    "road_traffic": Weighted(
        [
            ("driving_without_insurance", 35),
            ("speeding", 25),
            ("drink_driving", 15),
            ("driving_while_disqualified", 25),
        ]
    ),
    "miscellaneous": Weighted(
        [("communications_act", 40), ("urinating_in_public", 30), ("licensing", 30)]
    ),
    "sexual": Weighted([("sexual_assault", 50), ("communicating_indecently", 50)]),
}
# Hour of day, by kind: offences and incidents peak in the afternoon and evening.
EVENING_HOURS = Weighted(
    [
        (str(h), w)
        for h, w in enumerate(
            (3, 2, 2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 7, 8, 9, 9, 9, 9, 8, 7, 6, 4)
        )
    ]
)
DAY_HOURS = Weighted(
    [
        (str(h), w)
        for h, w in enumerate(
            (1, 1, 1, 1, 1, 1, 1, 2, 4, 6, 7, 7, 6, 6, 6, 6, 5, 4, 3, 3, 2, 2, 1, 1)
        )
    ]
)
CUSTODY_CHANCE = {
    "violence": 0.45,
    "sexual": 0.5,
    "society": 0.35,
    "dishonesty": 0.25,
    "antisocial": 0.3,
    "damage": 0.2,
    "road_traffic": 0.12,
    "miscellaneous": 0.1,
}
CONVICTION_CHANCE = {
    "violence": 0.35,
    "sexual": 0.45,
    "society": 0.3,
    "dishonesty": 0.28,
    "antisocial": 0.25,
    "damage": 0.25,
    "road_traffic": 0.45,
    "miscellaneous": 0.15,
}
DECISION_WEIGHTS = Weighted([("accepted", 74), ("declined", 15), ("withdrawn", 11)])
VOLUNTARY_ENDINGS = Weighted(
    [
        ("completed", 66),
        ("opted_out", 10),
        ("disengaged", 13),
        ("moved_away", 4),
        ("custody", 4),
        ("other", 3),
    ]
)
STATUTORY_ENDINGS = Weighted(
    [("completed", 72), ("disengaged", 7), ("moved_away", 3), ("custody", 12), ("other", 6)]
)
# Length in days of engagements ending other than `completed`: (low, high, mode).
SHORT_ENGAGEMENT = {
    "opted_out": (3, 60, 14),
    "disengaged": (14, 240, 60),
    "moved_away": (20, 300, 90),
    "custody": (10, 300, 80),
    "other": (10, 300, 90),
}
# Who is referred: a chance per person growing with their number of offences beyond two
# (young people, exploited children and women are referred more readily; see
# `Generator.referrals`), prompted by the busiest of a few candidate moments.
REFERRAL_BASE = 0.015
REFERRAL_PER_OFFENCE = 0.045
TRIGGER_CANDIDATES = 3
# The effect of an engagement on offending: each offence while engaged happens with
# KEEP_DURING; after a completed engagement some people stop for a year (DESIST), the rest
# offend at KEEP_AFTER_COMPLETED of their former rate; after any other ending, at
# KEEP_AFTER_OTHER_ENDING. Together with offending that peters out anyway, about 70% of
# people offend no more in the half-year after completing, and about 90% offend less.
KEEP_DURING = 0.6
DESIST = 0.2
KEEP_AFTER_COMPLETED = 0.7
KEEP_AFTER_OTHER_ENDING = 0.85
