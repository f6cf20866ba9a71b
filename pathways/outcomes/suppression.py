"""Small-number suppression for published tables (OUTCOMES.md).

- A count from 1 to 4 is shown as `[c]`; zero is never suppressed.
- A percentage whose numerator or denominator is from 1 to 4 is `[c]`; with a
  denominator of 0 there is no percentage (None).
- In a table with totals (the caseload by age band and sex, the funnel by service), a
  row or column with exactly one suppressed cell has a second one suppressed (the next
  smallest non-zero), so the first cannot be worked out by subtraction from the total.
  The totals are cells of the table here (a total row, a total column, the grand
  total), so they are protected the same way and never give a hidden cell away.

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


TOTAL = "total"


def _funnel(f: Funnel) -> dict[str, Shown]:
    shown: dict[str, Shown] = {stage: count(getattr(f, stage)) for stage in FUNNEL_STAGES}
    shown["median_days_to_start"] = SUPPRESSED if is_small(f.started) else f.median_days_to_start
    return shown


def funnel_by_service_table(by_service: dict[str, Funnel], total: Funnel) -> dict[str, object]:
    """The funnel by service with its total row (all the services), protected as one
    table: the total row is a row of it, so each stage's column keeps no lone hidden cell
    that the total would give away."""
    table = {
        (service, stage): getattr(f, stage)
        for service, f in by_service.items()
        for stage in FUNNEL_STAGES
    }
    if len(by_service) > 1:
        table |= {(TOTAL, stage): getattr(total, stage) for stage in FUNNEL_STAGES}
    hidden = protect(table)
    shown = {}
    for service, f in [*by_service.items(), (TOTAL, total)]:
        row = _funnel(f)
        for stage in FUNNEL_STAGES:
            if (service, stage) in hidden:
                row[stage] = SUPPRESSED
        shown[service] = row
    totals = shown.pop(TOTAL)
    if len(by_service) == 1:
        totals = dict(next(iter(shown.values())))
    return {"services": shown, "total": totals}


def caseload_table(
    cells: dict[tuple[str, str], int], *, suppress: bool = True
) -> dict[str, object]:
    """The caseload by age band (rows) and sex (columns) with its totals, protected
    unless `suppress` is False. The totals are cells of the table (a total row, a total
    column and the grand total), so no line keeps a lone hidden cell that subtraction
    would give away. Bands with nobody in them are left out."""
    bands = [b for b in AGE_BANDS if any(cells.get((b, s), 0) for s in SEXES)]
    table = {(b, s): cells.get((b, s), 0) for b in bands for s in SEXES}
    for band in bands:
        table[(band, TOTAL)] = sum(table[(band, s)] for s in SEXES)
    for sex in (*SEXES, TOTAL):
        table[(TOTAL, sex)] = sum(table[(b, sex)] for b in bands)
    hidden = protect(table) if suppress else set()
    rows = []
    for band in (*bands, TOTAL):
        row: dict[str, Shown] = {"age_band": band}
        for sex in (*SEXES, TOTAL):
            row[sex] = SUPPRESSED if (band, sex) in hidden else table[(band, sex)]
        rows.append(row)
    return {"rows": rows[:-1], "total": rows[-1]}


def protected_columns(
    labels: list[str], columns: dict[str, list[int]], suppress: bool
) -> dict[str, dict[str, Shown]]:
    """Rows `labels` of `columns` (name -> a count per row), each column summing to a
    total shown elsewhere: protected as a table with a total row (not shown here)."""
    table = {(label, name): values[i] for name, values in columns.items()
             for i, label in enumerate(labels)}  # fmt: skip
    table |= {(TOTAL, name): sum(values) for name, values in columns.items()}
    hidden = protect(table) if suppress else set()
    return {
        label: {
            name: SUPPRESSED if (label, name) in hidden else table[(label, name)]
            for name in columns
        }  # fmt: skip
        for label in labels
    }


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
    by_service = funnel_by_service_table(report.funnel_by_service, report.funnel)
    shown_cells = {
        (row["age_band"], sex): row[sex]
        for row in table["rows"]  # type: ignore[attr-defined]
        for sex in SEXES
    }
    return {
        "parameters": {**report.parameters.as_json(), "published": True},
        "follow_up": follow,
        "engagement_length": shown_length,
        # The funnel of all the services is the by-service table's total row, protected
        # with it, so the two never disagree.
        "funnel": by_service["total"],
        "funnel_by_service": by_service,
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
