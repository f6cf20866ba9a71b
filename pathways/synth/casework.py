"""Justice social work's records for the synthetic partnership (CASEWORK.md): a court
report for most convictions, orders for community payback sentences (and some
structured deferred sentences), their unpaid work sessions and supervision appointments,
plans, reviews and assessments. A part of `Generator`.

It draws from a random source of its own, seeded by the partnership's seed and the true
person, so the rows of people.csv, events.csv and referrals.csv are the same with it as
without it. The shape, per year of a city of the demo's kind: about four reports per new
order; most orders have unpaid work (median about 120 hours), some supervision; about
three quarters of placements start within 7 days; attendance about 75%; some warnings
and breaches. Nothing is dated after `as_of`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from pathways.months import add_months
from pathways.synth.draws import Draws

RISK = (("very_low", 8), ("low", 30), ("medium", 35), ("high", 20), ("very_high", 7))
OUTCOMES = (("attended", 66), ("unacceptable_absence", 20), ("acceptable_absence", 9),
            ("sent_home", 5))  # fmt: skip
PROPOSALS = {
    "cpo": "A community payback order with unpaid work",
    "custody": "The court may consider custody unavoidable; a CPO with supervision is proposed",
    "fine": "A financial penalty; no supervision is needed",
    "deferred": "Deferral of sentence for good behaviour",
    "admonition": "An admonition",
    "other": "A restriction of liberty order",
}


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    total = sum(w for _, w in weighted)
    roll = rng.random() * total
    for value, weight in weighted:
        roll -= weight
        if roll < 0:
            return value
    return weighted[-1][0]


@dataclass(slots=True)
class CaseworkRows:
    """One person's rows for each casework file, in column order."""

    court_reports: list[tuple[str, ...]] = field(default_factory=list)
    orders: list[tuple[str, ...]] = field(default_factory=list)
    sessions: list[tuple[str, ...]] = field(default_factory=list)
    plans: list[tuple[str, ...]] = field(default_factory=list)
    reviews: list[tuple[str, ...]] = field(default_factory=list)
    assessments: list[tuple[str, ...]] = field(default_factory=list)


