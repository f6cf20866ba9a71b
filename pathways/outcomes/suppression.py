"""Small-number suppression for published tables (OUTCOMES.md).

- A count from 1 to 4 is shown as `[c]`; zero is never suppressed.
- A percentage whose numerator or denominator is from 1 to 4 is `[c]`; with a
  denominator of 0 there is no percentage (None).
- In a table with totals (the caseload by age band and sex, the funnel by service), a
  row or column with exactly one suppressed cell has a second one suppressed (the next
  smallest non-zero), so the first cannot be worked out by subtraction from the total.
  Where a line has no second non-zero cell to give up, its total is suppressed instead
  (it would equal the suppressed cell).

Derived figures follow the counts they come from: an offence change is `[c]` when either
of its counts is, the statistics of engagement length are `[c]` when fewer than five
engagements make them, the median days to start when fewer than five referrals started.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pathways.outcomes.metrics import FUNNEL_STAGES, Funnel, Measure
from pathways.outcomes.parameters import AGE_BANDS, SEXES
from pathways.outcomes.report import OutcomeReport

SUPPRESSED = "[c]"

Shown = int | float | str | None


def is_small(n: int) -> bool:
    """A count that could identify someone: from 1 to 4."""
    return 1 <= n <= 4


def count(n: int) -> int | str:
    return SUPPRESSED if is_small(n) else n


def measure(m: Measure) -> dict[str, Shown]:
    pct: Shown = m.pct
    if m.of == 0:
        pct = None
    elif is_small(m.n) or is_small(m.of):
        pct = SUPPRESSED
    return {"n": count(m.n), "of": count(m.of), "pct": pct}


def protect(table: dict[tuple[str, str], int], order: Sequence[tuple[str, str]] = ()) -> set:
    """The cells of `table` ((row, column) -> count) to suppress: the small ones, then,
    row by row and column by column until nothing changes, a second cell wherever a line
    has exactly one. The second is the smallest non-zero cell left (ties: the first in
    `order`, else in the table's order)."""
    rank = {key: i for i, key in enumerate(order or list(table))}
    hidden = {key for key, n in table.items() if is_small(n)}
    lines: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key in table:
        lines[("row", key[0])].append(key)
        lines[("column", key[1])].append(key)
    changed = True
    while changed:
        changed = False
        for cells in lines.values():
            if sum(1 for key in cells if key in hidden) != 1:
                continue
            left = [key for key in cells if key not in hidden and table[key] > 0]
            if left:
                hidden.add(min(left, key=lambda k: (table[k], rank.get(k, 0))))
                changed = True
    return hidden


def lone_lines(table: dict[tuple[str, str], int], hidden: set) -> set:
    """The rows ("row", key) and columns ("column", key) left with exactly one suppressed
    cell: their totals would give it away, so they are suppressed too."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for row, column in hidden:
        found[("row", row)] += 1
        found[("column", column)] += 1
    return {line for line, n in found.items() if n == 1}


def _funnel(f: Funnel) -> dict[str, Shown]:
    shown: dict[str, Shown] = {stage: count(getattr(f, stage)) for stage in FUNNEL_STAGES}
    shown["median_days_to_start"] = SUPPRESSED if is_small(f.started) else f.median_days_to_start
    return shown


def funnel_by_service_table(by_service: dict[str, Funnel], total: Funnel) -> dict[str, object]:
    """The funnel by service with its total row, protected as a table."""
    table = {
        (service, stage): getattr(f, stage)
        for service, f in by_service.items()
        for stage in FUNNEL_STAGES
    }
    hidden = protect(table) if len(by_service) > 1 else {k for k, n in table.items() if is_small(n)}
    rows = {}
    for service, f in by_service.items():
        row = _funnel(f)
        for stage in FUNNEL_STAGES:
            if (service, stage) in hidden:
                row[stage] = SUPPRESSED
        rows[service] = row
    totals = _funnel(total)
    if len(by_service) > 1:
        for line, stage in lone_lines(table, hidden):
            if line == "column":
                totals[str(stage)] = SUPPRESSED
    return {"services": rows, "total": totals}


def caseload_table(
    cells: dict[tuple[str, str], int], *, suppress: bool = True
) -> dict[str, object]:
    """The caseload by age band (rows) and sex (columns) with totals, protected unless
    `suppress` is False. Bands with nobody in them are left out."""
    bands = [b for b in AGE_BANDS if any(cells.get((b, s), 0) for s in SEXES)]
    table = {(b, s): cells.get((b, s), 0) for b in bands for s in SEXES}
    hidden = protect(table) if suppress else set()
    lone = lone_lines(table, hidden)

    def total(line: tuple[str, str], n: int) -> Shown:
        if not suppress:
            return n
        return SUPPRESSED if line in lone else count(n)

    rows = []
    for band in bands:
        row: dict[str, Shown] = {"age_band": band}
        for sex in SEXES:
            row[sex] = SUPPRESSED if (band, sex) in hidden else table[(band, sex)]
        row["total"] = total(("row", band), sum(table[(band, s)] for s in SEXES))
        rows.append(row)
    totals: dict[str, Shown] = {"age_band": "total"}
    for sex in SEXES:
        totals[sex] = total(("column", sex), sum(table[(b, sex)] for b in bands))
    totals["total"] = total(("all", ""), sum(table.values()))
    return {"rows": rows, "total": totals}


def published(report: OutcomeReport) -> dict[str, object]:
    """The report as it may be published: the same keys as `OutcomeReport.as_json`, with
    small numbers suppressed, plus the protected tables with totals."""
    follow: dict[str, object] = {}
    for months, f in report.follow_up.items():
        follow[str(months)] = {
            "cohort": count(f.cohort),
            "awaiting_follow_up": count(f.awaiting_follow_up),
            "no_further_offences": measure(f.no_further_offences),
            "reduced_offending": measure(f.reduced_offending),
            "no_further_violence": measure(f.no_further_violence),
            "offences_pre": count(f.offences_pre),
            "offences_post": count(f.offences_post),
            "offence_change": _ratio(f.offence_change, f.offences_pre, f.offences_post),
            "acquisitive_pre": count(f.acquisitive_pre),
            "acquisitive_post": count(f.acquisitive_post),
            "acquisitive_change": _ratio(
                f.acquisitive_change, f.acquisitive_pre, f.acquisitive_post
            ),
        }
    length = report.engagement_length
    shown_length: dict[str, Shown] = {**length.as_json()}
    if is_small(length.count):
        shown_length = {key: SUPPRESSED for key in shown_length}
    cells = {(c.age_band, c.sex): c.count for c in report.caseload}
    table = caseload_table(cells)
    shown_cells = {
        (row["age_band"], sex): row[sex]
        for row in table["rows"]  # type: ignore[attr-defined]
        for sex in SEXES
    }
    return {
        "parameters": {**report.parameters.as_json(), "published": True},
        "follow_up": follow,
        "engagement_length": shown_length,
        "funnel": _funnel(report.funnel),
        "funnel_by_service": funnel_by_service_table(report.funnel_by_service, report.funnel),
        "caseload": [
            {"age_band": c.age_band, "sex": c.sex, "count": shown_cells[(c.age_band, c.sex)]}
            for c in report.caseload
        ],
        "caseload_table": table,
    }


def _ratio(value: float | None, before: int, after: int) -> Shown:
    if value is None:
        return None
    return SUPPRESSED if is_small(before) or is_small(after) else value
