"""A second, independent generator of noisy people.csv extracts for linkage evaluation.

    .venv/bin/python -m bench.literature_records --records 50000 --out DIR

Written apart from `pathways.synth` (nothing of it or of `pathways.linkage` is used) so
that the linkage model can be measured on noise it was not tuned on. The corruption
model follows the record-linkage literature on synthetic data: Christen's FEBRL data set
generator and GeCo (Tran, Vatsalan and Christen 2013, "GeCo: an online personal data
generator and corruptor"; Christen and Pudjijono 2009, "Accurate synthetic generation of
realistic personal information"), and Winkler's studies of the errors found in census
and administrative lists (name variants, nicknames, transposed date parts, missing
values, moves and marriages).

The model:
- A population of true people: given name (by sex and birth cohort), family name (a
  Zipf-Mandelbrot frequency skew over a few hundred Scottish and Glasgow surnames, so a
  handful such as Smith, Brown and Wilson hold about 1% of people each and the ten
  commonest about 8%, with a long tail of rarer names for 30%), sex, date of birth
  (ages 12 to 70 on `REFERENCE_DATE`, skewed young as a justice population is), and a
  Glasgow address and postcode. About 2.5% have a double-barrelled family name; about
  30% of women over 22 (1% of men) have changed their family name on marriage; 25% have
  moved and so have a previous address.
- Five agencies of different sizes (police largest). Each person appears in 1 to 4 of
  them (90% in one, 8.5% in two), and each agency holds a second (15% of those: also a
  third) reference for a share of its people, 7-12% depending on the agency.
- Every record, duplicates included, is an independently corrupted copy of its person.
  Each corruption below is drawn independently for each record where it applies, at the
  rate shown (the rate is per *eligible* record: e.g. a day/month swap needs a day of at
  most 12, a nickname needs a name that has one). Kinds in one group are exclusive (a
  date of birth is missing *or* swapped, not both). As in FEBRL, a record takes at most
  `MAX_MODIFICATIONS` modifications; at these rates about 43% of records have none, 39%
  one, 15% two and 4% three. "all" is the share of all records it is applied to (at
  1,000,000 records, seed 7).

| kind                   | rate  |  all  | group    | what happens
|------------------------|-------|-------|----------|---------------------------------
| married_name           | 0.40  |  2.5% |          | the surname before marriage
| double_barrel_variant  | 0.50  |  1.5% |          | "Smith-Jones" as "Smith", "Jones" or spaced
| moved                  | 0.40  | 10.0% |          | previous postcode and address (a move)
| given_missing          | 0.02  |  2.0% |          | given name left empty
| nickname               | 0.08  |  3.7% |          | James->Jim/Jamie, Margaret->Maggie, Jim->James
| given_phonetic         | 0.03  |  1.9% |          | Stephen/Steven, Iain/Ian, ph/f, ie/y, ll/l
| family_phonetic        | 0.04  |  3.2% |          | Mc/Mac, Thomson/Thompson, -son/-sen, -ston(e)
| given_typo             | 0.04  |  3.9% |          | one slip: insert/delete/substitute/transpose
| family_typo            | 0.04  |  4.0% |          | as above, ops weighted .25/.30/.30/.15
| names_swapped          | 0.01  |  1.0% |          | given and family name exchanged
| dob_missing            | 0.04  |  4.0% | dob      | date of birth left empty
| dob_day_month_swapped  | 0.02  |  0.7% | dob      | 2004-03-12 -> 2004-12-03 (when valid)
| dob_digit              | 0.03  |  3.0% | dob      | a digit of year, month or day off by one
| dob_placeholder        | 0.01  |  1.0% | dob      | 1900-01-01 (60%) or 1 January, true year
| dob_year_only          | 0.01  |  1.0% | dob      | only the year known: YYYY-01-01
| postcode_missing       | 0.07  |  6.9% | postcode | postcode left empty
| postcode_district_only | 0.03  |  3.0% | postcode | only the district kept ("G31")
| postcode_typo          | 0.02  |  2.0% | postcode | sector digit +-1 or a unit letter mistyped
| address_missing        | 0.10  |  9.9% | address  | address left empty
| address_variant        | 0.10  |  9.9% | address  | "St" for "Street", flat reworded/dropped, CAPS
| sex_missing            | 0.03  |  2.9% | sex      | `U` or empty
| sex_miscoded           | 0.005 |  0.5% | sex      | M recorded as F or F as M

`dob_placeholder` in its "1 January" form and `dob_year_only` write the same value; the
tally tells them apart by cause (a system's default fill versus a known year). The
typing-error operations follow Damerau's and Pollock and Zamora's finding that
single-character errors dominate and seldom hit the first letter; substitutions use
QWERTY neighbours, as GeCo's keyboard corruptor does.

Deterministic for a seed (one `random.Random`), and independent of today's date.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import time
from bisect import bisect
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import TypeVar

from bench.literature_vocabulary import (
    AREA_OF_DISTRICT,
    FAMILY_NAMES,
    FEMALE_NICKNAMES,
    FEMALE_OLDER,
    FEMALE_YOUNGER,
    KEYBOARD_NEIGHBOURS,
    MALE_NICKNAMES,
    MALE_OLDER,
    MALE_YOUNGER,
    MC_STEMS,
    PHONETIC_RULES,
    SPELLING_GROUPS,
    STREET_ABBREVIATIONS,
    STREETS,
    TAIL_PREFIXES,
    TAIL_SUFFIXES,
    UNIT_LETTERS,
)
from pathways.feeds.formats import PEOPLE_COLUMNS

# The interchange's columns (a contract, plain data): the only thing taken from Pathways.
COLUMNS = PEOPLE_COLUMNS
K = TypeVar("K")
REFERENCE_DATE = dt.date(2024, 6, 30)  # ages are counted here, never from today
MAX_MODIFICATIONS = 3  # per record, as FEBRL caps modifications per record

RATES: dict[str, float] = {
    "married_name": 0.40,
    "double_barrel_variant": 0.50,
    "moved": 0.40,
    "given_missing": 0.02,
    "nickname": 0.08,
    "given_phonetic": 0.03,
    "family_phonetic": 0.04,
    "given_typo": 0.04,
    "family_typo": 0.04,
    "names_swapped": 0.01,
    "dob_missing": 0.04,
    "dob_day_month_swapped": 0.02,
    "dob_digit": 0.03,
    "dob_placeholder": 0.01,
    "dob_year_only": 0.01,
    "postcode_missing": 0.07,
    "postcode_district_only": 0.03,
    "postcode_typo": 0.02,
    "address_missing": 0.10,
    "address_variant": 0.10,
    "sex_missing": 0.03,
    "sex_miscoded": 0.005,
}
# Typing-error operations and their shares of typing errors.
TYPO_OPERATIONS: dict[str, float] = {
    "insert": 0.25,
    "delete": 0.30,
    "substitute": 0.30,
    "transpose": 0.15,
}

# Person-level shares (facts about the population, not recording errors).
DOUBLE_BARRELLED_SHARE = 0.025
MARRIED_NAME_SHARE = {"F": 0.30, "M": 0.01}  # of people over 22
MARRIED_DOUBLE_BARREL_SHARE = 0.15  # of those: "Former-Married" as the name now
MOVED_SHARE = 0.25
MALE_SHARE = 0.74  # justice populations are mostly men
AGENCY_COUNT_SHARES = {1: 0.90, 2: 0.085, 3: 0.012, 4: 0.003}
THIRD_REFERENCE_SHARE = 0.15  # of people an agency holds twice, those it holds thrice
TAIL_SHARE = 0.30  # of people with a tail surname

# --- Agencies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    """One agency: how it writes references, how often it holds a person twice, and how
    often it records the locality."""

    code: str
    ref_prefix: str
    ref_digits: int
    first_ref: int
    duplicate_rate: float  # share of its people it holds under two or more references
    area_rate: float  # share of its records with the locality filled in


AGENCIES: dict[str, Agency] = {
    "POLICE": Agency("POLICE", "PN", 7, 1_000_000, 0.12, 0.9),
    "HSCP_CJSW": Agency("HSCP_CJSW", "", 7, 4_000_000, 0.09, 0.6),
    "HSCP_ADRS": Agency("HSCP_ADRS", "ADRS-", 6, 100_000, 0.10, 0.6),
    "SACRO": Agency("SACRO", "C-", 6, 10_000, 0.07, 0.0),
    "INCLUDEM": Agency("INCLUDEM", "INC/", 5, 10_000, 0.08, 0.0),
}
# Relative chance that a person of an age band is known to each agency: Includem works
# with young people, justice social work from 16, addiction services with adults.
AGENCY_WEIGHTS_BY_AGE: tuple[tuple[int, dict[str, float]], ...] = (
    (16, {"POLICE": 0.50, "INCLUDEM": 0.35, "SACRO": 0.15}),
    (22, {"POLICE": 0.45, "HSCP_CJSW": 0.2, "HSCP_ADRS": 0.05, "SACRO": 0.1, "INCLUDEM": 0.2}),
    (999, {"POLICE": 0.45, "HSCP_CJSW": 0.25, "HSCP_ADRS": 0.2, "SACRO": 0.1}),
)
# Relative number of people of each age (12 to 70): offending peaks in the early twenties.
AGE_WEIGHTS = [
    (age, 1.0 if age < 18 else 1.6 if age < 26 else 1.4 if age < 36 else 0.9 if age < 46 else 0.5)
    if age < 56
    else (age, 0.2)
    for age in range(12, 71)
]

# --- Sampling ----------------------------------------------------------------------------


class Weighted:
    """Draws items with given weights (cumulative weights and a binary search, faster
    than `random.choices` one at a time)."""

    def __init__(self, items: Sequence[str], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    @classmethod
    def zipf(cls, items: Sequence[str], exponent: float = 1.0, offset: float = 8.0) -> Weighted:
        """Zipf-Mandelbrot weights by rank, 1/(rank + offset)^exponent: the offset flattens
        the head so the commonest name holds a few percent, not a sixth, of people."""
        unique = list(dict.fromkeys(items))
        return cls(
            unique, [1.0 / (rank + offset) ** exponent for rank in range(1, len(unique) + 1)]
        )

    @classmethod
    def mixture(cls, *parts: tuple[Weighted, float]) -> Weighted:
        """Draws from each part with the probability given with it."""
        items: list[str] = []
        weights: list[float] = []
        for part, share in parts:
            items += part.items
            previous = 0.0
            for cumulative in part.cumulative:
                weights.append((cumulative - previous) / part.total * share)
                previous = cumulative
        return cls(items, weights)

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


def _tail_names() -> list[str]:
    """The rare surnames, in a fixed shuffled order (their Zipf ranks)."""
    head = set(FAMILY_NAMES)
    made = [p + s for p in TAIL_PREFIXES for s in TAIL_SUFFIXES] + ["Mc" + s for s in MC_STEMS]
    names = [n for n in dict.fromkeys(made) if n not in head]
    random.Random(0).shuffle(names)
    return names


FAMILY = Weighted.mixture(
    (Weighted.zipf(FAMILY_NAMES, offset=20.0), 1 - TAIL_SHARE),
    (Weighted.zipf(_tail_names(), offset=200.0), TAIL_SHARE),
)
GIVEN = {
    ("M", "older"): Weighted.zipf(MALE_OLDER, offset=4.0),
    ("M", "younger"): Weighted.zipf(MALE_YOUNGER, offset=4.0),
    ("F", "older"): Weighted.zipf(FEMALE_OLDER, offset=4.0),
    ("F", "younger"): Weighted.zipf(FEMALE_YOUNGER, offset=4.0),
}
AGES = Weighted([str(age) for age, _ in AGE_WEIGHTS], [w for _, w in AGE_WEIGHTS])


def _alternatives(table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Every name of a nickname table -> the other names of its group (a nickname also
    leads back to the formal name and its sister nicknames)."""
    out: dict[str, list[str]] = {}
    for formal, nicks in table.items():
        group = (formal, *nicks)
        for name in group:
            out.setdefault(name, [])
            out[name].extend(n for n in group if n != name and n not in out[name])
    return {name: tuple(alts) for name, alts in out.items()}


