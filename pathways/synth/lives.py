"""The simulated lives the synthetic partnership is generated from: a true person, their
offences, what can trigger a referral, and a referral's history. Dates are ordinals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


class Offence:
    """An offence as generated: `day` is a date ordinal, `minute` -1 when time unknown."""

    __slots__ = ("day", "minute", "group", "category", "flags", "area", "keep", "conviction")

    def __init__(self, day: int, minute: int, group: str, category: str, flags: str, area: str):
        self.day = day
        self.minute = minute
        self.group = group
        self.category = category
        self.flags = flags
        self.area = area
        self.keep = False  # a referral's trigger: never thinned or lost to prison time
        self.conviction: tuple[int, str] | None = None  # (day, disposal) when convicted


class Trigger:
    """Something a referral can follow: an offence, antisocial behaviour, an overdose or
    an exploitation concern (day is a date ordinal)."""

    __slots__ = ("day", "kind", "group", "flags", "offence")

    def __init__(
        self, day: int, kind: str, group: str, flags: str, offence: Offence | None = None
    ) -> None:
        self.day = day
        self.kind = kind
        self.group = group
        self.flags = flags
        self.offence = offence


@dataclass(slots=True)
class SimPerson:
    """A true person: identity as it really is, and what drives their history."""

    truth_id: str
    sex: str
    born: int  # date ordinal
    given: str
    given_variants: tuple[str, ...]
    family: str
    area: str
    postcode: str
    address: str
    substance: bool
    alcohol: bool
    cce: bool
    birthdays: dict[int, int]  # age in years -> date ordinal of that birthday

    def turns(self, years: int) -> int:
        """The date ordinal on which the person is `years` old (ages in BIRTHDAYS)."""
        return self.birthdays[years]


# The ages that matter: concerns from 10, criminal responsibility at 12, overdoses counted
# from 14, court at 16, adulthood at 18, youth services until 26.
BIRTHDAYS = (10, 12, 14, 16, 18, 26)


def birthdays_of(born: int) -> dict[int, int]:
    date = dt.date.fromordinal(born)
    found = {}
    for years in BIRTHDAYS:
        try:
            found[years] = date.replace(year=date.year + years).toordinal()
        except ValueError:  # born on 29 February: the birthday is 1 March
            found[years] = dt.date(date.year + years, 3, 1).toordinal()
    return found


@dataclass(slots=True)
class SimReferral:
    """One referral's history; dates are ordinals, 0 when not (yet) reached."""

    service: str
    referred: int
    decision: str = ""
    decided: int = 0
    consent: int = 0
    started: int = 0
    ended: int = 0
    end_reason: str = ""
