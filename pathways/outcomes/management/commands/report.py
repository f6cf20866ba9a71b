"""`pathways report outcomes …`, `pathways report casework …` and `pathways report annual
…`: the partnership's figures (OUTCOMES.md) as JSON, CSV, XLSX or PDF, justice social
work's (CASEWORK.md) as JSON, CSV or XLSX, and the annual "by the numbers" PDF.

The command line acts with the operator's authority (whoever can run it can reach the
database): it needs no user, and every unsuppressed export it makes is written to the
access audit as done by the operating-system user. JSON goes to standard output and
nothing else does; progress and messages go to standard error.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console

from pathways.outcomes.casework import casework_parameters, casework_report
from pathways.outcomes.casework_exports import casework_csv, casework_xlsx
from pathways.outcomes.documents import write_annual_report, write_outcomes_pdf
from pathways.outcomes.exports import write_csv, write_xlsx
from pathways.outcomes.parameters import ReportError, report_parameters
from pathways.outcomes.report import outcome_report
from pathways.outcomes.unsuppressed import record_unsuppressed_export


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)") from None


_date.__name__ = "date"  # argparse names the type in its error message


class Command(BaseCommand):
    help = "The partnership's outcome figures, or the annual report."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(
            dest="kind", required=True, metavar="outcomes|casework|annual"
        )
        outcomes = kinds.add_parser(
            "outcomes", help="the outcome report (OUTCOMES.md) for some services and a period"
        )
        outcomes.add_argument(
            "--service", action="append", default=[], metavar="CODE",
            help="a service (repeat for several; default: every diversion service)",
        )  # fmt: skip
        self._period(outcomes)
        outcomes.add_argument("--format", choices=["json", "csv", "xlsx", "pdf"], default="json")
        shown = outcomes.add_mutually_exclusive_group()
        shown.add_argument(
            "--published", action="store_true",
            help="suppress small numbers (CSV and XLSX do unless --unsuppressed; PDF always)",
        )  # fmt: skip
        shown.add_argument(
            "--unsuppressed", action="store_true",
            help="CSV or XLSX as computed, for authorised analysts (audited)",
        )  # fmt: skip
        outcomes.add_argument("--area", default="", help="only referrals held in this area")
        outcomes.add_argument("--sex", default="", help="only people of this sex (M, F, X, U)")
        outcomes.add_argument("--age-band", default="", help="only people in this age band")
        outcomes.add_argument("--out", type=Path, metavar="FILE")
        casework = kinds.add_parser(
            "casework", help="justice social work's figures (CASEWORK.md) for a period"
        )
        self._period(casework)
        casework.add_argument("--team", default="", help="one justice social work team")
        casework.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
        casework.add_argument(
            "--unsuppressed", action="store_true",
            help="CSV or XLSX as computed, for authorised analysts (audited)",
        )  # fmt: skip
        casework.add_argument("--out", type=Path, metavar="FILE")
        annual = kinds.add_parser("annual", help="the annual report PDF")
        self._period(annual)
        annual.add_argument("--out", type=Path, metavar="FILE", required=True)

    @staticmethod
    def _period(parser: CommandParser) -> None:
        parser.add_argument("--from", dest="period_from", type=_date, required=True,
                            metavar="DATE", help="first day of the period")  # fmt: skip
        parser.add_argument("--to", dest="period_to", type=_date, required=True,
                            metavar="DATE", help="first day after the period")  # fmt: skip
        parser.add_argument("--as-of", type=_date, metavar="DATE",
                            help="the date the data is complete to (default: today)")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["kind"] == "annual":
                self._annual(options)
            elif options["kind"] == "casework":
                self._casework(options)
            else:
                self._outcomes(options)
        except ReportError as error:
            raise CommandError(str(error)) from None

    def _outcomes(self, options: dict[str, Any]) -> None:
        fmt, out = options["format"], options["out"]
        if fmt in ("xlsx", "pdf") and out is None:
            raise CommandError(f"--out FILE is required for {fmt}")
        if fmt == "json" and options["published"]:
            raise CommandError(
                "JSON is always unsuppressed (the analysts' and programs' format); "
                "use --format csv, xlsx or pdf for published tables"
            )
        if fmt == "pdf" and options["unsuppressed"]:
            raise CommandError("a PDF is for publication and is always suppressed")
        params = report_parameters(
            options["service"], options["period_from"], options["period_to"],
            options["as_of"], area=options["area"], sex=options["sex"],
            age_band=options["age_band"],
        )  # fmt: skip
        if fmt == "pdf":
            write_outcomes_pdf(params, out)
            self._done(out)
            return
        report = outcome_report(params)
        unsuppressed = fmt == "json" or options["unsuppressed"]
        if unsuppressed:
            record_unsuppressed_export(None, params, what=f"{fmt} outcome report")
        if fmt == "json":
            text = json.dumps(report.as_json(), indent=2) + "\n"
        elif fmt == "csv":
            text = write_csv(report, suppress=not unsuppressed)
        else:
            write_xlsx(report, out, suppress=not unsuppressed)
            self._done(out)
            return
        if out is None:
            self.stdout.write(text, ending="")
        else:
            out.write_text(text, encoding="utf-8")
            self._done(out)

    def _casework(self, options: dict[str, Any]) -> None:
        fmt, out = options["format"], options["out"]
        if fmt == "xlsx" and out is None:
            raise CommandError("--out FILE is required for xlsx")
        params = casework_parameters(
            options["period_from"], options["period_to"],
            options["as_of"] or timezone.localdate(), options["team"],
        )  # fmt: skip
        report = casework_report(params)
        unsuppressed = fmt == "json" or options["unsuppressed"]
        if unsuppressed:
            record_unsuppressed_export(None, params, what=f"{fmt} casework report")
        if fmt == "xlsx":
            casework_xlsx(report, out, suppress=not unsuppressed)
            self._done(out)
            return
        text = (
            json.dumps(report.as_json(), indent=2) + "\n"
            if fmt == "json"
            else casework_csv(report, suppress=not unsuppressed)
        )
        if out is None:
            self.stdout.write(text, ending="")
        else:
            out.write_text(text, encoding="utf-8")
            self._done(out)

    def _annual(self, options: dict[str, Any]) -> None:
        err = Console(stderr=True)
        started = time.perf_counter()
        with err.status("annual report") as status:
            write_annual_report(
                options["period_from"], options["period_to"], options["out"],
                as_of=options["as_of"],
                progress=lambda stage: status.update(f"annual report: {stage}"),
            )  # fmt: skip
        err.print(f"annual report: {time.perf_counter() - started:.1f} s")
        self._done(options["out"])

    def _done(self, path: Path) -> None:
        self.stderr.write(f"Written to {path}.")