NICKNAMES = {"M": _alternatives(MALE_NICKNAMES), "F": _alternatives(FEMALE_NICKNAMES)}
SPELLINGS = {name: tuple(n for n in g if n != name) for g in SPELLING_GROUPS for name in g}

# --- People ------------------------------------------------------------------------------

Address = tuple[str, str, str]  # postcode, address line, area code ('' outside the city)


@dataclass(slots=True)
class TruePerson:
    """A real person as they are: the values every record of them is a copy of."""

    pid: str
    given: str
    family: str  # the family name now
    former_family: str  # before marriage, or ''
    double_barrelled: bool
    sex: str
    dob: dt.date
    address: Address
    previous: Address | None  # where they lived before a move


def make_address(rng: random.Random) -> Address:
    """A Glasgow-style address: `14 Duke Street` or, for a tenement flat, `3/2 45 Argyle
    Street` (floor/flat, then the close number), with a postcode in the street's district."""
    street, district = STREETS[int(rng.random() * len(STREETS))]
    number = 1 + int(rng.random() ** 2 * 240)  # low numbers commoner: short streets
    line = f"{number} {street}"
    if rng.random() < 0.35:
        line = f"{int(rng.random() * 4)}/{1 + int(rng.random() * 3)} {line}"
    unit = UNIT_LETTERS[int(rng.random() * 20)] + UNIT_LETTERS[int(rng.random() * 20)]
    postcode = f"{district} {int(rng.random() * 10)}{unit}"
    return postcode, line, AREA_OF_DISTRICT.get(district, "")


