"""Import runs and their rejected rows: for data quality officers and administrators only."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client

from pathways.feeds.models import ImportRun, RejectedRow
from pathways.feeds.runner import import_file
from tests.world import World, make_user

PEOPLE_CSV = (
    "agency,person_ref,given_name,family_name,date_of_birth,sex\n"
    "POLICE,P5001,Ada,Good,2001-02-03,F\n"  # line 2: fine
    "POLICE,P5002,Bo,Baddate,31/02/2001,M\n"  # line 3: bad date
    "NOWHERE,P5003,Cy,Unknown,2001-02-03,M\n"  # line 4: unknown agency
    'POLICE,P5004,Di,=HYPERLINK("x"),2001-02-03,F\n'  # line 5: a formula, kept as data
)


@pytest.fixture
def run(world: World, tmp_path: Path) -> ImportRun:
    path = tmp_path / "people-2024.csv"
    path.write_text(PEOPLE_CSV, encoding="utf-8")
    return import_file("people", path, operator="tester")


def test_data_quality_lists_runs_with_their_counts(client: Client, run: ImportRun) -> None:
    client.force_login(make_user("dq", "CJ_GLASGOW", "data_quality"))
    response = client.get("/imports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/imports/{run.pk}/"' in html
    assert "people-2024.csv" in html
    assert (run.rows_read, run.created, run.rejected) == (4, 2, 2)
    assert '<td class="pw_numeric">4</td>' in html  # read
    assert "Finished with 2 rejected" in html


def test_run_page_lists_rejected_rows_with_line_column_and_reason(
    client: Client, run: ImportRun
) -> None:
    client.force_login(make_user("dq", "CJ_GLASGOW", "data_quality"))
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "2 rows rejected" in html
    assert '<th scope="row" class="pw_numeric">3</th>' in html
    assert '<th scope="row" class="pw_numeric">4</th>' in html
    assert "date_of_birth" in html and "31/02/2001" in html
    assert "NOWHERE" in html
    assert html.index('class="pw_numeric">3<') < html.index('class="pw_numeric">4<')


def test_rejected_rows_download_is_neutralised_csv(client: Client, world: World) -> None:
    run = ImportRun.objects.create(kind="people", file_name="/feeds/people.csv", rejected=2)
    RejectedRow.objects.create(
        run=run,
        line=7,
        column="family_name",
        reason="is required",
        row={"agency": "POLICE", "person_ref": "=cmd|' /C calc'!A0", "family_name": ""},
    )
    RejectedRow.objects.create(
        run=run,
        line=3,
        column="sex",
        reason="'Q' is not a known sex",
        row={"agency": "+POLICE", "person_ref": "P1", "sex": "Q"},
    )
    client.force_login(make_user("dq", "CJ_GLASGOW", "data_quality"))
    response = client.get(f"/imports/{run.pk}/rejected.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="import-run-{run.pk}-rejected.csv"'
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "file",
        "line",
        "column",
        "reason",
        "agency",
        "person_ref",
        "given_name",
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
        "area",
        "address",
    ]
    assert rows[1] == [
        "people.csv",
        "3",
        "sex",
        "'Q' is not a known sex",
        "'+POLICE",
        "P1",
        "",
        "",
        "",
        "Q",
        "",
        "",
        "",
    ]
    assert rows[2][:6] == [
        "people.csv",
        "7",
        "family_name",
        "is required",
        "POLICE",
        "'=cmd|' /C calc'!A0",
    ]
    assert len(rows) == 3


def test_rejected_rows_are_paginated(client: Client, world: World) -> None:
    run = ImportRun.objects.create(kind="events", file_name="events.csv", rejected=130)
    RejectedRow.objects.bulk_create(
        RejectedRow(run=run, line=n + 2, column="kind", reason="bad kind", row={"kind": "x"})
        for n in range(130)
    )
    client.force_login(make_user("dq", "CJ_GLASGOW", "data_quality"))
    page1 = client.get(f"/imports/{run.pk}/").content.decode()
    page2 = client.get(f"/imports/{run.pk}/", {"page": 2}).content.decode()
    assert page1.count("<td>bad kind</td>") == 100
    assert page2.count("<td>bad kind</td>") == 30
    assert "showing 101 to 130" in page2
    assert '<th scope="row" class="pw_numeric">131</th>' in page2


def test_a_file_refused_whole_shows_why(client: Client, world: World) -> None:
    run = ImportRun.objects.create(
        kind="events",
        file_name="events.csv",
        status="failed",
        error="events.csv: unknown column 'kidn'",
    )
    client.force_login(make_user("dq", "CJ_GLASGOW", "data_quality"))
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "The whole file was refused" in html
    assert "unknown column &#x27;kidn&#x27;" in html
    assert "This run rejected no rows." in html


def test_admin_role_may_see_import_runs(client: Client, run: ImportRun) -> None:
    client.force_login(make_user("administrator", "ADMIN", "admin"))
    assert client.get("/imports/").status_code == 200
    assert client.get(f"/imports/{run.pk}/").status_code == 200


def test_superuser_may_see_import_runs(client: Client, run: ImportRun) -> None:
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    assert client.get(f"/imports/{run.pk}/").status_code == 200


@pytest.mark.parametrize("who", ["police", "adapt", "socialworker", "dpo", "nobody"])
def test_import_pages_are_forbidden_to_other_roles(
    client: Client, world: World, run: ImportRun, who: str
) -> None:
    client.force_login(getattr(world, who))
    for url in ("/imports/", f"/imports/{run.pk}/", f"/imports/{run.pk}/rejected.csv"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "You cannot open this page" in response.content.decode()


def test_a_missing_run_is_404(client: Client, world: World) -> None:
    client.force_login(world.dataquality)
    assert client.get("/imports/424242/").status_code == 404


def test_who_ran_an_import_from_the_command_line_is_said_in_words(client, world) -> None:
    from pathways.feeds.models import ImportRun

    run = ImportRun.objects.create(kind="people", file_name="people.csv", operator="cli:root")
    client.force_login(world.dataquality)
    html = client.get(f"/imports/{run.pk}/").content.decode()
    assert "root, on the command line" in html and "cli:root" not in html
