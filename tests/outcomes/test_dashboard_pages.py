"""The outcome dashboards: who may see them, published figures by default, unsuppressed
figures for analysts only (audited), downloads of exactly what is shown, clear errors."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from pathways.audit.models import AccessEvent

from .builders import engagement, event, person

pytestmark = pytest.mark.django_db
PERIOD = {"period_from": "2023-01-01", "period_to": "2024-01-01", "as_of": "2024-12-31"}


@pytest.fixture
def completions() -> None:
    """Seven people complete ADAPT in 2023; one offends (violence) after; two complete
    SIDESTEP (a small number, so suppressed when published)."""
    for n in range(7):
        someone = person()
        engagement(someone, "2023-05-01", "2023-08-01")
        event(someone, "2023-04-15", crime_group="dishonesty")
        if n == 0:
            event(someone, "2023-09-15", crime_group="violence")
    for _ in range(2):
        engagement(person(), "2023-05-01", "2023-07-01", service="SIDESTEP")


@pytest.fixture
def analyst(make_user, client: Client) -> Client:
    client.force_login(make_user("analyst", "ONE_GLASGOW", "police_analyst"))
    return client


@pytest.fixture
def mentor(make_user, client: Client) -> Client:
    client.force_login(make_user("mentor", "INCLUDEM_ADAPT", "partner_worker"))
    return client


def cells(html: str, table_id: str) -> list[list[str]]:
    """The text of a table's rows (header cells and data cells)."""
    import re

    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert table, f"no table {table_id}"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def test_published_figures_by_default(analyst: Client, completions) -> None:
    response = analyst.get("/outcomes/", {"service": ["ADAPT", "SIDESTEP"], **PERIOD})
    assert response.status_code == 200
    html = response.content.decode()
    follow = cells(html, "follow-up-table")
    # Nine people followed up: eight without a further offence, six of the seven who had
    # offended before now with fewer; the one later offence (and the change) suppressed.
    assert follow[1] == ["3", "9", "0", "8 of 9 (89%)", "6 of 9 (67%)", "8 of 9 (89%)"]
    assert cells(html, "offences-table")[1][:4] == ["3", "7", "[c]", "[c]"]
    funnel = {row[0]: row[1:] for row in cells(html, "funnel-table")}
    # ADAPT, SIDESTEP, all: SIDESTEP's 2 is suppressed, so ADAPT's 7 is too (9 - 7 = 2).
    assert funnel["Referred"] == ["[c]", "[c]", "9"]
    assert "<svg" in html  # the charts are drawn on the server
    assert not AccessEvent.objects.filter(action="report_unsuppressed").exists()


def test_analysts_may_ask_for_unsuppressed_figures_which_is_audited(
    analyst: Client, completions
) -> None:
    html = analyst.get(
        "/outcomes/", {"service": ["ADAPT", "SIDESTEP"], "figures": "unsuppressed", **PERIOD}
    ).content.decode()
    assert cells(html, "offences-table")[1][:4] == ["3", "7", "1", "−86%"]
    assert {row[0]: row[1:] for row in cells(html, "funnel-table")}["Referred"] == ["7", "2", "9"]
    audited = AccessEvent.objects.get(action="report_unsuppressed")
    assert (audited.username, audited.channel) == ("analyst", "web")


def test_other_roles_see_published_figures_only(mentor: Client, completions) -> None:
    assert mentor.get("/outcomes/", PERIOD).status_code == 200
    assert b'name="figures"' not in mentor.get("/outcomes/", PERIOD).content
    assert mentor.get("/outcomes/", {**PERIOD, "figures": "unsuppressed"}).status_code == 403
    assert (
        mentor.get("/outcomes/figures.csv", {**PERIOD, "figures": "unsuppressed"}).status_code
        == 403
    )
    assert not AccessEvent.objects.filter(action="report_unsuppressed").exists()


def test_roles_without_reports_cannot_open_the_dashboard(make_user, client: Client) -> None:
    client.force_login(make_user("dpo", "CJ_GLASGOW", "dpo"))
    assert client.get("/outcomes/").status_code == 403
    assert client.get("/outcomes/figures.csv").status_code == 403
    assert client.get("/outcomes/annual-report.pdf").status_code == 403
    client.logout()
    assert client.get("/outcomes/").status_code == 302  # to sign in


def test_the_download_is_what_the_page_shows(analyst: Client, completions) -> None:
    query = {"service": ["ADAPT", "SIDESTEP"], **PERIOD}
    page = analyst.get("/outcomes/", query).content.decode()
    download = analyst.get("/outcomes/figures.csv", query)
    assert download["Content-Disposition"].endswith('.csv"')
    rows = {(r[0], r[1], r[2]): r[3:] for r in csv.reader(io.StringIO(download.content.decode()))}
    assert rows[("follow_up", "3", "no_further_violence")] == ["8", "9", "89", ""]
    assert rows[("follow_up", "3", "offences_post")] == ["", "", "", "[c]"]
    assert rows[("funnel_by_service", "", "SIDESTEP referred")] == ["", "", "", "[c]"]
    quarters = {row[0]: row[1:] for row in cells(page, "quarter-table")[1:]}
    assert rows[("by_quarter", "", "2023 Q3 completed")][3] == quarters["2023 Q3"][1] == "9"
    xlsx = analyst.get("/outcomes/figures.xlsx", query)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_bad_filters_say_which_field_and_why(analyst: Client) -> None:
    response = analyst.get("/outcomes/", {"period_from": "2024-01-01", "period_to": "2023-01-01"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "To: The period must end after it starts." in html
    assert analyst.get("/outcomes/", {"period_from": "yesterday"}).status_code == 400


def test_the_annual_report_downloads_as_a_pdf(analyst: Client, completions) -> None:
    response = analyst.get("/outcomes/annual-report.pdf", PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_filters_in_force_are_said_in_words(analyst: Client, completions) -> None:
    response = analyst.get("/outcomes/", {"service": ["ADAPT"], **PERIOD, "area": "NE", "sex": "F"})
    html = response.content.decode()
    assert "; only people in North East, female.</p>" in html
    assert "area NE" not in html and "sex F" not in html