def make_person(number: int, rng: random.Random) -> TruePerson:
    """The `number`th true person of the population."""
    sex = "M" if rng.random() < MALE_SHARE else "F"
    age = int(AGES.pick(rng))
    dob = dt.date.fromordinal(REFERENCE_DATE.toordinal() - int((age + rng.random()) * 365.2425))
    cohort = "older" if dob.year < 1985 else "younger"
    if rng.random() < 0.15:  # names cross cohorts: parents pick old names and new
        cohort = "younger" if cohort == "older" else "older"
    given = GIVEN[sex, cohort].pick(rng)
    family = FAMILY.pick(rng)
    double_barrelled = rng.random() < DOUBLE_BARRELLED_SHARE
    if double_barrelled:
        family = f"{family}-{_other_family(family, rng)}"
    former = ""
    if age > 22 and rng.random() < MARRIED_NAME_SHARE[sex]:
        former, married = family, _other_family(family, rng)
        if rng.random() < MARRIED_DOUBLE_BARREL_SHARE and not double_barrelled:
            family, double_barrelled = f"{former}-{married}", True
        else:
            family = married
    address = make_address(rng)
    previous = make_address(rng) if rng.random() < MOVED_SHARE else None
    return TruePerson(
        f"L{number:07d}", given, family, former, double_barrelled, sex, dob, address, previous
    )


