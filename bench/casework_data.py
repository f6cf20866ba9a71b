"""Justice social work's casework at the size issue 20 names, for bench.casework: about
30,000 orders of people the synthetic partnership's justice social work holds, each
with its sessions and appointments (about 3,000,000 in all), about four court reports
per order, plans, reviews and assessments, written as CASEWORK.md's six CSV files and
loaded through `pathways import` like any migration. One order has exactly 300
sessions (the order page's figure). Deterministic (seed 20).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from pathways.feeds.formats import (
    ASSESSMENT_COLUMNS,
    COURT_REPORT_COLUMNS,
    ORDER_COLUMNS,
    PLAN_COLUMNS,
    REVIEW_COLUMNS,
    SESSION_COLUMNS,
)
from pathways.months import add_months

AS_OF = dt.date(2026, 11, 1)
FIRST = dt.date(2020, 11, 2)
LEVELS = ("very_low", "low", "medium", "high", "very_high")
COURTS = ("sheriff_summary",) * 7 + ("sheriff_solemn", "justice_of_peace", "high")
BUSY_ORDER = "BENCH-BUSY"


def _outcome(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.66:
        return "attended"
    if roll < 0.86:
        return "unacceptable_absence"
    return "acceptable_absence" if roll < 0.95 else "sent_home"


def write_casework(people_csv: Path, out: Path, orders: int) -> dict[str, Path]:
    """The six files for `orders` orders spread over the justice social work records of
    `people_csv` (adults only); their paths by kind."""
    rng = random.Random(20)
    with people_csv.open(encoding="utf-8") as handle:
        refs = [
            r["person_ref"] for r in csv.DictReader(handle)
            if r["agency"] == "HSCP_CJSW" and r["date_of_birth"]
            and dt.date.fromisoformat(r["date_of_birth"]) < dt.date(1998, 1, 1)
        ]  # fmt: skip
    names = {"orders": ORDER_COLUMNS, "sessions": SESSION_COLUMNS,
             "court_reports": COURT_REPORT_COLUMNS, "plans": PLAN_COLUMNS,
             "reviews": REVIEW_COLUMNS, "assessments": ASSESSMENT_COLUMNS}  # fmt: skip
    paths = {kind: out / f"bench-{kind}.csv" for kind in names}
    handles = {kind: paths[kind].open("w", encoding="utf-8", newline="") for kind in names}
    w = {kind: csv.writer(handles[kind], lineterminator="\n") for kind in names}
    for kind, columns in names.items():
        w[kind].writerow(columns)
    span = (AS_OF - FIRST).days
    try:
        for n in range(orders):
            ref = refs[rng.randrange(len(refs))]
            busy = n == 0
            imposed = FIRST + dt.timedelta(days=rng.randrange(span))
            if busy:
                imposed = AS_OF - dt.timedelta(days=900)
            order_ref = BUSY_ORDER if busy else f"BO{n:06d}"
            upw = (
                None
                if rng.random() < 0.15
                else max(20, min(300, int(rng.triangular(20, 300, 100))))
            )
            months = rng.choice((12, 12, 18, 24, 24)) if upw is None or rng.random() < 0.8 else None
            if busy:
                upw, months = 300, 36
            # Reports before the sentence: about four per order.
            for k in range(4 if rng.random() < 0.6 else 3 + 2 * (rng.random() < 0.5)):
                hearing = imposed - dt.timedelta(days=35 * k)
                requested = hearing - dt.timedelta(days=21 + rng.randrange(14))
                before = rng.choice((0, 1, 2, 2, 3, 3, 4, 5))
                submitted = hearing - dt.timedelta(days=before)
                while submitted.weekday() >= 5:
                    submitted -= dt.timedelta(days=1)
                level = LEVELS[min(4, int(rng.triangular(0, 5, 2)))]
                w["court_reports"].writerow([
                    f"BR{n:06d}{k}", "HSCP_CJSW", ref, rng.choice(COURTS), requested,
                    hearing, submitted, "submitted", level, "A community payback order",
                    "cpo" if k == 0 else "deferred",
                ])  # fmt: skip
                w["assessments"].writerow([f"BA{n:06d}{k}", "HSCP_CJSW", ref, "LSCMI",
                                           "pre_sentence", requested + dt.timedelta(days=7),
                                           level])  # fmt: skip
            number = 0
            credited = 0.0
            last = imposed
            if upw:
                day = imposed + dt.timedelta(days=rng.randrange(3) if rng.random() < 0.8 else 9)
                while credited < upw and day <= AS_OF and (not busy or number < 150):
                    number += 1
                    outcome = _outcome(rng)
                    got = ""
                    if outcome == "attended":
                        got_h = min(7.0, upw - credited)
                        credited += got_h
                        got = f"{got_h:g}"
                    elif outcome == "sent_home":
                        credited += 3
                        got = "3"
                    w["sessions"].writerow([f"BS{n:06d}{number:04d}", order_ref, "upw", day, "7",
                                            outcome, got])  # fmt: skip
                    last = day
                    day += dt.timedelta(days=2 + rng.randrange(4))
            if months:
                end = add_months(imposed, months)
                day = imposed + dt.timedelta(days=2)
                while day < end and day <= AS_OF and (not busy or number < 300):
                    number += 1
                    w["sessions"].writerow([f"BS{n:06d}{number:04d}", order_ref, "supervision",
                                            day, "", _outcome(rng), ""])  # fmt: skip
                    # Twice a week for the first three months, then weekly.
                    early = (day - imposed).days < 90
                    day += dt.timedelta(days=3 if busy or early else 7)
                last = max(last, end)
                agreed = imposed + dt.timedelta(days=7 + int(rng.triangular(0, 40, 14)))
                if agreed <= AS_OF:
                    w["plans"].writerow([f"BP{n:06d}", order_ref, agreed])
                for k, m in enumerate([3, *range(6, months, 6)]):
                    due = add_months(imposed, m)
                    if due - dt.timedelta(days=14) > AS_OF:
                        continue
                    held = due + dt.timedelta(days=rng.randrange(-10, 20))
                    w["reviews"].writerow([f"BV{n:06d}{k}", order_ref, due,
                                           held if held <= AS_OF else ""])  # fmt: skip
            ended, reason = "", ""
            if last < AS_OF and (upw is None or credited >= upw) and not busy:
                ended, reason = last, "completed"
            w["orders"].writerow([
                order_ref, "HSCP_CJSW", ref, "cpo", rng.choice(COURTS), imposed, "",
                upw or "", "", months or "", "", ended, reason,
            ])  # fmt: skip
    finally:
        for handle in handles.values():
            handle.close()
    return paths
