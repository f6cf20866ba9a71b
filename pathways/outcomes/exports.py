"""The outcome report as files: long-format CSV and XLSX (OUTCOMES.md).

These only lay out figures `outcomes.report` computed and `outcomes.suppression` may
have suppressed; they compute nothing. CSV is one figure a row:
`section,window,measure,n,of,pct,value`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pathways.outcomes.metrics import FUNNEL_STAGES
from pathways.outcomes.parameters import SEXES, ReportParameters
from pathways.outcomes.report import OutcomeReport
from pathways.outcomes.suppression import Shown, caseload_table, published

COLUMNS = ("section", "window", "measure", "n", "of", "pct", "value")
MEASURES = ("no_further_offences", "reduced_offending", "no_further_violence")
FOLLOW_UP_VALUES = (
    "cohort", "awaiting_follow_up", "offences_pre", "offences_post", "offence_change",
    "acquisitive_pre", "acquisitive_post", "acquisitive_change",
)  # fmt: skip

if TYPE_CHECKING:
    from openpyxl import Workbook

Row = tuple[str, str, str, Shown, Shown, Shown, Shown]


def figures(report: OutcomeReport, *, suppress: bool) -> dict[str, Any]:
    """The figures to lay out: published (suppressed) or as computed."""
    if suppress:
        return published(report)
    shown = report.as_json()
    cells = {(c.age_band, c.sex): c.count for c in report.caseload}
    shown["funnel_by_service"] = {
        "services": shown["funnel_by_service"],
        "total": shown["funnel"],
    }
    shown["caseload_table"] = caseload_table(cells, suppress=False)
    return shown


def long_rows(shown: dict[str, Any]) -> Iterator[Row]:
    """One row per figure, in the report's order."""
    for window, f in shown["follow_up"].items():
        yield ("follow_up", window, "cohort", None, None, None, f["cohort"])
        yield ("follow_up", window, "awaiting_follow_up", None, None, None,
               f["awaiting_follow_up"])  # fmt: skip
        for name in MEASURES:
            m = f[name]
            yield ("follow_up", window, name, m["n"], m["of"], m["pct"], None)
        for name in FOLLOW_UP_VALUES[2:]:
            yield ("follow_up", window, name, None, None, None, f[name])
    for name, value in shown["engagement_length"].items():
        yield ("engagement_length", "", name, None, None, None, value)
    for name, value in shown["funnel"].items():
        yield ("funnel", "", name, None, None, None, value)
    for service, f in shown["funnel_by_service"]["services"].items():
        for stage in FUNNEL_STAGES:
            yield ("funnel_by_service", "", f"{service} {stage}", None, None, None, f[stage])
    table = shown["caseload_table"]
    for row in [*table["rows"], table["total"]]:
        for sex in (*SEXES, "total"):
            yield ("caseload", "", f"{row['age_band']} {sex}", None, None, None, row[sex])
    # A dashboard's download also has what the dashboard shows beside the report.
    for quarter in shown.get("by_quarter", ()):
        for name in ("referred", "completed", "followed_up", "no_further_offences"):
            yield ("by_quarter", "", f"{quarter['quarter']} {name}", None, None, None,
                   quarter[name])  # fmt: skip
    for band in shown.get("length_distribution", ()):
        yield ("length_distribution", "", f"{band['days']} days", None, None, None,
               band["count"])  # fmt: skip


def _cell(value: Shown) -> str:
    return "" if value is None else str(value)


def write_csv(report: OutcomeReport, *, suppress: bool) -> str:
    """The report as long-format CSV text."""
    return csv_text(figures(report, suppress=suppress))


def csv_text(shown: dict[str, Any]) -> str:
    """Figures (as `figures` or a dashboard gives them) as long-format CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in long_rows(shown):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def write_xlsx(report: OutcomeReport, path: Path | IO[bytes], *, suppress: bool) -> None:
    """The report as an XLSX workbook: the figures (long format), the caseload table and
    what the report is about."""
    xlsx_book(figures(report, suppress=suppress), report.parameters, suppress).save(path)


def xlsx_book(shown: dict[str, Any], params: ReportParameters, suppress: bool) -> Workbook:
    """Figures (as `figures` or a dashboard gives them) as an openpyxl workbook."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Figures"
    sheet.append(list(COLUMNS))
    for row in long_rows(shown):
        sheet.append(["" if v is None else v for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"

    caseload = book.create_sheet("Caseload")
    caseload.append(["Age band", *SEXES, "Total"])
    table = shown["caseload_table"]
    for row in [*table["rows"], table["total"]]:  # type: ignore[index]
        caseload.append([row["age_band"], *(row[s] for s in SEXES), row["total"]])

    about = book.create_sheet("About")
    about.append(["Services", ", ".join(params.services)])
    about.append(["Period", f"{params.period_from} to {params.period_to} (not included)"])
    about.append(["Data complete to", params.as_of.isoformat()])
    for name in ("area", "sex", "age_band"):
        if getattr(params, name):
            about.append([name.replace("_", " ").capitalize(), getattr(params, name)])
    about.append(
        [
            "Suppression",
            "published: counts from 1 to 4 and the cells that would reveal them are [c]"
            if suppress
            else "unsuppressed: for authorised analysts only; do not publish",
        ]
    )
    about.append(["Definitions", "docs/outcomes.md and OUTCOMES.md"])
    return book
