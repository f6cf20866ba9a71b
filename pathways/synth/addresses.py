"""Where people live: Glasgow postcodes and street addresses in an area, and postcodes as
someone typed them. Each draws from the generator's random source."""

from __future__ import annotations

import random

from pathways.synth.names import DISTRICTS, STREETS, UNIT_LETTERS


def postcode(rng: random.Random, area: str) -> str:
    """A Glasgow postcode in the area, normalised (`G31 2AB`)."""
    district = rng.choice(DISTRICTS[area])
    letters = rng.choice(UNIT_LETTERS) + rng.choice(UNIT_LETTERS)
    return f"G{district} {rng.randint(1, 9)}{letters}"


def styled_postcode(rng: random.Random, postcode: str) -> str:
    """The postcode as someone typed it: mostly tidy, some lower case or oddly spaced."""
    roll = rng.random()
    if roll < 0.05:
        return postcode.lower()
    if roll < 0.08:
        return postcode.replace(" ", "")
    if roll < 0.10:
        return postcode.replace(" ", "  ")
    if roll < 0.11:
        return postcode.lower().replace(" ", "")
    return postcode


def address(rng: random.Random, area: str) -> str:
    """A street address in the area: a house number, or a tenement flat."""
    street = rng.choice(STREETS[area])
    number = rng.randint(1, 420)
    if rng.random() < 0.45:  # a tenement flat: floor/position, the Glasgow way
        return f"Flat {rng.randint(0, 4)}/{rng.randint(1, 3)}, {number} {street}, Glasgow"
    return f"{number} {street}, Glasgow"
