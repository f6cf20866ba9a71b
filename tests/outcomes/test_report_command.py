"""`pathways report outcomes` and `pathways report annual`: formats, suppression, the
audit of unsuppressed figures, errors, and the PDFs (rendered and turned into pictures)."""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.audit.models import AccessEvent

from .builders import engagement, event, person

pytestmark = pytest.mark.django_db
REQUIRE_ALL = bool(os.environ.get("PATHWAYS_REQUIRE_ALL")) or os.environ.get("CI") == "true"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
PERIOD = ["--from", "2023-01-01", "--to", "2024-01-01", "--as-of", "2024-12-31"]


@pytest.fixture
def six_completed() -> None:
    """Six people complete ADAPT (1 May to 1 August 2023, 92 days); each had one
    acquisitive offence before starting; two commit a violent offence after."""
    for n in range(6):
        someone = person()
        engagement(someone, "2023-05-01", "2023-08-01")
        event(someone, "2023-04-15", crime_group="dishonesty")
        if n < 2:
            event(someone, "2023-09-15", crime_group="violence")


def report(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("report", "outcomes", *args, stdout=out, stderr=err)
    return out.getvalue()


def test_json_is_the_only_thing_on_standard_output(six_completed) -> None:
    shown = json.loads(report("--service", "ADAPT", *PERIOD, "--format", "json", "--unsuppressed"))
    assert shown["parameters"] == {
        "services": ["ADAPT"], "from": "2023-01-01", "to": "2024-01-01", "as_of": "2024-12-31",
    }  # fmt: skip
    assert set(shown) >= {"parameters", "follow_up", "engagement_length", "funnel", "caseload"}
    assert list(shown["follow_up"]) == ["3", "6", "12"]
    three = shown["follow_up"]["3"]
    assert three == {
        "cohort": 6, "awaiting_follow_up": 0,
        "no_further_offences": {"n": 4, "of": 6, "pct": 67},
        "reduced_offending": {"n": 4, "of": 6, "pct": 67},
        "no_further_violence": {"n": 4, "of": 6, "pct": 67},
        "offences_pre": 6, "offences_post": 2, "offence_change": -0.6667,
        "acquisitive_pre": 6, "acquisitive_post": 0, "acquisitive_change": -1.0,
    }  # fmt: skip
    assert shown["engagement_length"] == {
        "count": 6, "mean_days": 92.0, "median_days": 92, "min_days": 92, "max_days": 92,
    }  # fmt: skip
    assert shown["funnel"]["referred"] == shown["funnel"]["completed"] == 6
    assert shown["caseload"] == []  # nobody is open at the end of 2024


def test_unsuppressed_figures_are_audited_as_the_operator(six_completed, monkeypatch) -> None:
    # The operating-system account, not $USER, which anyone can set.
    monkeypatch.setenv("USER", "someone-else")
    report("--service", "ADAPT", *PERIOD, "--sex", "M")
    audited = AccessEvent.objects.get(action="report_unsuppressed")
    assert (audited.channel, audited.decision, audited.person_id) == ("cli", "allowed", None)
    account = pwd.getpwuid(os.geteuid()).pw_name
    assert f"by operating-system user {account}" in audited.detail
    assert "someone-else" not in audited.detail
    assert "ADAPT" in audited.detail and "sex M" in audited.detail


def test_csv_is_published_unless_asked_otherwise(six_completed) -> None:
    rows = list(csv.reader(io.StringIO(report("--service", "ADAPT", *PERIOD, "--format", "csv"))))
    assert rows[0] == ["section", "window", "measure", "n", "of", "pct", "value"]
    by_key = {(r[0], r[1], r[2]): r[3:] for r in rows[1:]}
    assert by_key[("follow_up", "3", "cohort")] == ["", "", "", "6"]
    assert by_key[("follow_up", "3", "no_further_offences")] == ["[c]", "6", "[c]", ""]
    assert by_key[("follow_up", "3", "offences_post")] == ["", "", "", "[c]"]
    assert by_key[("engagement_length", "", "mean_days")] == ["", "", "", "92.0"]
    assert not AccessEvent.objects.filter(action="report_unsuppressed").exists()

    raw = report("--service", "ADAPT", *PERIOD, "--format", "csv", "--unsuppressed")
    assert "follow_up,3,no_further_offences,4,6,67,\n" in raw
    assert AccessEvent.objects.filter(action="report_unsuppressed").count() == 1


def test_xlsx_holds_the_same_figures_as_csv(six_completed, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "outcomes.xlsx"
    report("--service", "ADAPT", *PERIOD, "--format", "xlsx", "--out", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Figures", "Caseload", "About"]

    def same(value: object) -> object:
        # Spreadsheets hold numbers as numbers: -1.0 reads back as -1.
        try:
            return float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return "" if value is None else value

    figures = [[same(v) for v in row] for row in book["Figures"].values]
    as_csv = list(csv.reader(io.StringIO(report("--service", "ADAPT", *PERIOD, "--format", "csv"))))
    assert figures == [[same(v) for v in row] for row in as_csv]
    assert book["Figures"]["G2"].value == 6  # a number, not text
    about = {row[0]: row[1] for row in book["About"].values}
    assert about["Services"] == "ADAPT" and about["Suppression"].startswith("published")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "NOPE", *PERIOD], "unknown service: NOPE"),
        (["--from", "2024-01-01", "--to", "2023-01-01"], "the period must end after it starts"),
        ([*PERIOD, "--format", "xlsx"], "--out FILE is required for xlsx"),
        ([*PERIOD, "--format", "json", "--published"], "JSON is always unsuppressed"),
        ([*PERIOD, "--format", "pdf", "--out", "x.pdf", "--unsuppressed"], "always suppressed"),
        ([*PERIOD, "--sex", "Q"], "sex must be one of M, F, X, U"),
    ],
)
def test_bad_parameters_are_clear_errors(args, message) -> None:
    with pytest.raises(CommandError, match=message):
        report(*args)


