"""Rounding as OUTCOMES.md defines it: half away from zero, everywhere.

Python's `round` rounds half to even (`round(92.5) == 92`) and floats cannot hold most
decimal fractions exactly, so figures are divided and rounded as Decimals from the
integer counts the database returns.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# Decimal's ROUND_HALF_UP rounds ties away from zero for negative numbers too.
_WHOLE = Decimal(1)


def percentage(n: int, of: int) -> int | None:
    """`n` of `of` as a whole percent (92.5% -> 93); None when `of` is 0."""
    if of == 0:
        return None
    return int((Decimal(100 * n) / Decimal(of)).quantize(_WHOLE, rounding=ROUND_HALF_UP))


def change(after: int, before: int) -> float | None:
    """(after - before) / before to 4 decimal places (-0.28345 -> -0.2835); None when
    `before` is 0 (a change from nothing is undefined)."""
    if before == 0:
        return None
    exact = Decimal(after - before) / Decimal(before)
    return float(exact.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def mean(total: int, count: int, places: int = 1) -> float | None:
    """total / count to `places` decimal places; None when there is nothing to average."""
    if count == 0:
        return None
    exact = Decimal(total) / Decimal(count)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def median_of_middle(low: int, high: int) -> int | float:
    """The median from the two middle values (the same one for an odd count): a whole
    number when it is one, else the half it ends in (never rounded)."""
    total = low + high
    return total // 2 if total % 2 == 0 else total / 2