def _other_family(family: str, rng: random.Random) -> str:
    """A family name other than `family`."""
    while True:
        other = FAMILY.pick(rng)
        if other != family:
            return other


def draw_from(shares: Mapping[K, float], rng: random.Random) -> K:
    """One key of `shares`, drawn with chances proportional to its value."""
    draw = rng.random() * sum(shares.values())
    for key, share in shares.items():
        draw -= share
        if draw < 0:
            return key
    return key  # rounding left a sliver: the last


def agency_count(rng: random.Random) -> int:
    """How many agencies know a person (1 to 4, most one)."""
    return draw_from(AGENCY_COUNT_SHARES, rng)


def agencies_of(person: TruePerson, rng: random.Random) -> list[str]:
    """The distinct agencies that know `person`, drawn by the weights of their age band."""
    age = REFERENCE_DATE.year - person.dob.year
    pool = dict(next(w for limit, w in AGENCY_WEIGHTS_BY_AGE if age < limit))
    wanted = min(agency_count(rng), len(pool))
    chosen: list[str] = []
    while len(chosen) < wanted:
        code = draw_from(pool, rng)
        chosen.append(code)
        del pool[code]
    return chosen


def references_held(agency: Agency, rng: random.Random) -> int:
    """How many references `agency` holds for one of its people: 1, or 2 (at its
    duplicate rate), occasionally 3."""
    if rng.random() >= agency.duplicate_rate:
        return 1
    return 3 if rng.random() < THIRD_REFERENCE_SHARE else 2


# --- Corruptions -------------------------------------------------------------------------


@dataclass
class Tally:
    """What the corruptor did: per kind, the records it could apply to (`eligible`) and
    those it was applied to (`applied`); finer counts (`details`, e.g. which typing
    operation); records by their number of modifications; people with a record."""

    applied: Counter[str] = field(default_factory=Counter)
    eligible: Counter[str] = field(default_factory=Counter)
    details: Counter[str] = field(default_factory=Counter)
    modifications: Counter[int] = field(default_factory=Counter)
    people: int = 0

    def observed_rate(self, kind: str) -> float:
        """Share of eligible records `kind` was applied to (0 when none was eligible)."""
        return self.applied[kind] / self.eligible[kind] if self.eligible[kind] else 0.0


