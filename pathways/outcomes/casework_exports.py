"""The casework figures (CASEWORK.md) as files: long-format CSV and XLSX, published
(small numbers suppressed as OUTCOMES.md says) or as computed. They lay out what
`outcomes.casework` computed and compute nothing. CSV is one figure a row:
`section,measure,numerator,denominator,percent,value`."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pathways.outcomes.casework import TARGETS, CaseworkReport, Figure
from pathways.outcomes.suppression import SUPPRESSED, Shown, count, is_small

COLUMNS = ("section", "measure", "numerator", "denominator", "percent", "value")


def shown_figure(f: Figure, *, suppress: bool) -> dict[str, Shown]:
    """A figure as published: a count of 1-4 is [c], and so is a percentage made from
    one; no percentage of an empty denominator."""
    if not suppress:
        return {"numerator": f.numerator, "denominator": f.denominator, "percent": f.percent}
    percent: Shown = f.percent
    if f.denominator and (is_small(f.numerator) or is_small(f.denominator)):
        percent = SUPPRESSED
    return {"numerator": count(f.numerator), "denominator": count(f.denominator),
            "percent": percent}  # fmt: skip


def casework_rows(report: CaseworkReport, *, suppress: bool) -> Iterator[tuple[Shown, ...]]:
    """One row per figure, in CASEWORK.md's order."""
    for name, f in report.figures.items():
        s = shown_figure(f, suppress=suppress)
        yield ("figures", name, s["numerator"], s["denominator"], s["percent"],
               TARGETS.get(name))  # fmt: skip
    for kind, n in report.new_orders.items():
        yield ("new_orders", kind, None, None, None, count(n) if suppress else n)
    for ending, n in report.orders_ended.items():
        yield ("orders_ended", ending, None, None, None, count(n) if suppress else n)
    for court, f in report.reports_by_court.items():
        s = shown_figure(f, suppress=suppress)
        yield ("reports_by_court", court, s["numerator"], s["denominator"], s["percent"], None)
    for stage, levels in report.risk_levels.items():
        for level, n in levels.items():
            yield ("risk_levels", f"{stage} {level}", None, None, None,
                   count(n) if suppress else n)  # fmt: skip


def casework_csv(report: CaseworkReport, *, suppress: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in casework_rows(report, suppress=suppress):
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def casework_xlsx(report: CaseworkReport, path: Path | IO[bytes], *, suppress: bool) -> None:
    """The figures (long format, with the plan's targets in `value`) and what the report
    is about."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet: Any = book.active
    sheet.title = "Casework"
    sheet.append(list(COLUMNS))
    for row in casework_rows(report, suppress=suppress):
        sheet.append(["" if v is None else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("About")
    p = report.parameters
    about.append(["Period", f"{p.period_from} to {p.period_to} (not included)"])
    about.append(["Data complete to", p.as_of.isoformat()])
    about.append(["Team", p.team or "every justice social work team"])
    about.append([
        "Suppression",
        "published: counts from 1 to 4 and percentages made from them are [c]"
        if suppress else "unsuppressed: for authorised analysts only; do not publish",
    ])  # fmt: skip
    about.append(["Definitions", "docs/casework.md and CASEWORK.md"])
    book.save(path)
