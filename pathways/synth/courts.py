"""Courts and convictions: which offences end in a conviction and with what disposal,
the prison time a custodial sentence takes out of circulation, and justice social work's
record of each conviction."""

from __future__ import annotations

from pathways.synth.draws import Draws
from pathways.synth.lives import Offence, SimPerson
from pathways.synth.parameters import CONVICTION_CHANCE, Weighted


class Courts(Draws):
    """The courts part of the generator."""

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

    def conviction_events(
        self, events: list[tuple[str, ...]], person: SimPerson, ref: str, offences: list[Offence]
    ) -> None:
        """Justice social work's record of convictions, dated by the court, appended to
        `events` as tuples like those of `Generator.household`."""
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