def typo(name: str, rng: random.Random) -> tuple[str, str]:
    """`name` with one typing error, and the operation: insert, delete, substitute (with a
    QWERTY neighbour) or transpose adjacent letters. The first letter is hit one time in
    ten at most, as it is in studies of real misspellings. Needs two letters or more."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    operation = draw_from(TYPO_OPERATIONS, rng)
    if operation == "delete" and len(letters) < 3:
        operation = "substitute"  # a name keeps two letters at least
    pairs = [i for i in letters if i + 1 < len(name) and name[i + 1].isalpha()]
    pairs = [i for i in pairs if name[i].lower() != name[i + 1].lower()]
    if operation == "transpose" and not pairs:
        operation = "substitute"
    candidates = pairs if operation == "transpose" else letters
    i = candidates[0] if rng.random() < 0.1 or len(candidates) == 1 else rng.choice(candidates[1:])
    ch = name[i]
    if operation == "insert":
        near = KEYBOARD_NEIGHBOURS.get(ch.lower(), "") + ch.lower() * 2  # or a doubled key
        return name[: i + 1] + rng.choice(near) + name[i + 1 :], operation
    if operation == "delete":
        rest = name[:i] + name[i + 1 :]
        return (rest[0].upper() + rest[1:] if i == 0 else rest), operation
    if operation == "transpose":
        a, b = name[i + 1].lower(), name[i].lower()
        a, b = (a.upper() if name[i].isupper() else a), (b.upper() if name[i + 1].isupper() else b)
        return name[:i] + a + b + name[i + 2 :], operation
    new = rng.choice(KEYBOARD_NEIGHBOURS.get(ch.lower(), "e"))
    return name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1 :], operation


_PHONETIC_CACHE: dict[str, tuple[str, ...]] = {}


def phonetic_variants(name: str) -> tuple[str, ...]:
    """Spellings of `name` that sound the same: the known alternative spellings and what
    each sound-alike rule makes of it (cached: names repeat)."""
    found = _PHONETIC_CACHE.get(name)
    if found is None:
        variants = dict.fromkeys(SPELLINGS.get(name, ()))
        for pattern, replace in PHONETIC_RULES:
            # One occurrence at a time: "Connell" -> "Conell", not every double at once.
            for match in pattern.finditer(name):
                new = name[: match.start()] + replace(match) + name[match.end() :]
                if new.startswith("Mc") and len(new) > 2 and new[2].islower():
                    new = new[:2] + new[2].upper() + new[3:]  # Mackenzie -> McKenzie
                if new != name and len(new) > 1:
                    variants[new] = None
        found = tuple(variants)
        if len(_PHONETIC_CACHE) < 200_000:
            _PHONETIC_CACHE[name] = found
    return found


def double_barrel_variant(family: str, rng: random.Random) -> tuple[str, str]:
    """One agency's form of a hyphenated family name, and which: the first part, the
    second part, or both with a space."""
    first, _, second = family.partition("-")
    draw = rng.random()
    if draw < 0.4:
        return first, "first"
    if draw < 0.7:
        return second, "second"
    return f"{first} {second}", "spaced"


def dob_digit_off(dob: dt.date, rng: random.Random) -> dt.date:
    """`dob` with one digit of the year's last two, the month or the day one up or down,
    a valid date no later than `REFERENCE_DATE` (there always is one)."""
    text = dob.isoformat()
    candidates = []
    for i in (2, 3, 5, 6, 8, 9):
        digit = int(text[i])
        for new in (digit - 1, digit + 1):
            if 0 <= new <= 9:
                try:
                    changed = dt.date.fromisoformat(f"{text[:i]}{new}{text[i + 1 :]}")
                except ValueError:
                    continue
                if changed <= REFERENCE_DATE:
                    candidates.append(changed)
    return rng.choice(candidates)


def postcode_typo(postcode: str, rng: random.Random) -> str:
    """`postcode` with its sector digit one off or a unit letter mistyped, still in the
    UK format."""
    outward, inward = postcode.split(" ")
    if rng.random() < 0.5:
        return f"{outward} {(int(inward[0]) + rng.choice((-1, 1))) % 10}{inward[1:]}"
    i = 1 + int(rng.random() * 2)
    near = [c.upper() for c in KEYBOARD_NEIGHBOURS[inward[i].lower()] if c.upper() in UNIT_LETTERS]
    new = rng.choice(near or [c for c in UNIT_LETTERS if c != inward[i]])
    return f"{outward} {inward[:i]}{new}{inward[i + 1 :]}"


def address_variant(line: str, rng: random.Random) -> tuple[str, str]:
    """Another way of writing the address `line`, and which: the street type
    abbreviated, the flat written "Flat 3/2," or dropped, or all in capitals."""
    options = ["capitals"]
    *_, last = line.split(" ")
    if last in STREET_ABBREVIATIONS:
        options.append("abbreviated")
    if "/" in line.split(" ", 1)[0]:
        options += ["flat_written", "flat_dropped"]
    how = rng.choice(options)
    if how == "abbreviated":
        return f"{line[: -len(last)]}{STREET_ABBREVIATIONS[last]}", how
    if how == "flat_written":
        flat, rest = line.split(" ", 1)
        return f"Flat {flat}, {rest}", how
    if how == "flat_dropped":
        return line.split(" ", 1)[1], how
    return line.upper(), how


class Corruptor:
    """Makes agency records from true people, each an independently corrupted copy, and
    counts what it did in `tally`."""

    def __init__(self, rng: random.Random, tally: Tally) -> None:
        self.rng = rng
        self.tally = tally
        self.left = MAX_MODIFICATIONS  # modifications the record at hand may still take

    def attempt(self, kind: str, eligible: bool = True) -> bool:
        """Whether `kind` is applied to the record at hand: drawn at its rate when the
        record is eligible and may still take a modification."""
        if not eligible or not self.left:
            return False
        self.tally.eligible[kind] += 1
        if self.rng.random() >= RATES[kind]:
            return False
        self.tally.applied[kind] += 1
        self.left -= 1
        return True

    def choose(self, kinds: tuple[tuple[str, bool], ...]) -> str | None:
        """At most one of a group of exclusive kinds (kind, eligible), each at its rate:
        one draw decides, so the rates add up rather than compete."""
        if not self.left:
            return None
        draw = self.rng.random()
        chosen = None
        for kind, eligible in kinds:
            if eligible:
                self.tally.eligible[kind] += 1
            draw -= RATES[kind]
            if draw < 0:
                chosen = kind if eligible else None
                draw = 2.0  # decided: later kinds only count as eligible
        if chosen:
            self.tally.applied[chosen] += 1
            self.left -= 1
        return chosen

    def record(self, person: TruePerson, agency: Agency) -> tuple[str, ...]:
        """One record of `person` held by `agency`: the values of COLUMNS, with the
        person's true id where person_ref goes (refs are given after shuffling)."""
        self.left = MAX_MODIFICATIONS
        given, family = self.names(person)
        place = person.address
        if self.attempt("moved", person.previous is not None):
            assert person.previous is not None
            place = person.previous
        postcode, line, area = place
        dob = self.date_of_birth(person.dob)
        postcode = self.postcode(postcode)
        line = self.address(line)
        sex = self.sex(person.sex)
        if self.rng.random() >= agency.area_rate:
            area = ""
        self.tally.modifications[MAX_MODIFICATIONS - self.left] += 1
        return (agency.code, person.pid, given, family, dob, sex, postcode, area, line)

    def names(self, person: TruePerson) -> tuple[str, str]:
        """Given and family name as this record holds them."""
        rng, tally = self.rng, self.tally
        family = person.family
        if self.attempt("married_name", bool(person.former_family)):
            family = person.former_family
        if self.attempt("double_barrel_variant", "-" in family):
            family, how = double_barrel_variant(family, rng)
            tally.details[f"double_barrel_variant:{how}"] += 1
        given = person.given
        if self.attempt("given_missing"):
            given = ""
        nicknames = NICKNAMES[person.sex].get(given, ())
        if self.attempt("nickname", bool(nicknames)):
            given = rng.choice(nicknames)
        for kind, name in (("given_phonetic", given), ("family_phonetic", family)):
            variants = phonetic_variants(name) if name else ()
            if self.attempt(kind, bool(variants)):
                name = rng.choice(variants)
                given, family = (name, family) if kind == "given_phonetic" else (given, name)
        if self.attempt("given_typo", len(given) >= 2):
            given, how = typo(given, rng)
            tally.details[f"typo:{how}"] += 1
        if self.attempt("family_typo", len(family) >= 2):
            family, how = typo(family, rng)
            tally.details[f"typo:{how}"] += 1
        if self.attempt("names_swapped", bool(given)):
            given, family = family, given
        return given, family

    def date_of_birth(self, dob: dt.date) -> str:
        """The date of birth as this record holds it, YYYY-MM-DD or ''."""
        january_first = dob.month == 1 and dob.day == 1
        chosen = self.choose(
            (
                ("dob_missing", True),
                ("dob_day_month_swapped", dob.day <= 12 and dob.day != dob.month),
                ("dob_digit", True),
                ("dob_placeholder", not january_first),
                ("dob_year_only", not january_first),
            )
        )
        if chosen == "dob_missing":
            return ""
        if chosen == "dob_day_month_swapped":
            return dt.date(dob.year, dob.day, dob.month).isoformat()
        if chosen == "dob_digit":
            return dob_digit_off(dob, self.rng).isoformat()
        if chosen == "dob_placeholder":
            if self.rng.random() < 0.6:
                self.tally.details["dob_placeholder:1900-01-01"] += 1
                return "1900-01-01"
            self.tally.details["dob_placeholder:1 January"] += 1
            return f"{dob.year:04d}-01-01"
        if chosen == "dob_year_only":
            return f"{dob.year:04d}-01-01"
        return dob.isoformat()

    def postcode(self, postcode: str) -> str:
        """The postcode as this record holds it: whole, a district alone, or ''."""
        chosen = self.choose(
            (("postcode_missing", True), ("postcode_district_only", True), ("postcode_typo", True))
        )
        if chosen == "postcode_missing":
            return ""
        if chosen == "postcode_district_only":
            return postcode.split(" ")[0]
        if chosen == "postcode_typo":
            return postcode_typo(postcode, self.rng)
        return postcode

    def address(self, line: str) -> str:
        """The address line as this record holds it."""
        chosen = self.choose((("address_missing", True), ("address_variant", True)))
        if chosen == "address_missing":
            return ""
        if chosen == "address_variant":
            line, how = address_variant(line, self.rng)
            self.tally.details[f"address_variant:{how}"] += 1
        return line

    def sex(self, sex: str) -> str:
        """The sex as this record holds it: M, F, U or ''."""
        chosen = self.choose((("sex_missing", True), ("sex_miscoded", sex in "MF")))
        if chosen == "sex_missing":
            return "U" if self.rng.random() < 0.5 else ""
        if chosen == "sex_miscoded":
            return "F" if sex == "M" else "M"
        return sex


