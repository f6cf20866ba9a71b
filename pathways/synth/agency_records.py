"""Which agencies hold a record of a person, and each agency's record of them: the first
an exact copy of the true identity, the others sometimes noisy (a typo, a nickname,
Mc/Mac, a wrong or missing date of birth, an old or missing address)."""

from __future__ import annotations

from pathways.synth import addresses
from pathways.synth.draws import Draws
from pathways.synth.lives import Offence, SimPerson, SimReferral
from pathways.synth.noise import (
    NOISE_KINDS,
    case_or_spacing,
    mc_mac,
    one_digit_off,
    transposed,
    typo,
)
from pathways.synth.parameters import AREAS, NAME_NOISE, PARTNER_AGENCY_OF_SERVICE


class AgencyRecords(Draws):
    """The agency-records part of the generator."""

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
                postcode = addresses.postcode(rng, moved_to)
                while postcode == person.postcode:
                    postcode = addresses.postcode(rng, moved_to)
                address = addresses.address(rng, moved_to)
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
            addresses.styled_postcode(rng, postcode) if postcode else "",
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
