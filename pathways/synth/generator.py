"""Generating the synthetic partnership one true person (a `Household`) at a time from
one seeded random generator: their identity and agency records, offending and other
events, and referral histories.

`Generator` puts together the parts, each in its own module, that all draw from the same
random source (`draws.Draws`): `identity`, `offending`, `courts`, `police`,
`agency_records` and `referral_history`. The order of the draws is the data: changing it
changes every row after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from pathways.synth.agency_records import AgencyRecords
from pathways.synth.casework import Casework, CaseworkRows
from pathways.synth.courts import Courts
from pathways.synth.identity import Identities
from pathways.synth.lives import SimReferral
from pathways.synth.offending import Offending
from pathways.synth.parameters import EVENT_REF_SCHEME, PERSON_REF_SCHEME
from pathways.synth.police import PoliceRecords
from pathways.synth.referral_history import ReferralHistory


@dataclass(slots=True)
class Household:
    """Everything generated for one true person: row tuples for each file, in column order."""

    people: list[tuple[str, ...]] = field(default_factory=list)
    events: list[tuple[str, ...]] = field(default_factory=list)
    referrals: list[tuple[str, ...]] = field(default_factory=list)
    truth: list[tuple[str, ...]] = field(default_factory=list)
    casework: CaseworkRows = field(default_factory=CaseworkRows)


class Generator(
    Identities, Offending, Courts, PoliceRecords, AgencyRecords, ReferralHistory, Casework
):
    """Generates households one true person at a time from a single seeded generator."""

    def __init__(self, people: int, seed: int, as_of: dt.date) -> None:
        super().__init__(seed, as_of)
        self.people = people
        self.seed = seed

    def households(self) -> Iterator[Household]:
        """Each true person's rows, `T0000001` first."""
        for number in range(1, self.people + 1):
            yield self.household(f"T{number:07d}")

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
        if "HSCP_CJSW" in refs:
            # Justice social work's casework, from its own random source (synth.casework).
            convictions = [o.conviction for o in offences if o.conviction]
            # The latest date of birth any record gives: the person's may be any of them,
            # and the order's rules (unpaid work from 16, supervision under 18) must hold
            # whichever it is.
            written = [row[4] for row in house.people if row[4]]
            born = max([person.born, *(dt.date.fromisoformat(d).toordinal() for d in written)])
            house.casework = self.casework(truth_id, refs["HSCP_CJSW"], born, convictions)
        return house
