"""GET /api/v1/outcomes: the report as the command line gives it; unsuppressed figures for
analysts only (audited), published ones for the other roles that read reports."""

from __future__ import annotations

import pytest

from pathways.audit.models import AccessEvent
from pathways.referrals.models import Referral

pytestmark = pytest.mark.django_db
URL = "/api/v1/outcomes?from=2024-01-01&to=2025-01-01&as_of=2025-06-01"


def test_an_analyst_gets_the_json_report_which_is_audited(call, world) -> None:
    response = call("police", URL + "&service=ADAPT&service=SIDESTEP")
    assert response.status_code == 200
    report = response.json()
    assert report["parameters"] == {
        "services": ["ADAPT", "SIDESTEP"], "from": "2024-01-01", "to": "2025-01-01",
        "as_of": "2025-06-01",
    }  # fmt: skip
    assert report["funnel"]["referred"] == Referral.objects.count() == 2
    assert report["follow_up"]["3"]["cohort"] == 0
    audited = AccessEvent.objects.get(action="report_unsuppressed")
    assert (audited.username, audited.channel) == ("police", "api")


def test_other_roles_get_published_figures_only(call, world) -> None:
    refused = call("adapt", URL + "&service=ADAPT")
    assert refused.status_code == 403
    assert "published=true" in refused.json()["message"]
    shown = call("adapt", URL + "&service=ADAPT&published=true").json()
    assert shown["funnel"]["referred"] == "[c]"  # one referral
    assert shown["funnel"]["declined"] == 0
    assert not AccessEvent.objects.filter(action="report_unsuppressed").exists()


def test_roles_that_do_not_read_reports_are_refused(call, world) -> None:
    response = call("dpo", URL + "&published=true")
    assert response.status_code == 403
    assert response.json() == {"message": "your role cannot read outcome reports"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("&service=NOPE", "unknown service: NOPE"),
        ("&sex=Q", "sex must be one of M, F, X, U"),
    ],
)
def test_bad_parameters_are_json_errors(call, world, query, message) -> None:
    response = call("police", URL + query)
    assert response.status_code == 422
    assert message in response.json()["message"]


def test_a_missing_or_malformed_date_is_a_json_error(call, world) -> None:
    response = call("police", "/api/v1/outcomes?from=2024-13-01&to=2025-01-01")
    assert response.status_code == 422
    assert "message" in response.json()
