"""What every part of the generator draws on: the one seeded random source, the days of
history (date ordinals up to `as_of`), dates and local times as the files write them, and
the identifier counters."""

from __future__ import annotations

import datetime as dt
import random

from pathways.synth.identifiers import Refs
from pathways.synth.parameters import HISTORY_DAYS, Weighted


class Draws:
    """The generator's shared state and its small random draws of days and times; the
    parts of the generator (identity, offending, courts, police, agency records,
    referrals) are subclasses that all draw from the same `rng`, in a fixed order."""

    def __init__(self, seed: int, as_of: dt.date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of.toordinal()  # date ordinal of the last day generated
        self.start = self.as_of - HISTORY_DAYS + 1  # date ordinal of the first day
        self.refs = Refs()
        self.iso_cache: dict[int, str] = {}
        # The hour that does not exist in Europe/London when clocks go forward (01:00-02:00
        # on the last Sunday in March): a local time in it is not a valid time.
        self.spring_forward = set()
        for year in range(as_of.year - 90, as_of.year + 2):
            march_31 = dt.date(year, 3, 31)
            self.spring_forward.add(march_31.toordinal() - (march_31.weekday() + 1) % 7)

    def iso(self, ordinal: int) -> str:
        """The date as `YYYY-MM-DD`."""
        text = self.iso_cache.get(ordinal)
        if text is None:
            text = dt.date.fromordinal(ordinal).isoformat()
            self.iso_cache[ordinal] = text
        return text

    def stamp(self, day: int, minute: int) -> str:
        """`occurred_at`: a date, or a local date-time without offset."""
        if minute < 0:
            return self.iso(day)
        hour, minute = divmod(minute, 60)
        if hour == 1 and day in self.spring_forward:
            hour = 2
        return f"{self.iso(day)}T{hour:02d}:{minute:02d}:00"

    def minute_of_day(self, hours: Weighted, date_only: float = 0.12) -> int:
        """A time of day in minutes, or -1 (date only) for some records."""
        rng = self.rng
        if rng.random() < date_only:
            return -1
        return int(hours.pick(rng)) * 60 + int(rng.random() * 60)

    def day_between(self, first: int, last: int) -> int:
        """A random day (ordinal) from `first` to `last` inclusive."""
        # int(random() * n) rather than randrange(n): uniform enough, and twice as fast.
        return first + int(self.rng.random() * (last - first + 1))
