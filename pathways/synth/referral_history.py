"""Referral histories for the synthetic partnership: which triggers lead to referrals,
to which service, and how each referral goes (decision, consent, engagement, ending) —
and how engagement changes the offending that follows. A part of `Generator`."""

from __future__ import annotations

from pathways.synth.draws import Draws
from pathways.synth.lives import Offence, SimPerson, SimReferral, Trigger
from pathways.synth.parameters import (
    DECISION_WEIGHTS,
    DESIST,
    KEEP_AFTER_COMPLETED,
    KEEP_AFTER_OTHER_ENDING,
    KEEP_DURING,
    REFERRAL_BASE,
    REFERRAL_PER_OFFENCE,
    REFERRAL_REF_SCHEME,
    SHORT_ENGAGEMENT,
    STATUTORY_ENDINGS,
    STATUTORY_SERVICES,
    TRIGGER_CANDIDATES,
    VOLUNTARY_ENDINGS,
    Weighted,
)


class ReferralHistory(Draws):
    """The referral part of the generator."""

    def referrals(
        self,
        person: SimPerson,
        age: float,
        offences: list[Offence],
        asb: list[int],
        overdoses: list[int],
        concerns: list[tuple[int, str]],
    ) -> tuple[list[Offence], list[SimReferral]]:
        """The person's referral history (up to four, one after another), and their
        offences as changed by it: fewer during an engagement and after a completed one."""
        rng = self.rng
        # Referrals follow offending: the more of it, the likelier one is.
        chance = REFERRAL_BASE + REFERRAL_PER_OFFENCE * max(0, min(len(offences), 20) - 2)
        if age < 26:
            chance += 0.05
        if person.cce:
            chance += 0.4
        if person.sex == "F":
            chance += 0.04
        if not (offences or asb or overdoses or concerns) or rng.random() >= chance:
            return offences, []
        triggers = [Trigger(o.day, "offence", o.group, o.flags, o) for o in offences]
        triggers += [Trigger(day, "asb", "", "") for day in asb]
        triggers += [Trigger(day, "overdose", "", "substance") for day in overdoses]
        triggers += [Trigger(day, "concern", "", flags) for day, flags in concerns if flags]
        triggers.sort(key=lambda t: t.day)

        found: list[SimReferral] = []
        free_from = self.start
        while len(found) < 4:
            # Referrals follow something that happened, not the last days before as_of.
            candidates = [t for t in triggers if free_from <= t.day <= self.as_of - 3]
            if not candidates:
                break
            # What prompts a referral is usually a run of offending: of a few candidates,
            # the one with the most offences in the half-year before it.
            trigger = max(
                (rng.choice(candidates) for _ in range(TRIGGER_CANDIDATES)),
                key=lambda t: self.recent_offences(offences, t.day, 182),
            )
            referral = self.referral(person, trigger, offences)
            if referral is None:
                break
            found.append(referral)
            if referral.started:
                offences = self.after_engagement(offences, referral)
            resolved = referral.ended or referral.decided or referral.referred
            if not referral.decided or (referral.started and not referral.ended):
                break  # still pending or engaged: nothing new yet
            free_from = resolved + 30
            if rng.random() >= (0.35 if age < 26 else 0.25):
                break
        return offences, found

    def referral(
        self, person: SimPerson, trigger: Trigger, offences: list[Offence]
    ) -> SimReferral | None:
        """One referral prompted by `trigger`, taken as far as as_of allows: referred,
        decided, consent (voluntary services), started, ended. None if no service fits or
        it would fall after as_of."""
        rng = self.rng
        service = self.service_for(person, trigger, offences)
        if service is None:
            return None
        if service in STATUTORY_SERVICES:
            # Supervision follows a conviction and a community payback order.
            offence = trigger.offence
            assert offence is not None
            convicted = trigger.day + rng.randint(30, 200)
            if convicted > self.as_of:
                return None
            offence.conviction = (convicted, "cpo")
            referred = convicted + rng.randint(0, 14)
        elif service in ("POP", "COS"):
            referred = trigger.day + rng.randint(0, 7)  # from custody, or after an overdose
        else:
            referred = trigger.day + rng.randint(3, 45)
        if referred > self.as_of:
            return None
        if trigger.offence is not None:
            trigger.offence.keep = True
        referral = SimReferral(service, referred)
        if rng.random() < 0.85:
            decided = referred + int(rng.triangular(0, 42, 7))
        else:  # a waiting list, or a joint decision waiting for a meeting
            decided = referred + rng.randint(30, 100)
        if decided > self.as_of:
            return referral  # pending: only recent referrals are
        referral.decision = DECISION_WEIGHTS.pick(rng)
        referral.decided = decided
        if referral.decision != "accepted":
            return referral
        statutory = service in STATUTORY_SERVICES
        ready = decided
        if statutory:
            if rng.random() < 0.15:  # sometimes recorded though not needed
                consent = decided + rng.randint(0, 7)
                if consent > self.as_of:
                    return referral
                referral.consent = ready = consent
        else:
            if rng.random() < 0.07:
                return referral  # accepted, but the person never gave consent
            consent = decided + rng.randint(0, 14)
            if consent > self.as_of:
                return referral
            referral.consent = ready = consent
        started = ready + rng.randint(0, 21)
        if started > self.as_of:
            return referral
        referral.started = started
        reason = (STATUTORY_ENDINGS if statutory else VOLUNTARY_ENDINGS).pick(rng)
        if reason == "completed":
            length = int(rng.triangular(60, 400, 85))  # mean about 182 days
        else:
            low, high, mode = SHORT_ENGAGEMENT[reason]
            length = int(rng.triangular(low, high, mode))
        if started + length <= self.as_of:
            referral.ended = started + length
            referral.end_reason = reason
        return referral  # else still engaged

    def service_for(
        self, person: SimPerson, trigger: Trigger, offences: list[Offence]
    ) -> str | None:
        """A service the trigger would plausibly be referred to, mostly within its
        eligibility (age on the day, sex, crime groups, flags)."""
        options: list[tuple[str, float]] = []
        flags = trigger.flags
        over_16 = trigger.day >= person.turns(16)
        over_18 = trigger.day >= person.turns(18)
        # Youth services take people aged 12-25 when referred, up to 45 days after.
        youth = trigger.day >= person.turns(12) and trigger.day + 46 < person.turns(26)
        if youth:
            if "cce" in flags or "exploitation" in flags:
                options.append(("SIDESTEP", 8))
            if trigger.kind == "asb" or trigger.group == "antisocial":
                options += [("NRS_YIT", 4), ("ADAPT", 2)]
            if trigger.group in ("violence", "damage"):
                options.append(("ADAPT", 5))
            if trigger.kind != "concern":
                options.append(("BRAVEHEART", 1.5))
        if (
            over_16
            and person.sex == "M"
            and trigger.group == "dishonesty"
            and ("substance" in flags or "alcohol" in flags)
            and self.recent_offences(offences, trigger.day) >= 3
        ):
            options.append(("POP", 7))
        if trigger.kind == "overdose" and over_16:
            options.append(("COS", 3))
        if person.sex == "F" and over_16:
            options.append(("SACRO_WMS", 1.2))
            if over_18:
                options.append(("W218", 1.5))
        if trigger.kind == "offence" and over_16:
            options += [("STARS", 1.2), ("ISMS", 0.6), ("BRIDGING", 0.3)]
            if person.alcohol or "alcohol" in flags:
                options.append(("ATR", 1.0))
        if not options:
            return None
        return Weighted(options).pick(self.rng)

    @staticmethod
    def recent_offences(offences: list[Offence], day: int, days: int = 365) -> int:
        """Offences in the `days` days up to `day`."""
        return sum(1 for o in offences if day - days < o.day <= day)

    def after_engagement(self, offences: list[Offence], referral: SimReferral) -> list[Offence]:
        """Fewer offences while engaged; after a completed engagement some people stop for
        at least a year and the rest offend less; after any other ending, a little less."""
        rng = self.rng
        started, ended = referral.started, referral.ended or self.as_of + 1
        desists = referral.end_reason == "completed" and rng.random() < DESIST
        if referral.end_reason == "completed":
            keep_after = KEEP_AFTER_COMPLETED
        else:
            keep_after = KEEP_AFTER_OTHER_ENDING
        kept = []
        for offence in offences:
            if offence.keep or offence.day < started:
                kept.append(offence)
            elif offence.day <= ended:
                if rng.random() < KEEP_DURING:
                    kept.append(offence)
            elif desists:
                if offence.day > ended + 365 and rng.random() < 0.5:
                    kept.append(offence)
            elif rng.random() < keep_after:
                kept.append(offence)
        return kept

    def referral_row(self, referral: SimReferral, police_ref: str) -> tuple[str, ...]:
        """The referral as a referrals.csv row, under the person's police record."""
        prefix, digits = REFERRAL_REF_SCHEME
        iso = self.iso
        return (
            self.refs.next(prefix, digits),
            "POLICE",
            police_ref,
            referral.service,
            iso(referral.referred),
            referral.decision,
            iso(referral.decided) if referral.decided else "",
            iso(referral.consent) if referral.consent else "",
            iso(referral.started) if referral.started else "",
            iso(referral.ended) if referral.ended else "",
            referral.end_reason,
        )