# --- The extract -------------------------------------------------------------------------


def generate_with_tally(
    records: int, seed: int = 7
) -> tuple[list[dict[str, str]], dict[tuple[str, str], str], Tally]:
    """`records` people.csv rows of a noisy five-agency extract, the truth map
    (agency, person_ref) -> true person id, and the tally of corruptions applied."""
    rng = random.Random(seed)
    tally = Tally()
    corruptor = Corruptor(rng, tally)
    rows: list[tuple[str, ...]] = []
    number = 0
    while len(rows) < records:
        number += 1
        person = make_person(number, rng)
        tally.people += 1
        for code in agencies_of(person, rng):
            agency = AGENCIES[code]
            for _ in range(references_held(agency, rng)):
                if len(rows) < records:
                    rows.append(corruptor.record(person, agency))
    # Shuffled, so that neither file order nor reference order gives a person away.
    rng.shuffle(rows)
    counts = Counter(row[0] for row in rows)
    refs = {code: References(AGENCIES[code], count, rng) for code, count in counts.items()}
    truth: dict[tuple[str, str], str] = {}
    out: list[dict[str, str]] = []
    for row in rows:
        ref = refs[row[0]]()
        truth[row[0], ref] = row[1]
        out.append(dict(zip(COLUMNS, (row[0], ref, *row[2:]), strict=True)))
    return out, truth, tally


