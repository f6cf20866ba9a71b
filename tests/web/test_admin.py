"""Django's admin holds the partnership's configuration; import runs are read-only there."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pathways.feeds.models import ImportRun


@pytest.fixture
def admin_client_(client: Client, partnership: None) -> Client:
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    return client


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/admin/partners/area/?q=north", "NE"),
        ("/admin/partners/agency/?q=includem", "INCLUDEM"),
        ("/admin/partners/service/?q=ADAPT", "ADAPT"),
        ("/admin/partners/role/?q=partner", "partner_worker"),
        ("/admin/partners/team/?q=ADAPT", "INCLUDEM_ADAPT"),
        ("/admin/partners/membership/", "0 memberships"),
        ("/admin/feeds/importrun/", "0 import runs"),
        ("/admin/sharing/agreement/?q=ADAPT", "POLICE_ADAPT_OFFENDING"),
        ("/admin/sharing/datacategory/", "special category data (UK GDPR Art 9)"),
        ("/admin/sharing/retentionperiod/", "rejected_rows"),
    ],
)
def test_configuration_is_listed_and_searchable(
    admin_client_: Client, url: str, expected: str
) -> None:
    response = admin_client_.get(url)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_import_runs_cannot_be_added_or_changed(admin_client_: Client) -> None:
    run = ImportRun.objects.create(kind="people", file_name="people.csv")
    assert admin_client_.get("/admin/feeds/importrun/add/").status_code == 403
    page = admin_client_.get(f"/admin/feeds/importrun/{run.pk}/change/")
    assert page.status_code == 200  # the view page
    assert 'name="_save"' not in page.content.decode()
    response = admin_client_.post(f"/admin/feeds/importrun/{run.pk}/change/", {"kind": "x"})
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.kind == "people"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/people/person/",
        "/admin/people/agencyrecord/",
        "/admin/events/event/",
        "/admin/referrals/referral/",
        "/admin/referrals/consent/",
        "/admin/alerts/alert/",
        "/admin/linkage/linkreview/",
        "/admin/audit/accessevent/",
    ],
)
def test_case_content_and_the_audit_are_not_in_the_admin(admin_client_: Client, url) -> None:
    assert admin_client_.get(url).status_code == 404
