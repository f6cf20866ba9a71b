"""Generating the synthetic partnership one true person (a `Household`) at a time from
one seeded random generator: their identity and agency records, offending and other
events, and referral histories."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pathways.synth.lives import Offence, SimPerson, SimReferral, birthdays_of
from pathways.synth.names import (
    DISTRICTS,
    FAMILY_NAMES,
    FEMALE_NAMES,
    MALE_NAMES,
    STREETS,
    UNIT_LETTERS,
    YOUNGER_FROM_YEAR,
    GivenName,
)
from pathways.synth.noise import (
    NOISE_KINDS,
    case_or_spacing,
    mc_mac,
    one_digit_off,
    transposed,
    typo,
)
from pathways.synth.parameters import (
    AREAS,
    BASE_GROUP_WEIGHTS,
    CATEGORIES,
    CONVICTION_CHANCE,
    CUSTODY_CHANCE,
    DAY_HOURS,
    EVENING_HOURS,
    EVENT_REF_SCHEME,
    HISTORY_DAYS,
    MAX_OFFENCES,
    NAME_NOISE,
    ONE_OFF,
    PARETO_ALPHA,
    PARETO_SCALE,
    PARTNER_AGENCY_OF_SERVICE,
    PERSON_REF_SCHEME,
    YEAR,
    Weighted,
    geometric_count,
)
from pathways.synth.referral_history import ReferralHistory

if TYPE_CHECKING:
    from pathways.synth.population import SynthData


@dataclass(slots=True)
class Household:
    """Everything generated for one true person: row tuples for each file, in column order."""

    people: list[tuple[str, ...]] = field(default_factory=list)
    events: list[tuple[str, ...]] = field(default_factory=list)
    referrals: list[tuple[str, ...]] = field(default_factory=list)
    truth: list[tuple[str, ...]] = field(default_factory=list)


# -- generation ------------------------------------------------------------------------------


class Refs:
    """Identifiers: a counter per scheme, its numbers scattered over the digits the scheme
    has (a bijection, so still unique) because real systems' identifiers are not 1, 2, 3
    in the order people appear in an extract."""

    # An odd multiplier not divisible by 5 is invertible modulo any power of ten.
    MULTIPLIER = 2_862_933_555_777_941_757
    INCREMENT = 1_442_695_040_888_963_407

    def __init__(self) -> None:
        # prefix -> [last number given, modulus, offset]
        self.schemes: dict[str, list[int]] = {}

    def next(self, prefix: str, digits: int) -> str:
        scheme = self.schemes.get(prefix)
        if scheme is None:
            offset = self.INCREMENT + sum(map(ord, prefix)) * 7_919
            scheme = self.schemes[prefix] = [0, 10**digits, offset]
        scheme[0] += 1
        n, modulus, offset = scheme
        if n >= modulus:  # more than the scheme was sized for: longer refs, still unique
            return f"{prefix}{n}"
        return f"{prefix}{(n * self.MULTIPLIER + offset) % modulus:0{digits}d}"


def _given_table(names: tuple[GivenName, ...], younger: bool) -> Weighted:
    return Weighted([(g.name, g.younger if younger else g.older) for g in names])


class Generator(ReferralHistory):
    """Generates households one true person at a time from a single seeded generator."""

    def __init__(self, data: SynthData) -> None:
        self.data = data
        self.rng = random.Random(data.seed)
        self.as_of = data.as_of.toordinal()
        self.start = self.as_of - HISTORY_DAYS + 1
        self.refs = Refs()
        self.iso_cache: dict[int, str] = {}
        # The hour that does not exist in Europe/London when clocks go forward (01:00-02:00
        # on the last Sunday in March): a local time in it is not a valid time.
        self.spring_forward = set()
        for year in range(data.as_of.year - 90, data.as_of.year + 2):
            march_31 = dt.date(year, 3, 31)
            self.spring_forward.add(march_31.toordinal() - (march_31.weekday() + 1) % 7)
        self.given_tables = {
            (sex, younger): _given_table(FEMALE_NAMES if sex == "F" else MALE_NAMES, younger)
            for sex in ("F", "M")
            for younger in (False, True)
        }
        self.variants = {g.name: g.variants for g in MALE_NAMES + FEMALE_NAMES}
        self.families = Weighted(FAMILY_NAMES)
        self.areas = Weighted([("NE", 38), ("NW", 32), ("S", 30)])
        self.group_tables: dict[tuple[bool, bool, bool, bool], Weighted] = {}

    # -- helpers ------------------------------------------------------------------------

    def iso(self, ordinal: int) -> str:
        text = self.iso_cache.get(ordinal)
        if text is None:
            text = dt.date.fromordinal(ordinal).isoformat()
            self.iso_cache[ordinal] = text
        return text

    def stamp(self, day: int, minute: int) -> str:
        """`occurred_at`: a date, or a local date-time without offset."""
        if minute < 0:
            return self.iso(day)
        hour, minute = divmod(minute, 60)
        if hour == 1 and day in self.spring_forward:
            hour = 2
        return f"{self.iso(day)}T{hour:02d}:{minute:02d}:00"

    def minute_of_day(self, hours: Weighted, date_only: float = 0.12) -> int:
        """A time of day in minutes, or -1 (date only) for some records."""
        rng = self.rng
        if rng.random() < date_only:
            return -1
        return int(hours.pick(rng)) * 60 + int(rng.random() * 60)

    def day_between(self, first: int, last: int) -> int:
        """A random day (ordinal) from `first` to `last` inclusive."""
        # int(random() * n) rather than randrange(n): uniform enough, and twice as fast.
        return first + int(self.rng.random() * (last - first + 1))

    def households(self) -> Iterator[Household]:
        for number in range(1, self.data.people + 1):
            yield self.household(f"T{number:07d}")

    # -- one true person -------------------------------------------------------------------

    def household(self, truth_id: str) -> Household:
        """Everything about one true person: their records, events and referrals."""
        rng = self.rng
        person, age = self.person(truth_id)
        # A few people are not known to this police division: people convicted of offences
        # committed elsewhere (known to justice social work only), and people known only
        # to addiction services or children and families.
        roll = rng.random()
        elsewhere = roll < 0.01 and age >= 17
        known_to_police = roll >= 0.015 or (roll < 0.01 and not elsewhere)

        offences = self.offences(person, age) if known_to_police or elsewhere else []
        asb = self.asb_days(person, age) if known_to_police else []
        overdoses = self.overdose_days(person) if known_to_police else []
        concerns = self.concerns(person, age) if known_to_police else []
        referrals: list[SimReferral] = []
        if known_to_police:
            offences, referrals = self.referrals(person, age, offences, asb, overdoses, concerns)
        offences, prison = self.courts(person, offences)
        if person.substance and known_to_police:
            for _, released in prison:
                # The weeks after release from prison are when overdoses happen.
                if rng.random() < 0.3 and released + 28 <= self.as_of:
                    overdoses.append(released + rng.randrange(28))

        house = Household()
        agencies = self.agencies(person, known_to_police, elsewhere, offences, overdoses)
        agencies += [a for a in self.partner_agencies(referrals) if a not in agencies]
        refs: dict[str, str] = {}
        for index, agency in enumerate(agencies):
            prefix, digits = PERSON_REF_SCHEME[agency]
            refs[agency] = self.refs.next(prefix, digits)
            house.people.append(self.record(agency, refs[agency], person, primary=index == 0))
            house.truth.append((agency, refs[agency], truth_id))

        # (occurred_at, agency, kind, person_ref, crime_group, category, area, flags,
        # disposal, offence_date): sorted on occurred_at before refs are given.
        events: list[tuple[str, ...]] = []
        if "POLICE" in refs:
            self.police_events(events, person, refs["POLICE"], offences, asb, overdoses, concerns)
        if "HSCP_CJSW" in refs:
            self.conviction_events(events, person, refs["HSCP_CJSW"], offences)
        # Chronological within a person, as an agency's extract would list them.
        events.sort(key=lambda event: event[0])
        for occurred, agency, kind, ref, *details in events:
            prefix, digits = EVENT_REF_SCHEME[(agency, kind)]
            event_ref = self.refs.next(prefix, digits)
            house.events.append((agency, event_ref, ref, kind, occurred, *details))
        for referral in referrals:
            house.referrals.append(self.referral_row(referral, refs["POLICE"]))
        return house

    def agencies(
        self,
        person: SimPerson,
        known_to_police: bool,
        elsewhere: bool,
        offences: list[Offence],
        overdoses: list[int],
    ) -> list[str]:
        """The statutory agencies that hold a record of the person, in a fixed order; the
        first holds the person's primary record (an exact copy of their identity)."""
        rng = self.rng
        agencies: list[str] = []
        if known_to_police:
            agencies.append("POLICE")
        if elsewhere or any(offence.conviction for offence in offences):
            agencies.append("HSCP_CJSW")  # convictions are recorded by justice social work
        under_18_in_window = person.turns(18) > self.start
        cf_chance = 0.85 if person.cce else 0.3
        if under_18_in_window and rng.random() < cf_chance:
            agencies.append("HSCP_CF")
        adrs_chance = 0.75 if overdoses else (0.45 if person.substance else 0.0)
        if rng.random() < adrs_chance:
            agencies.append("HSCP_ADRS")
        if not agencies:
            agencies.append("HSCP_CF" if under_18_in_window else "HSCP_ADRS")
        return agencies

    @staticmethod
    def partner_agencies(referrals: list[SimReferral]) -> list[str]:
        """Providers that keep their own record of people they accepted, in order."""
        found: list[str] = []
        for referral in referrals:
            partner = PARTNER_AGENCY_OF_SERVICE.get(referral.service)
            if referral.decision == "accepted" and partner and partner not in found:
                found.append(partner)
        return found

    def conviction_events(
        self, events: list[tuple[str, ...]], person: SimPerson, ref: str, offences: list[Offence]
    ) -> None:
        """Justice social work's record of convictions, dated by the court."""
        rng = self.rng
        for offence in offences:
            if offence.conviction:
                day, disposal = offence.conviction
                # Court dates are mostly recorded as dates; some with the sitting time.
                minute = -1 if rng.random() < 0.7 else rng.randrange(9 * 60, 16 * 60)
                events.append(
                    (
                        self.stamp(day, minute),
                        "HSCP_CJSW",
                        "conviction",
                        ref,
                        offence.group,
                        offence.category,
                        person.area,
                        offence.flags,
                        disposal,
                        self.iso(offence.day),
                    )
                )

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
        table = self.given_tables[("F" if sex == "F" else "M", born_year >= YOUNGER_FROM_YEAR)]
        given = table.pick(rng)
        variants = self.variants[given]
        if rng.random() < 0.08:  # a middle name, which other agencies may leave out
            middle = table.pick(rng)
            if middle != given:
                given = f"{given} {middle}"
        area = self.areas.pick(rng)
        substance_chance = 0.03 if age < 16 else (0.12 if age < 21 else 0.38)
        person = SimPerson(
            truth_id=truth_id,
            sex=sex,
            born=born,
            given=given,
            given_variants=variants,
            family=self.families.pick(rng),
            area=area,
            postcode=self.postcode(area),
            address=self.address(area),
            substance=rng.random() < substance_chance,
            alcohol=rng.random() < (0.2 if age >= 18 else 0.08),
            # Exploitation of children: only people under 18 at some time in the window.
            cce=young and age < 24 and rng.random() < 0.15,
            birthdays=birthdays_of(born),
        )
        return person, age

    # -- offending ---------------------------------------------------------------------------

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
        groups = self.group_table(person, age)
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

    def group_table(self, person: SimPerson, age: float) -> Weighted:
        key = (person.substance, age < 26, person.sex == "F", person.alcohol)
        table = self.group_tables.get(key)
        if table is None:
            weights = dict(BASE_GROUP_WEIGHTS)
            if person.substance:  # acquisitive crime to fund a dependency; drugs offences
                weights["dishonesty"] *= 2.6
                weights["society"] *= 1.3
            if age < 26:
                for group, factor in (
                    ("violence", 1.4),
                    ("antisocial", 1.5),
                    ("damage", 2.0),
                    ("dishonesty", 0.8),
                    ("road_traffic", 0.3),
                ):
                    weights[group] *= factor
            if person.sex == "F":
                weights["dishonesty"] *= 1.3
                weights["violence"] *= 0.7
                weights["sexual"] *= 0.1
            if person.alcohol:
                weights["violence"] *= 1.3
                weights["antisocial"] *= 1.4
            table = Weighted(list(weights.items()))
            self.group_tables[key] = table
        return table

    def offence_flags(self, person: SimPerson, day: int, group: str, category: str) -> str:
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

    # -- referrals ---------------------------------------------------------------------------

    def courts(
        self, person: SimPerson, offences: list[Offence]
    ) -> tuple[list[Offence], list[tuple[int, int]]]:
        """Convictions for some offences by people aged 16 or over (younger ones go to the
        children's hearings system); custodial sentences take people out of circulation,
        so offences that would have fallen in prison time do not happen. Returns the
        offences that happened and the (from, to) days spent in prison."""
        rng = self.rng
        prison: list[tuple[int, int]] = []
        kept: list[Offence] = []
        priors = 0
        for offence in offences:
            # A later offence's sentence starts after that offence, so every interval that
            # can cover this offence is already known.
            if not offence.keep and any(a <= offence.day < b for a, b in prison):
                continue
            kept.append(offence)
            if offence.conviction:
                priors += 1
                continue
            if offence.day < person.turns(16):
                continue
            if rng.random() >= CONVICTION_CHANCE[offence.group]:
                continue
            convicted = offence.day + min(600, 21 + int(rng.expovariate(1 / 100)))
            if convicted > self.as_of:
                continue  # not yet through the courts
            custody = min(35.0, 2.0 + 5.0 * priors)
            disposal = Weighted(
                [
                    ("custody", custody),
                    ("cpo", 25),
                    ("fine", 35),
                    ("admonition", max(4.0, 20.0 - 4.0 * priors)),
                    ("deferred", 10),
                    ("other", 6),
                ]
            ).pick(rng)
            offence.conviction = (convicted, disposal)
            priors += 1
            if disposal == "custody":
                sentence = int(rng.triangular(28, 900, 120))
                prison.append((convicted, convicted + sentence // 2))  # half served
        return kept, prison

    # -- police events ------------------------------------------------------------------------

    def police_events(
        self,
        events: list[tuple[str, ...]],
        person: SimPerson,
        ref: str,
        offences: list[Offence],
        asb: list[int],
        overdoses: list[int],
        concerns: list[tuple[int, str]],
    ) -> None:
        """Offences with their custody episodes, overdoses, antisocial behaviour and
        concerns, as tuples like those of `household`."""
        rng = self.rng
        home = person.area
        for offence in offences:
            events.append(
                (
                    self.stamp(offence.day, offence.minute),
                    "POLICE",
                    "offence",
                    ref,
                    offence.group,
                    offence.category,
                    offence.area,
                    offence.flags,
                    "",
                    "",
                )
            )
            chance = CUSTODY_CHANCE[offence.group]
            if offence.day < person.turns(16):
                chance *= 0.3  # children are rarely held in police custody
            if rng.random() < chance:
                events.append(
                    (
                        self.custody_stamp(offence.day, offence.minute),
                        "POLICE",
                        "custody",
                        ref,
                        "",
                        "",
                        offence.area,
                        "",
                        "",
                        "",
                    )
                )
        for day in overdoses:
            flags = "substance;alcohol" if rng.random() < 0.15 else "substance"
            if not person.substance and rng.random() < 0.5:
                flags = ""  # a first, unexpected overdose
            stamp = self.stamp(day, self.minute_of_day(EVENING_HOURS))
            events.append((stamp, "POLICE", "overdose", ref, "", "", home, flags, "", ""))
        for day in asb:
            stamp = self.stamp(day, self.minute_of_day(EVENING_HOURS, 0.2))
            events.append((stamp, "POLICE", "asb", ref, "", "", home, "", "", ""))
        for day, flags in concerns:
            stamp = self.stamp(day, self.minute_of_day(DAY_HOURS))
            events.append((stamp, "POLICE", "concern", ref, "", "", home, flags, "", ""))

    def custody_stamp(self, day: int, minute: int) -> str:
        """Arrest soon after the offence: the same day mostly, sometimes past midnight."""
        rng = self.rng
        if minute < 0:
            return self.iso(day if rng.random() < 0.85 else min(self.as_of, day + 1))
        minute += 10 + int(rng.random() * 290)
        if minute >= 24 * 60:
            if day + 1 > self.as_of:
                minute = 24 * 60 - 1
            else:
                day, minute = day + 1, minute - 24 * 60
        return self.stamp(day, minute)

    # -- identities -------------------------------------------------------------------------

    def postcode(self, area: str) -> str:
        """A Glasgow postcode in the area, normalised (`G31 2AB`)."""
        rng = self.rng
        district = rng.choice(DISTRICTS[area])
        letters = rng.choice(UNIT_LETTERS) + rng.choice(UNIT_LETTERS)
        return f"G{district} {rng.randint(1, 9)}{letters}"

    def styled_postcode(self, postcode: str) -> str:
        """The postcode as someone typed it: mostly tidy, some lower case or oddly spaced."""
        roll = self.rng.random()
        if roll < 0.05:
            return postcode.lower()
        if roll < 0.08:
            return postcode.replace(" ", "")
        if roll < 0.10:
            return postcode.replace(" ", "  ")
        if roll < 0.11:
            return postcode.lower().replace(" ", "")
        return postcode

    def address(self, area: str) -> str:
        rng = self.rng
        street = rng.choice(STREETS[area])
        number = rng.randint(1, 420)
        if rng.random() < 0.45:  # a tenement flat: floor/position, the Glasgow way
            return f"Flat {rng.randint(0, 4)}/{rng.randint(1, 3)}, {number} {street}, Glasgow"
        return f"{number} {street}, Glasgow"

    def record(self, agency: str, ref: str, person: SimPerson, primary: bool) -> tuple[str, ...]:
        """One agency's record of the person: the primary record exact, the others with a
        third having a noisy name or date of birth, and older or missing details."""
        rng = self.rng
        given, family, born = person.given, person.family, self.iso(person.born)
        postcode, address, area, sex = person.postcode, person.address, person.area, person.sex
        if not primary:
            if rng.random() < NAME_NOISE:
                given, family, born = self.noisy_identity(person, given, family, born)
                if rng.random() < 0.1:  # sometimes two things are wrong
                    given, family, born = self.noisy_identity(person, given, family, born)
            roll = rng.random()
            if roll < 0.10:  # an old address
                moved_to = rng.choice(AREAS)
                postcode = self.postcode(moved_to)
                while postcode == person.postcode:
                    postcode = self.postcode(moved_to)
                address = self.address(moved_to)
            elif roll < 0.17:
                postcode = ""
                address = "" if rng.random() < 0.5 else address
            roll = rng.random()
            if roll < 0.03:
                sex = ""
            elif roll < 0.04:
                sex = "U"
            if rng.random() < 0.08:
                area = ""
        return (
            agency,
            ref,
            given,
            family,
            born,
            sex,
            self.styled_postcode(postcode) if postcode else "",
            area,
            address,
        )

    def noisy_identity(
        self, person: SimPerson, given: str, family: str, born: str
    ) -> tuple[str, str, str]:
        """Change the name or date of birth the way records differ between agencies.
        Always changes something."""
        rng = self.rng
        kind = NOISE_KINDS.pick(rng)
        if " " in given and rng.random() < 0.4:
            kind = "middle_name"  # most often left out when there is one
        if kind == "nickname":
            first, _, rest = given.partition(" ")
            variants = person.given_variants if first == person.given.split(" ")[0] else ()
            if variants:
                return rng.choice(variants), family, born
            kind = "typo"
        if kind == "mc_mac":
            changed = mc_mac(family, rng)
            if changed != family:
                return given, changed, born
            kind = "case_spacing"
        if kind == "middle_name":
            if " " in given:
                return given.split(" ")[0], family, born
            kind = "typo"
        if kind == "no_given_name" and given:
            return "", family, born
        if kind == "dob_missing" and born:
            return given, family, ""
        if kind == "dob_transposed" and born:
            swapped = transposed(born)
            if swapped and swapped <= self.iso(self.as_of):
                return given, family, swapped
            kind = "dob_digit"
        if kind == "dob_digit" and born:
            changed = one_digit_off(born, rng, self.iso(self.as_of))
            if changed:
                return given, family, changed
            return given, family, ""
        if kind == "case_spacing":
            if given and rng.random() < 0.3:  # a system that keeps names in capitals
                return given.upper(), family.upper(), born
            changed = case_or_spacing(family, rng)
            if changed != family:
                return given, changed, born
        # A typo, in the given name or the family name.
        if given and (rng.random() < 0.55 or len(family) < 4):
            return typo(given, rng), family, born
        return given, typo(family, rng), born