class Casework(Draws):
    """The casework part of the generator."""

    seed: int

    def casework(
        self, truth_id: str, ref: str, born: int, convictions: list[tuple[int, str]]
    ) -> CaseworkRows:
        """Rows for the person held by justice social work as `ref`, born on `born` (date
        ordinal), from their convictions (court day ordinal, disposal)."""
        rng = random.Random(f"{self.seed}:casework:{truth_id}")
        rows = CaseworkRows()
        for n, (day, disposal) in enumerate(convictions, start=1):
            tag = f"{truth_id[1:]}{n:02d}"
            if rng.random() < (0.95 if disposal in ("cpo", "custody") else 0.7):
                self._report(rng, rows, tag, ref, day, disposal)
                # A case adjourned for further reports: an earlier report for an earlier
                # diet (most cases that end in a community sentence have one or two).
                for extra in range(2 if disposal in ("cpo", "custody") else 1):
                    if rng.random() < (0.5 if extra == 0 else 0.15):
                        earlier = day - 28 - int(rng.random() * 14)
                        self._report(
                            rng, rows, f"{tag}{extra}", ref, earlier, disposal, final=False
                        )
            if disposal == "cpo" or (disposal == "deferred" and rng.random() < 0.1):
                self._order(rng, rows, tag, ref, born, day, "cpo" if disposal == "cpo" else "sds")
        return rows

    def _iso(self, day: int) -> str:
        return self.iso(day)

    def _report(self, rng: random.Random, rows: CaseworkRows, tag: str, ref: str, hearing: int,
                disposal: str, final: bool = True) -> None:  # fmt: skip
        requested = hearing - 21 - int(rng.random() * 15)
        if requested > self.as_of:
            return
        court = _pick(rng, (("sheriff_summary", 70), ("sheriff_solemn", 15),
                            ("justice_of_peace", 12), ("high", 3)))  # fmt: skip
        level = _pick(rng, RISK)
        roll = rng.random()
        if hearing > self.as_of:
            status, submitted = ("allocated" if rng.random() < 0.8 else "requested"), ""
        elif roll < 0.03:
            status, submitted = "cancelled", ""
        else:
            # Most reach the court two or three working days ahead; some on the last day,
            # a few late (the day of the hearing).
            before = 1 if roll > 0.94 else (0 if roll > 0.90 else 2 + int(rng.random() * 4))
            day = hearing - before
            while dt.date.fromordinal(day).weekday() >= 5:
                day -= 1
            status, submitted = "submitted", self._iso(max(day, requested + 1))
        done = status == "submitted"
        rows.court_reports.append((
            f"CR{tag}", "HSCP_CJSW", ref, court, self._iso(requested), self._iso(hearing),
            submitted, status, level if done else "", PROPOSALS.get(disposal, "") if done else "",
            disposal if done and final and hearing <= self.as_of else "",
        ))  # fmt: skip
        if done:
            rows.assessments.append((f"AS{tag}P", "HSCP_CJSW", ref, "LSCMI", "pre_sentence",
                                     self._iso(requested + 7), level))  # fmt: skip

    def _order(self, rng: random.Random, rows: CaseworkRows, tag: str, ref: str, born: int,
               imposed: int, kind: str) -> None:  # fmt: skip
        age = (imposed - born) / 365.25
        upw = supervision = None
        if kind == "cpo":
            if age >= 16 and rng.random() < 0.85:
                upw = max(20, min(300, int(rng.triangular(20, 300, 100)) // 5 * 5))
            if age < 18 or upw is None or rng.random() < 0.35:
                supervision = rng.choice((6, 9, 12, 12, 18, 24))
        order_ref = f"OR{tag}"
        # A structured deferred sentence is supervised by appointments for 6 months,
        # without a supervision requirement (that is a CPO's).
        appointments = supervision or (6 if kind == "sds" else None)
        ended = reason = ""
        # Sessions and appointments up to as_of; the order ends when done or revoked.
        last = imposed
        credited = 0.0
        misses = 0
        revoked = rng.random() < 0.08
        number = 0
        if upw:
            soon = rng.random() < 0.9  # the Fast Track team starts most within days
            start = imposed + (int(rng.random() * 5) if soon else 8 + int(rng.random() * 20))
            day = start
            while credited < upw and day <= self.as_of:
                number += 1
                offered = 7.0 if rng.random() < 0.85 else 3.5
                outcome = _pick(rng, OUTCOMES)
                got: float | None = None
                if outcome == "attended":
                    got = min(offered, upw - credited)
                elif outcome == "sent_home":
                    got = min(float(1 + int(rng.random() * 4)), offered - 0.5, upw - credited)
                if got is not None:
                    credited += got
                misses += outcome == "unacceptable_absence"
                got_text = "" if got is None else f"{got:g}"
                rows.sessions.append((f"SE{tag}{number:04d}", order_ref, "upw", self._iso(day),
                                      f"{offered:g}", outcome, got_text))  # fmt: skip
                last = day
                if revoked and misses >= 4:
                    break
                day += 2 + int(rng.random() * 4)
        if appointments:
            end = add_months(dt.date.fromordinal(imposed), appointments).toordinal()
            day = imposed + 3
            while day < end and day <= self.as_of:
                number += 1
                outcome = _pick(rng, OUTCOMES[:3])
                rows.sessions.append((f"SE{tag}{number:04d}", order_ref, "supervision",
                                      self._iso(day), "", outcome, ""))  # fmt: skip
                last = max(last, day)
                misses += outcome == "unacceptable_absence"
                day += 7 if day - imposed < 90 else 14
            last = max(last, end)
        if supervision:
            # A plan within 20 working days for most; reviews at 3 and 6 months, then 6-monthly.
            agreed = imposed + 5 + int(rng.triangular(0, 40, 14))
            if agreed <= self.as_of:
                rows.plans.append((f"PL{tag}", order_ref, self._iso(agreed)))
            months = [3, *range(6, supervision, 6)]
            for k, m in enumerate(m for m in months if m < supervision):
                due = add_months(dt.date.fromordinal(imposed), m).toordinal()
                held = ""
                if due - 14 <= self.as_of:
                    late = rng.random() < 0.2
                    on = due + (int(rng.random() * 20) + 1 if late else -int(rng.random() * 10))
                    held = self._iso(on) if on <= self.as_of else ""
                    rows.reviews.append((f"RV{tag}{k}", order_ref, self._iso(due), held))
            if rng.random() < 0.7 and imposed + 30 <= self.as_of:
                rows.assessments.append((f"AS{tag}S", "HSCP_CJSW", ref, "LSCMI", "post_sentence",
                                         self._iso(imposed + 28), _pick(rng, RISK)))  # fmt: skip
        if revoked and misses >= 4 and last + 30 <= self.as_of:
            ended, reason = self._iso(last + 30), "revoked_breach"
        elif (upw is None or credited >= upw) and last <= self.as_of - 1:
            ended, reason = self._iso(max(last, imposed + 1)), "completed"
        rows.orders.append((
            order_ref, "HSCP_CJSW", ref, kind, "sheriff_summary" if rng.random() < 0.8 else
            "justice_of_peace", self._iso(imposed), "", "" if upw is None else str(upw), "",
            "" if supervision is None else str(supervision), "", ended, reason,
        ))  # fmt: skip
