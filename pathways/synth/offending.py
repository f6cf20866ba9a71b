"""A person's offending and the other events the police see: offences (heavy-tailed in
number, clustered in an active spell) with their crime group, category and flags;
antisocial behaviour; non-fatal overdoses; wellbeing and exploitation concerns."""

from __future__ import annotations

from functools import cache

from pathways.synth.draws import Draws
from pathways.synth.lives import Offence, SimPerson
from pathways.synth.parameters import (
    AREAS,
    BASE_GROUP_WEIGHTS,
    CATEGORIES,
    EVENING_HOURS,
    HISTORY_DAYS,
    MAX_OFFENCES,
    ONE_OFF,
    PARETO_ALPHA,
    PARETO_SCALE,
    Weighted,
    geometric_count,
)


@cache  # sixteen kinds of person: each table is built once
def group_weights(substance: bool, young: bool, female: bool, alcohol: bool) -> Weighted:
    """How likely each crime group is for a kind of person: someone who uses drugs, is
    under 26, is a woman, drinks heavily."""
    weights = dict(BASE_GROUP_WEIGHTS)
    if substance:  # acquisitive crime to fund a dependency; drugs offences
        weights["dishonesty"] *= 2.6
        weights["society"] *= 1.3
    if young:
        for group, factor in (
            ("violence", 1.4),
            ("antisocial", 1.5),
            ("damage", 2.0),
            ("dishonesty", 0.8),
            ("road_traffic", 0.3),
        ):
            weights[group] *= factor
    if female:
        weights["dishonesty"] *= 1.3
        weights["violence"] *= 0.7
        weights["sexual"] *= 0.1
    if alcohol:
        weights["violence"] *= 1.3
        weights["antisocial"] *= 1.4
    return Weighted(list(weights.items()))


class Offending(Draws):
    """The offending part of the generator."""

    def offences(self, person: SimPerson, age: float) -> list[Offence]:
        """The person's offences, oldest first: heavy-tailed in number, clustered in an
        active spell, never before the age of criminal responsibility (12)."""
        rng = self.rng
        earliest = max(self.start, person.turns(12))
        span = self.as_of - earliest
        # Some are known to police, but never as the accused: fewer of those who use drugs.
        if span < 0 or rng.random() < (0.06 if person.substance else 0.15):
            return []
        # Heavy-tailed, a drug dependency driving the most prolific.
        # Fewer one-off offenders among people with a drug dependency.
        if rng.random() < (ONE_OFF / 2 if person.substance else ONE_OFF):
            count = 1.0
        else:
            count = rng.paretovariate(PARETO_ALPHA) * PARETO_SCALE
            count *= 1.6 if person.substance else 1.0
        # Someone who turned 12 recently has had less time to offend.
        count *= min(1.0, 0.3 + span / HISTORY_DAYS)
        count_int = max(1, min(MAX_OFFENCES, int(count)))
        if count_int <= 2:
            first, last = earliest, self.as_of
        else:
            length = int(span * rng.uniform(0.35, 1.0))
            first = earliest + rng.randrange(span - length + 1)
            last = first + length
        days = sorted(self.day_between(first, last) for _ in range(count_int))
        groups = group_weights(person.substance, age < 26, person.sex == "F", person.alcohol)
        offences = []
        for day in days:
            group = groups.pick(rng)
            category = CATEGORIES[group].pick(rng)
            flags = self.offence_flags(person, day, group, category)
            roll = rng.random()
            area = person.area if roll < 0.75 else ("" if roll > 0.95 else rng.choice(AREAS))
            offences.append(
                Offence(day, self.minute_of_day(EVENING_HOURS), group, category, flags, area)
            )
        return offences

    def offence_flags(self, person: SimPerson, day: int, group: str, category: str) -> str:
        """The offence's flags, `;`-separated: substance, alcohol, domestic, cce, weapon,
        hate, exploitation."""
        rng = self.rng
        flags = []
        if person.substance:
            if rng.random() < (0.75 if group in ("dishonesty", "society") else 0.5):
                flags.append("substance")
        elif category in ("drugs_possession", "drugs_supply") and rng.random() < 0.5:
            flags.append("substance")
        if category in ("drunkenness", "drink_driving") or (
            rng.random() < (0.5 if person.alcohol else 0.05)
            and group in ("violence", "antisocial", "damage")
        ):
            flags.append("alcohol")
        if group == "violence" and person.sex != "F" and rng.random() < 0.22:
            flags.append("domestic")
        if (
            person.cce
            and group in ("society", "dishonesty", "violence")
            and day < person.turns(18)
            and rng.random() < 0.6
        ):
            flags.append("cce")
        if category == "offensive_weapon" or (group == "violence" and rng.random() < 0.12):
            flags.append("weapon")
        if group in ("violence", "antisocial") and rng.random() < 0.02:
            flags.append("hate")
        if group == "sexual" and rng.random() < 0.2:
            flags.append("exploitation")
        return ";".join(flags)

    def asb_days(self, person: SimPerson, age: float) -> list[int]:
        """Antisocial-behaviour incidents: mostly while aged 12-25."""
        rng = self.rng
        first = max(self.start, person.turns(12))
        last = min(self.as_of, person.turns(26) - 1)
        count = geometric_count(rng, 1.1) if age < 32 else 0
        if first > last:
            first, last, count = self.start, self.as_of, 0
        if rng.random() < 0.06:  # an adult neighbour dispute, now and then
            count += 1
            first, last = max(first, self.start), self.as_of
        return [self.day_between(first, last) for _ in range(count)]

    def overdose_days(self, person: SimPerson) -> list[int]:
        """Non-fatal overdoses, from age 14: mostly people who use drugs."""
        rng = self.rng
        first = max(self.start, person.turns(14))
        if first > self.as_of:
            return []
        count = geometric_count(rng, 0.7) if person.substance else int(rng.random() < 0.005)
        return [self.day_between(first, self.as_of) for _ in range(count)]

    def concerns(self, person: SimPerson, age: float) -> list[tuple[int, str]]:
        """Wellbeing and exploitation concerns: (day, flags)."""
        rng = self.rng
        found: list[tuple[int, str]] = []
        childhood_end = min(self.as_of, person.turns(18) - 1)
        childhood_start = max(self.start, person.turns(10))
        if person.cce and childhood_start <= childhood_end:
            for _ in range(1 + geometric_count(rng, 1.0)):
                flags = "cce;exploitation" if rng.random() < 0.3 else "cce"
                found.append((self.day_between(childhood_start, childhood_end), flags))
        elif childhood_start <= childhood_end and rng.random() < 0.08:
            found.append((self.day_between(childhood_start, childhood_end), ""))
        elif age >= 18 and rng.random() < 0.04:
            flags = "domestic" if person.sex == "F" and rng.random() < 0.5 else ""
            found.append((self.day_between(self.start, self.as_of), flags))
        return found
