"""A deterministic synthetic partnership: people, their agency records, events and
referral histories, realistic enough for demos, tests and benchmarks.

Everything comes from one `random.Random(seed)`, person by person, so the same seed
gives the same files byte for byte, and a million people stream through in minutes
without being held in memory.

What it models (issue 2 §5): a justice caseload mostly aged 18–40 with about 12% women,
plus young people aged 12–25; heavy-tailed offending (a tenth of offenders commit over
half the offences), acquisitive crime most common; substance and child-exploitation
markers, custody episodes, overdoses, antisocial behaviour, convictions; the same person
known to several agencies under noisy identities; and referral histories whose
engagements last about 60–400 days, after which most people offend less.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from pathways.events.imports.formats import REFERRAL_COLUMNS
from pathways.synth.names import (
    DISTRICTS,
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    STREETS,
    UNIT_LETTERS,
)

AREAS = ("NE", "NW", "S")
CRIME_GROUPS = (
    ("dishonesty", 34),
    ("violence", 18),
    ("antisocial", 15),
    ("society", 12),
    ("damage", 10),
    ("miscellaneous", 4),
    ("road_traffic", 5),
    ("sexual", 2),
)
CATEGORIES = {
    "dishonesty": ("shoplifting", "theft", "housebreaking", "fraud", "theft_of_motor_vehicle"),
    "violence": ("common_assault", "serious_assault", "robbery", "attempted_murder"),
    "antisocial": ("threatening_or_abusive_behaviour", "breach_of_the_peace", "drunkenness"),
    "society": ("drugs_possession", "drugs_supply", "offensive_weapon", "bail_breach"),
    "damage": ("vandalism", "fire_raising", "culpable_and_reckless_conduct"),
    "miscellaneous": ("miscellaneous",),
    "road_traffic": ("driving_without_insurance", "speeding", "drink_driving"),
    "sexual": ("sexual_assault",),
}
VOLUNTARY_SERVICES = (
    "ADAPT",
    "SIDESTEP",
    "NRS_YIT",
    "BRAVEHEART",
    "POP",
    "COS",
    "BRIDGING",
    "W218",
    "SACRO_WMS",
)
STATUTORY_SERVICES = ("STARS", "ISMS", "ATR")
# Partner agencies that keep their own record of the people they work with.
PARTNER_AGENCY = {
    "ADAPT": ("INCLUDEM", "INC"),
    "SIDESTEP": ("AFC", "AFC"),
    "POP": ("AID_ABET", "AA"),
}
END_REASONS = (
    ("completed", 70),
    ("opted_out", 10),
    ("disengaged", 10),
    ("moved_away", 4),
    ("custody", 4),
    ("other", 2),
)
YEARS_OF_HISTORY = 6


@dataclass
class Household:
    """Everything generated for one true person: rows for each file."""

    people: list[dict[str, str]] = field(default_factory=list)
    events: list[dict[str, str]] = field(default_factory=list)
    referrals: list[dict[str, str]] = field(default_factory=list)
    truth: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SynthData:
    """A synthetic partnership, generated afresh (identically) on each iteration."""

    people: int
    seed: int
    as_of: dt.date

    def __iter__(self) -> Iterator[Household]:
        return _Generator(self).households()


def generate(people: int, seed: int = 1, as_of: dt.date = dt.date(2026, 11, 1)) -> SynthData:
    """A synthetic partnership of `people` true people as of `as_of` (nothing later)."""
    if people < 1:
        raise ValueError("people must be at least 1")
    return SynthData(people, seed, as_of)


def iter_people_rows(data: SynthData) -> Iterator[dict[str, str]]:
    for household in data:
        yield from household.people


def iter_event_rows(data: SynthData) -> Iterator[dict[str, str]]:
    for household in data:
        yield from household.events


def iter_referral_rows(data: SynthData) -> Iterator[dict[str, str]]:
    for household in data:
        yield from household.referrals


def iter_truth_rows(data: SynthData) -> Iterator[dict[str, str]]:
    for household in data:
        yield from household.truth


def _weighted(rng: random.Random, table: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in table], weights=[w for _, w in table])[0]


class _Generator:
    def __init__(self, data: SynthData) -> None:
        self.data = data
        self.rng = random.Random(data.seed)
        self.as_of = data.as_of
        self.start = data.as_of - dt.timedelta(days=365 * YEARS_OF_HISTORY)
        self.counters: dict[str, int] = {}
        self.male = list(MALE_NAMES)
        self.female = list(FEMALE_NAMES)

    def next_ref(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}{n:07d}"

    def households(self) -> Iterator[Household]:
        for number in range(1, self.data.people + 1):
            yield self.person(f"T{number:07d}")

    # -- one true person --------------------------------------------------------------

    def person(self, truth_id: str) -> Household:
        rng = self.rng
        young = rng.random() < 0.25
        if young:
            age = rng.randint(12, 25)
        else:
            age = min(75, max(18, int(rng.gauss(31, 9))))
        sex = "F" if rng.random() < 0.12 else ("X" if rng.random() < 0.005 else "M")
        born = self.as_of - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        names = self.female if sex == "F" else self.male
        given = rng.choice(names)
        family = rng.choice(FAMILY_NAMES)
        area = rng.choice(AREAS)
        postcode = self.postcode(area)
        substance = (not young or age >= 16) and rng.random() < 0.3
        cce = young and age < 18 and rng.random() < 0.15
        identity = {
            "given": given,
            "family": family,
            "born": born,
            "sex": sex,
            "postcode": postcode,
            "area": area,
            "address": self.address(),
        }

        house = Household()
        police_ref = self.next_ref("PS")
        self.add_record(house, "POLICE", police_ref, identity, truth_id, noisy=False)

        offences = self.offence_dates(born)
        groups = [self.crime_group(substance, young) for _ in offences]
        referral = self.referral(
            house, truth_id, identity, police_ref, offences, groups, young, age, sex, substance, cce
        )
        if referral is not None:
            offences, groups = self.fewer_after(referral, offences, groups)

        cjsw_ref = None
        if not young or age >= 16:
            if len(offences) >= 3 and rng.random() < 0.6:
                cjsw_ref = self.next_ref("CJ")
                self.add_record(house, "HSCP_CJSW", cjsw_ref, identity, truth_id)
        if age < 18 and rng.random() < 0.4:
            self.add_record(house, "HSCP_CF", self.next_ref("CF"), identity, truth_id)
        if substance and rng.random() < 0.5:
            self.add_record(house, "HSCP_ADRS", self.next_ref("AD"), identity, truth_id)

        for day, group in zip(offences, groups, strict=True):
            flags = []
            if substance and rng.random() < 0.6:
                flags.append("substance")
            if rng.random() < 0.1:
                flags.append("alcohol")
            if cce and rng.random() < 0.5:
                flags.append("cce")
            if group == "violence" and rng.random() < 0.2:
                flags.append(rng.choice(("weapon", "domestic")))
            self.event(
                house, police_ref, "offence", day, area, group, rng.choice(CATEGORIES[group]), flags
            )
            if rng.random() < 0.3:
                self.event(house, police_ref, "custody", day, area)
            if cjsw_ref and rng.random() < 0.4:
                convicted = day + dt.timedelta(days=rng.randint(30, 300))
                if convicted <= self.as_of:
                    disposal = rng.choice(
                        ("cpo", "fine", "custody", "admonition", "deferred", "other", "cpo", "fine")
                    )
                    self.event(
                        house,
                        cjsw_ref,
                        "conviction",
                        convicted,
                        area,
                        group,
                        "",
                        [],
                        disposal=disposal,
                        offence_date=day,
                        agency="HSCP_CJSW",
                    )
        if substance:
            for _ in range(int(rng.expovariate(1.6))):
                self.event(
                    house, police_ref, "overdose", self.any_day(born), area, flags=["substance"]
                )
        if young:
            for _ in range(int(rng.expovariate(0.9))):
                self.event(house, police_ref, "asb", self.any_day(born), area)
        if cce:
            for _ in range(rng.randint(1, 2)):
                self.event(house, police_ref, "concern", self.any_day(born), area, flags=["cce"])
        return house

    # -- offending ----------------------------------------------------------------------

    def offence_dates(self, born: dt.date) -> list[dt.date]:
        rng = self.rng
        # Heavy-tailed: most people offend a little, a few a great deal.
        if rng.random() < 0.22:
            count = 0
        else:
            count = min(250, int(rng.paretovariate(1.2)) - 1 + rng.randint(0, 2))
        earliest = max(self.start, born + dt.timedelta(days=365 * 12))
        span = (self.as_of - earliest).days
        if span <= 0:
            return []
        return sorted(earliest + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))

    def crime_group(self, substance: bool, young: bool) -> str:
        rng = self.rng
        if substance and rng.random() < 0.35:
            return "dishonesty"
        if young and rng.random() < 0.2:
            return rng.choice(("violence", "antisocial", "damage"))
        return _weighted(rng, CRIME_GROUPS)

    def any_day(self, born: dt.date) -> dt.date:
        earliest = max(self.start, born + dt.timedelta(days=365 * 12))
        span = max(0, (self.as_of - earliest).days)
        return earliest + dt.timedelta(days=self.rng.randint(0, span))

    def fewer_after(
        self, referral: dict[str, str], offences: list[dt.date], groups: list[str]
    ) -> tuple[list[dt.date], list[str]]:
        """After an engagement, most people offend less: drop most later offences."""
        if not referral.get("ended_on"):
            return offences, groups
        ended = dt.date.fromisoformat(referral["ended_on"])
        completed = referral["end_reason"] == "completed"
        keep = 0.25 if completed else 0.7
        kept = [
            (d, g)
            for d, g in zip(offences, groups, strict=True)
            if d <= ended or self.rng.random() < keep
        ]
        return [d for d, _ in kept], [g for _, g in kept]

    # -- referrals ----------------------------------------------------------------------

    def referral(
        self,
        house: Household,
        truth_id: str,
        identity: dict,
        police_ref: str,
        offences: list[dt.date],
        groups: list[str],
        young: bool,
        age: int,
        sex: str,
        substance: bool,
        cce: bool,
    ) -> dict[str, str] | None:
        rng = self.rng
        if not offences or rng.random() > 0.16:
            return None
        service = self.service_for(young, age, sex, substance, cce, groups)
        if service is None:
            return None
        anchor = offences[len(offences) // 2] if len(offences) > 1 else offences[0]
        referred = anchor + dt.timedelta(days=rng.randint(5, 60))
        if referred > self.as_of - dt.timedelta(days=3):
            return None
        row = dict.fromkeys(REFERRAL_COLUMNS, "")
        row.update(
            referral_ref=self.next_ref("RF"),
            agency="POLICE",
            person_ref=police_ref,
            service=service,
            referred_on=referred.isoformat(),
        )
        decided = referred + dt.timedelta(days=rng.randint(1, 10))
        if decided > self.as_of:
            house.referrals.append(row)  # still awaiting a decision
            return row
        decision = _weighted(rng, (("accepted", 78), ("declined", 14), ("withdrawn", 8)))
        row.update(decision=decision, decided_on=decided.isoformat())
        if decision != "accepted":
            house.referrals.append(row)
            return row
        day = decided
        if service in VOLUNTARY_SERVICES:
            day = decided + dt.timedelta(days=rng.randint(0, 14))
            if day > self.as_of:
                house.referrals.append(row)
                return row
            row["consent_on"] = day.isoformat()
        started = day + dt.timedelta(days=rng.randint(1, 21))
        if started > self.as_of:
            house.referrals.append(row)
            return row
        row["started_on"] = started.isoformat()
        length = int(rng.triangular(60, 400, 90))
        ended = started + dt.timedelta(days=length)
        if ended <= self.as_of:
            row["ended_on"] = ended.isoformat()
            row["end_reason"] = _weighted(rng, END_REASONS)
        house.referrals.append(row)
        if service in PARTNER_AGENCY:
            agency, prefix = PARTNER_AGENCY[service]
            self.add_record(house, agency, self.next_ref(prefix), identity, truth_id)
        return row

    def service_for(
        self, young: bool, age: int, sex: str, substance: bool, cce: bool, groups: list[str]
    ) -> str | None:
        rng = self.rng
        if young and age <= 25:
            if cce:
                return "SIDESTEP"
            if "violence" in groups or "damage" in groups:
                return "ADAPT"
            if "antisocial" in groups:
                return "NRS_YIT"
            return "BRAVEHEART" if rng.random() < 0.5 else None
        if sex == "F":
            return rng.choice(("W218", "SACRO_WMS", "STARS"))
        if substance and "dishonesty" in groups and age >= 16:
            return "POP" if rng.random() < 0.7 else "ATR"
        return rng.choice(("STARS", "ISMS", "ATR", "BRIDGING", "COS"))

    # -- records and events ---------------------------------------------------------------

    def add_record(
        self,
        house: Household,
        agency: str,
        ref: str,
        identity: dict,
        truth_id: str,
        noisy: bool = True,
    ) -> None:
        rng = self.rng
        given, family = identity["given"], identity["family"]
        born: dt.date | None = identity["born"]
        postcode, sex = identity["postcode"], identity["sex"]
        if noisy and rng.random() < 0.35:
            given, family, born, postcode = self.noise(
                given, family, born, postcode, identity["area"]
            )
        house.people.append(
            {
                "agency": agency,
                "person_ref": ref,
                "given_name": given,
                "family_name": family,
                "date_of_birth": born.isoformat() if born else "",
                "sex": sex if rng.random() > 0.03 else "",
                "postcode": postcode,
                "area": identity["area"],
                "address": identity["address"],
            }
        )
        house.truth.append({"agency": agency, "person_ref": ref, "true_person": truth_id})

    def noise(
        self, given: str, family: str, born: dt.date | None, postcode: str, area: str
    ) -> tuple[str, str, dt.date | None, str]:
        rng = self.rng
        kind = rng.randrange(9)
        if kind == 0 and len(given) > 3:  # a typo: two letters swapped
            i = rng.randrange(1, len(given) - 2)
            given = given[:i] + given[i + 1] + given[i] + given[i + 2 :]
        elif kind == 1:
            nicknames = MALE_NAMES.get(given) or FEMALE_NAMES.get(given) or ()
            if nicknames:
                given = rng.choice(nicknames)
        elif kind == 2:
            if family.startswith("Mac"):
                family = "Mc" + family[3:]
            elif family.startswith("Mc"):
                family = "Mac" + family[2:]
            elif len(family) > 4:  # a letter dropped
                i = rng.randrange(1, len(family) - 1)
                family = family[:i] + family[i + 1 :]
        elif kind == 3:
            born = None
        elif kind == 4 and born and born.day <= 12 and born.day != born.month:
            born = born.replace(month=born.day, day=born.month)
        elif kind == 5 and born:
            born = born.replace(day=min(28, born.day % 9 + 1)) if born.day != 1 else born
        elif kind == 6:
            postcode = self.postcode(area)  # an old address
        elif kind == 7:
            postcode = ""
        else:
            given, family = given.upper(), family.upper()
        return given, family, born, postcode

    def postcode(self, area: str) -> str:
        rng = self.rng
        district = rng.choice(DISTRICTS[area])
        unit = f"{rng.randint(1, 9)}{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}"
        shape = rng.random()
        if shape < 0.05:
            return f"g{district}{unit.lower()}"  # as typed, to be normalised
        if shape < 0.08:
            return f"G{district}  {unit}"
        return f"G{district} {unit}"

    def address(self) -> str:
        return f"{self.rng.randint(1, 400)} {self.rng.choice(STREETS)}, Glasgow"

    def event(
        self,
        house: Household,
        person_ref: str,
        kind: str,
        day: dt.date,
        area: str,
        group: str = "",
        category: str = "",
        flags: list[str] | None = None,
        disposal: str = "",
        offence_date: dt.date | None = None,
        agency: str = "POLICE",
    ) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            occurred = day.isoformat()
        else:
            occurred = f"{day.isoformat()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00"
        house.events.append(
            {
                "agency": agency,
                "event_ref": self.next_ref("EV" if agency == "POLICE" else "CV"),
                "person_ref": person_ref,
                "kind": kind,
                "occurred_at": occurred,
                "crime_group": group,
                "category": category,
                "area": area,
                "flags": ";".join(flags or ()),
                "disposal": disposal,
                "offence_date": offence_date.isoformat() if offence_date else "",
            }
        )
