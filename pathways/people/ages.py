"""A person's age, worked out one way everywhere (pages, eligibility, signposts, which
social work acts, the order rules, the research extract's age bands)."""

from __future__ import annotations

import datetime as dt


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    """Age in whole years on `day` (None when the date of birth is not known); a birthday
    on 29 February comes on 1 March in other years."""
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