class References:
    """An agency's person_refs for an extract of `count` of its records: its own format,
    rising by random gaps (references are issued to many more people than one extract
    holds), never repeating; more digits than usual if the agency holds very many."""

    def __init__(self, agency: Agency, count: int, rng: random.Random) -> None:
        self.agency = agency
        self.rng = rng
        self.digits = max(agency.ref_digits, len(str(agency.first_ref + 4 * count)))
        room = 10**self.digits - agency.first_ref
        # Gaps of 1 to `largest_gap`: their mean fills about 80% of the room.
        self.largest_gap = max(1, int(1.6 * room / max(count, 1)) - 1)
        self.last = agency.first_ref

    def __call__(self) -> str:
        """The next reference."""
        self.last += 1 + int(self.rng.random() * self.largest_gap)
        return f"{self.agency.ref_prefix}{self.last:0{self.digits}d}"


def generate(
    records: int, seed: int = 7
) -> tuple[list[dict[str, str]], dict[tuple[str, str], str]]:
    """`records` people.csv rows (dicts of COLUMNS, all strings, '' when missing) and the
    truth map (agency, person_ref) -> true person id."""
    rows, truth, _ = generate_with_tally(records, seed)
    return rows, truth


def write_files(
    rows: list[dict[str, str]], truth: dict[tuple[str, str], str], directory: Path
) -> tuple[Path, Path]:
    """Write `rows` as people.csv and `truth` as truth.csv (agency,person_ref,true_person)
    in `directory`; return their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    people_csv, truth_csv = directory / "people.csv", directory / "truth.csv"
    with people_csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(row.values() for row in rows)  # every row's keys are COLUMNS, in order
    with truth_csv.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(("agency", "person_ref", "true_person"))
        out.writerows((agency, ref, person) for (agency, ref), person in truth.items())
    return people_csv, truth_csv


def write(records: int, directory: Path, seed: int = 7) -> tuple[Path, Path]:
    """Generate `records` rows and write people.csv and truth.csv into `directory`."""
    rows, truth = generate(records, seed)
    return write_files(rows, truth, directory)


def true_pairs(truth: dict[tuple[str, str], str]) -> tuple[int, int]:
    """Pairs of records of one true person: (within one agency, across agencies)."""
    by_person: dict[str, Counter[str]] = {}
    for (agency, _), person in truth.items():
        by_person.setdefault(person, Counter())[agency] += 1
    same = across = 0
    for agencies in by_person.values():
        total = sum(agencies.values())
        within = sum(n * (n - 1) // 2 for n in agencies.values())
        same += within
        across += total * (total - 1) // 2 - within
    return same, across


def duplicate_shares(truth: dict[tuple[str, str], str]) -> dict[str, float]:
    """Per agency, the share of its people it holds under two or more references."""
    refs: dict[str, Counter[str]] = {}
    for (agency, _), person in truth.items():
        refs.setdefault(agency, Counter())[person] += 1
    return {
        agency: sum(1 for n in people.values() if n > 1) / len(people)
        for agency, people in sorted(refs.items())
    }


def report(
    rows: list[dict[str, str]], truth: dict[tuple[str, str], str], tally: Tally
) -> list[str]:
    """Lines describing an extract: sizes, duplicates, true pairs and the tally."""
    same, across = true_pairs(truth)
    per_agency = Counter(row["agency"] for row in rows)
    shares = duplicate_shares(truth)
    lines = [
        f"{len(rows):,} records of {tally.people:,} true people "
        f"({len(rows) / max(tally.people, 1):.3f} records a person)",
        f"true pairs: {same:,} within one agency, {across:,} across agencies",
        "agency       records  held twice or more",
    ]
    lines += [f"{a:<12} {per_agency[a]:>7,}  {shares[a]:.1%}" for a in AGENCIES if a in shares]
    spread = sorted(tally.modifications.items())
    lines.append(
        "modifications per record: "
        + ", ".join(f"{n}: {count / len(rows):.1%}" for n, count in spread if count)
    )
    lines.append(
        f"{'kind':<24}{'rate':>7}{'eligible':>10}{'applied':>9}{'observed':>10}{'of all':>8}"
    )
    for kind, rate in RATES.items():
        lines.append(
            f"{kind:<24}{rate:>7.3f}{tally.eligible[kind]:>10,}{tally.applied[kind]:>9,}"
            f"{tally.observed_rate(kind):>10.4f}{tally.applied[kind] / len(rows):>8.2%}"
        )
    lines += [f"  {detail}: {count:,}" for detail, count in sorted(tally.details.items())]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows, truth, tally = generate_with_tally(args.records, args.seed)
    generated = time.perf_counter()
    people_csv, truth_csv = write_files(rows, truth, args.out)
    print(f"wrote {people_csv} and {truth_csv}")
    print(
        f"generated in {generated - started:.1f} s, written in "
        f"{time.perf_counter() - generated:.1f} s"
    )
    print("\n".join(report(rows, truth, tally)))


if __name__ == "__main__":
    main()
