"""Identifiers for the synthetic partnership's records, events and referrals: a counter
per scheme (prefix and digits, see `parameters`), its numbers scattered over the digits."""

from __future__ import annotations


class Refs:
    """Identifiers: a counter per scheme, its numbers scattered over the digits the scheme
    has (a bijection, so still unique) because real systems' identifiers are not 1, 2, 3
    in the order people appear in an extract."""

    # An odd multiplier not divisible by 5 is invertible modulo any power of ten.
    MULTIPLIER = 2_862_933_555_777_941_757
    INCREMENT = 1_442_695_040_888_963_407

    def __init__(self) -> None:
        # prefix -> [last number given, modulus, offset]
        self.schemes: dict[str, list[int]] = {}

    def next(self, prefix: str, digits: int) -> str:
        """The scheme's next identifier: `prefix` and `digits` digits."""
        scheme = self.schemes.get(prefix)
        if scheme is None:
            offset = self.INCREMENT + sum(map(ord, prefix)) * 7_919
            scheme = self.schemes[prefix] = [0, 10**digits, offset]
        scheme[0] += 1
        n, modulus, offset = scheme
        if n >= modulus:  # more than the scheme was sized for: longer refs, still unique
            return f"{prefix}{n}"
        return f"{prefix}{(n * self.MULTIPLIER + offset) % modulus:0{digits}d}"