def _pdf_text_and_picture(pdf: Path, name: str) -> str:
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext, pdftoppm = shutil.which("pdftotext"), shutil.which("pdftoppm")
    if not (pdftotext and pdftoppm):
        assert not REQUIRE_ALL, "pdftotext and pdftoppm (poppler-utils) are missing"
        pytest.skip("poppler-utils is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(ARTIFACTS / name)],
        check=True,
    )
    assert list(ARTIFACTS.glob(f"{name}-*.png"))
    return subprocess.run(
        [pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_annual_report_says_what_the_figures_say(six_completed, tmp_path: Path) -> None:
    out = tmp_path / "annual.pdf"
    call_command("report", "annual", *PERIOD, "--out", str(out), stderr=io.StringIO())
    text = " ".join(_pdf_text_and_picture(out, "annual").split())
    assert "Community justice by the numbers" in text
    # 4 of 6 is suppressed, so no percentage is put into words; the change is from 6 to 2,
    # and 2 is suppressed too. The engagement length is of six: published.
    assert "67%" not in text
    assert "On average, people who completed engaged for 92 days" in text
    assert "National performance framework" in text
    assert "Annex: how the figures are defined" in text
    for service in ("ADAPT", "SIDESTEP", "NRS Youth Intervention Team"):
        assert service in text  # a page for each diversion service
    # Justice social work's section: the plan's figures with the target, reports by court.
    assert "Justice social work" in text and "Placement within 7 days" in text
    assert "Sheriff summary" in text and "Pre sentence" in text


def test_the_outcomes_pdf_is_one_section_for_the_chosen_services(
    six_completed, tmp_path: Path
) -> None:
    out = tmp_path / "adapt.pdf"
    report("--service", "ADAPT", *PERIOD, "--format", "pdf", "--out", str(out))
    text = " ".join(_pdf_text_and_picture(out, "outcomes").split())
    assert "Outcomes after completion" in text and "[c]" in text
