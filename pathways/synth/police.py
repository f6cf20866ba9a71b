"""The police's record of a person's events: offences with the custody episodes that
follow some of them, overdoses, antisocial behaviour and concerns."""

from __future__ import annotations

from pathways.synth.draws import Draws
from pathways.synth.lives import Offence, SimPerson
from pathways.synth.parameters import CUSTODY_CHANCE, DAY_HOURS, EVENING_HOURS


class PoliceRecords(Draws):
    """The police-events part of the generator."""

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
        concerns, appended to `events` as tuples like those of `Generator.household`."""
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
