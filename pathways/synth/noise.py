"""Identity noise: how an agency's record of a person differs from the truth (typos,
Mc/Mac, case and spacing, transposed or mistyped dates of birth)."""

from __future__ import annotations

import datetime as dt
import random

from pathways.synth.parameters import Weighted

NOISE_KINDS = Weighted(
    [
        ("typo", 20),
        ("nickname", 16),
        ("mc_mac", 10),
        ("case_spacing", 11),
        ("middle_name", 3),
        ("no_given_name", 2),
        ("dob_missing", 12),
        ("dob_transposed", 9),
        ("dob_digit", 11),
    ]
)


def typo(text: str, rng: random.Random) -> str:
    """Two neighbouring letters swapped, or a letter dropped (never the first)."""
    swaps = [
        i
        for i in range(1, len(text) - 1)
        if text[i] != text[i + 1] and text[i].isalpha() and text[i + 1].isalpha()
    ]
    if swaps and rng.random() < 0.5:
        i = rng.choice(swaps)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if len(text) >= 3:
        i = rng.randrange(1, len(text))
        return text[:i] + text[i + 1 :]
    return text + text[-1:]  # a doubled letter: "Al" -> "All"


def mc_mac(family: str, rng: random.Random) -> str:
    """McDonald <-> MacDonald, sometimes spaced or in capitals (MC DONALD, Mac Donald)."""
    if family.startswith("Mac") and len(family) > 3 and family[3].isupper():
        rest, other = family[3:], "Mc"
    elif family.startswith("Mc") and len(family) > 2 and family[2].isupper():
        rest, other = family[2:], "Mac"
    else:
        return family
    roll = rng.random()
    if roll < 0.7:
        return other + rest
    if roll < 0.85:
        return f"{family[: len(family) - len(rest)]} {rest}"
    return (other + rest).upper()


def case_or_spacing(family: str, rng: random.Random) -> str:
    """How the same surname gets typed: capitals, O'Neill as O Neill or ONeill."""
    if "'" in family and rng.random() < 0.6:
        return family.replace("'", " " if rng.random() < 0.5 else "")
    if rng.random() < 0.8:
        return family.upper()
    return family.lower()


def transposed(born: str) -> str:
    """Day and month swapped (2001-03-07 -> 2001-07-03); '' when that is no change or no
    date."""
    year, month, day = born.split("-")
    if day == month or int(day) > 12:
        return ""
    return f"{year}-{day}-{month}"


def one_digit_off(born: str, rng: random.Random, latest: str) -> str:
    """One digit of the year's last digit, the month or the day mistyped; '' if no valid
    date comes of it."""
    positions = (3, 6, 8, 9)  # YYYY-MM-DD: last year digit, month units, day tens and units
    for _ in range(8):
        i = rng.choice(positions)
        digit = rng.choice([d for d in "0123456789" if d != born[i]])
        candidate = born[:i] + digit + born[i + 1 :]
        try:
            dt.date.fromisoformat(candidate)
        except ValueError:
            continue
        if candidate <= latest:
            return candidate
    return ""
