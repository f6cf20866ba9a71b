"""A deterministic synthetic partnership: people, their agency records, events and
referral histories, realistic enough for demos, tests and benchmarks.

`generate()` returns a `SynthData` that holds no rows: each iteration regenerates the
population person by person from one `random.Random(seed)`, so the same seed gives the
same rows (and files) byte for byte, and a million people stream through in a couple of
minutes in a few megabytes of memory.

What it models:

- a city's justice caseload: adults mostly aged 18-40, about 12% women, plus a group of
  young people aged 12-25 (a quarter of everyone); dates of birth relative to `as_of`;
- heavy-tailed offending over the six years before `as_of` (the most active tenth of
  offenders commit well over half the offences), acquisitive crime the most common;
  substance, alcohol and child-criminal-exploitation markers; police custody, usually the
  same day as an offence; non-fatal overdoses, mostly among people who use drugs;
  antisocial-behaviour incidents among young people; wellbeing and exploitation concerns;
  and convictions recorded by justice social work, with custodial sentences keeping
  people out of circulation for a while;
- the same person known to several agencies (police, justice social work, children and
  families, addiction services and the partners who run ADAPT, SIDESTEP and POP), about a
  third of the extra records with a noisy identity: typos, nicknames, Mc/Mac, a missing,
  transposed or mistyped date of birth, case and spacing, an old or missing postcode;
- referral histories: referred, decided, consent, started and ended in that order,
  engagements of about 60-400 days (mean about 180) when completed, and less offending
  after a completed engagement for most people.

Every row is valid under INTERCHANGE.md. `truth.csv` names the true person behind every
people.csv row, so record linkage can be scored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from pathways.feeds.formats import (
    EVENT_COLUMNS,
    PEOPLE_COLUMNS,
    REFERRAL_COLUMNS,
    TRUTH_COLUMNS,
)
from pathways.synth.generator import Generator, Household
from pathways.synth.parameters import DEFAULT_AS_OF

__all__ = [
    "EVENT_COLUMNS",
    "PEOPLE_COLUMNS",
    "REFERRAL_COLUMNS",
    "TRUTH_COLUMNS",
    "Household",
    "SynthData",
    "generate",
    "iter_event_rows",
    "iter_people_rows",
    "iter_referral_rows",
    "iter_truth_rows",
]

# -- public API -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SynthData:
    """A synthetic partnership of `people` true people, as of `as_of` (nothing later).

    Holds no rows: `households()` (and iterating) regenerates them, identically each time.
    """

    people: int
    seed: int
    as_of: dt.date

    def households(self) -> Iterator[Household]:
        """Each true person's rows, person by person, in a fixed order."""
        return Generator(self.people, self.seed, self.as_of).households()

    def __iter__(self) -> Iterator[Household]:
        return self.households()


def generate(people: int, seed: int = 1, as_of: dt.date = DEFAULT_AS_OF) -> SynthData:
    """A synthetic partnership of `people` true people, each with one or more agency
    records, whose events and referrals all fall on or before `as_of`."""
    if people < 0:
        raise ValueError("people must not be negative")
    return SynthData(people, seed, dt.date(as_of.year, as_of.month, as_of.day))


def iter_people_rows(data: SynthData) -> Iterator[dict[str, str]]:
    """people.csv rows as dicts keyed by the interchange column names ('' = unknown)."""
    for house in data.households():
        for row in house.people:
            yield dict(zip(PEOPLE_COLUMNS, row, strict=True))


def iter_event_rows(data: SynthData) -> Iterator[dict[str, str]]:
    """events.csv rows as dicts keyed by the interchange column names ('' = unknown)."""
    for house in data.households():
        for row in house.events:
            yield dict(zip(EVENT_COLUMNS, row, strict=True))


def iter_referral_rows(data: SynthData) -> Iterator[dict[str, str]]:
    """referrals.csv rows as dicts keyed by the interchange column names ('' = unknown)."""
    for house in data.households():
        for row in house.referrals:
            yield dict(zip(REFERRAL_COLUMNS, row, strict=True))


def iter_truth_rows(data: SynthData) -> Iterator[dict[str, str]]:
    """truth.csv rows (`agency,person_ref,true_person`), one per people.csv row."""
    for house in data.households():
        for row in house.truth:
            yield dict(zip(TRUTH_COLUMNS, row, strict=True))
