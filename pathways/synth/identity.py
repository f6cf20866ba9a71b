"""A true person's identity: age, sex, names, date of birth, where they live, and the
markers that drive their history (drug and alcohol use, child criminal exploitation)."""

from __future__ import annotations

import datetime as dt

from pathways.synth import addresses
from pathways.synth.draws import Draws
from pathways.synth.lives import SimPerson, birthdays_of
from pathways.synth.names import (
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    YOUNGER_FROM_YEAR,
    GivenName,
)
from pathways.synth.parameters import YEAR, Weighted


def _given_table(names: tuple[GivenName, ...], younger: bool) -> Weighted:
    """Given names weighted by how common they are among younger or older people."""
    return Weighted([(g.name, g.younger if younger else g.older) for g in names])


# Fixed tables, built once: (sex, born in or after YOUNGER_FROM_YEAR) -> given names.
GIVEN_TABLES = {
    (sex, younger): _given_table(FEMALE_NAMES if sex == "F" else MALE_NAMES, younger)
    for sex in ("F", "M")
    for younger in (False, True)
}
VARIANTS = {g.name: g.variants for g in MALE_NAMES + FEMALE_NAMES}
FAMILIES = Weighted(FAMILY_NAMES)
HOME_AREAS = Weighted([("NE", 38), ("NW", 32), ("S", 30)])


class Identities(Draws):
    """The identity part of the generator."""

    def person(self, truth_id: str) -> tuple[SimPerson, float]:
        """A true identity and its markers; also the age in years at as_of."""
        rng = self.rng
        young = rng.random() < 0.25
        if young:
            age = rng.triangular(12.0, 26.0, 17.0)
        else:
            # Skewed: most adults on a justice caseload are in their twenties and thirties.
            age = min(78.0, 18.0 + rng.gammavariate(2.0, 7.5))
        roll = rng.random()
        sex = "F" if roll < (0.15 if young else 0.113) else ("X" if roll > 0.998 else "M")
        born = self.as_of - int(age * YEAR) - 1
        born_year = dt.date.fromordinal(born).year
        table = GIVEN_TABLES[("F" if sex == "F" else "M", born_year >= YOUNGER_FROM_YEAR)]
        given = table.pick(rng)
        variants = VARIANTS[given]
        if rng.random() < 0.08:  # a middle name, which other agencies may leave out
            middle = table.pick(rng)
            if middle != given:
                given = f"{given} {middle}"
        area = HOME_AREAS.pick(rng)
        substance_chance = 0.03 if age < 16 else (0.12 if age < 21 else 0.38)
        person = SimPerson(
            truth_id=truth_id,
            sex=sex,
            born=born,
            given=given,
            given_variants=variants,
            family=FAMILIES.pick(rng),
            area=area,
            postcode=addresses.postcode(rng, area),
            address=addresses.address(rng, area),
            substance=rng.random() < substance_chance,
            alcohol=rng.random() < (0.2 if age >= 18 else 0.08),
            # Exploitation of children: only people under 18 at some time in the window.
            cce=young and age < 24 and rng.random() < 0.15,
            birthdays=birthdays_of(born),
        )
        return person, age
