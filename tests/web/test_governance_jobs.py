"""The data protection officer's jobs from the pages: a subject access request, a
research extract and retention runs, each queued, run by the worker (at once in tests),
shown on its page with what it did, its files downloaded only by whoever asked (and the
researcher an extract is for), every download audited; a bad request says why on the
form; other roles are refused."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client

from pathways.audit.models import AccessEvent
from pathways.governance.jobs import run_job
from pathways.governance.models import GovernanceJob
from tests.world import add_event, at, make_person, make_user, refer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def jobs_dir(settings, tmp_path: Path) -> Path:
    settings.PATHWAYS_JOBS_DIR = tmp_path / "jobs"
    return settings.PATHWAYS_JOBS_DIR


@pytest.fixture
def dpo(partnership: None):
    return make_user("dpo", "CJ_GLASGOW", "dpo")


def test_a_subject_access_request_from_the_page(client: Client, dpo) -> None:
    person = make_person("Rhona", "Asked", dt.date(1990, 1, 1), records=(("POLICE", "RA1"),))
    add_event(person, "POLICE", at(2024, 2, 3), crime_group="violence", category="Assault")
    refer(person, "POLICE", "ADAPT", dt.date(2024, 5, 1))
    client.force_login(dpo)
    missing = client.post("/governance/jobs/", {"job": "subject_access", "person_id": "999999"})
    assert missing.status_code == 400
    assert "No person has the Pathways id 999999." in missing.content.decode()
    done = client.post(
        "/governance/jobs/", {"job": "subject_access", "person_id": str(person.pk)}, follow=True
    )
    page = done.content.decode()
    job = GovernanceJob.objects.get()
    assert (job.kind, job.status, job.requested_by) == ("subject_access", "done", dpo)
    assert "1 events" in page and "1 referrals" in page
    name = f"person-{person.pk}-subject-access.json"
    assert sorted(job.files()) == [name, name.replace(".json", ".pdf")]
    got = client.get(f"/governance/jobs/{job.pk}/files/{name}")
    bundle = json.loads(b"".join(got.streaming_content))
    assert bundle["person"]["family_name"] == "Asked"
    audited = AccessEvent.objects.filter(user=dpo, person_id=person.pk)
    assert set(audited.values_list("action", "channel")) == {
        ("subject_access", "web"),
        ("download_subject_access", "web"),
    }
    # A file the job did not write, or a job of someone else's: nothing.
    assert client.get(f"/governance/jobs/{job.pk}/files/..%2Fsecret").status_code == 404
    other = make_user("dpo2", "CJ_GLASGOW", "dpo")
    client.force_login(other)
    assert client.get(f"/governance/jobs/{job.pk}/").status_code == 200  # the DPOs' list
    assert client.get(f"/governance/jobs/{job.pk}/files/{name}").status_code == 404


def test_a_research_extract_for_a_researcher_who_downloads_it(client: Client, dpo) -> None:
    researcher = make_user("robin", "CJ_GLASGOW", "researcher")
    make_person("Ann", "Extract", dt.date(1999, 9, 9), records=(("POLICE", "E1"),))
    client.force_login(dpo)
    refused = client.post("/governance/jobs/", {"job": "extract", "username": "dpo"})
    assert refused.status_code == 400  # not among the researchers offered
    client.post("/governance/jobs/", {"job": "extract", "username": "robin"})
    job = GovernanceJob.objects.get()
    assert job.status == "done" and "people.csv" in job.files()
    client.force_login(researcher)
    assert f'href="/governance/jobs/{job.pk}/"' in client.get("/governance/jobs/").content.decode()
    got = client.get(f"/governance/jobs/{job.pk}/files/people.csv")
    assert b"".join(got.streaming_content).startswith(b"pid,sex,age_band,area")
    extract = AccessEvent.objects.get(action="research_extract")
    assert extract.user == researcher and "made by dpo" in extract.detail


def test_retention_is_counted_then_applied_only_when_confirmed(client: Client, dpo) -> None:
    client.force_login(dpo)
    page = client.get("/governance/jobs/").content.decode()
    # The periods in words (retention.toml: custody 6 years, job files 30 days).
    assert "<li>Custody episodes: 6 years</li>" in page
    assert "<li>Files of subject access requests and extracts: 30 days</li>" in page
    unconfirmed = client.post("/governance/jobs/", {"job": "retention", "mode": "apply"})
    assert unconfirmed.status_code == 400
    assert "Confirm that what is due may be removed for good." in unconfirmed.content.decode()
    assert not GovernanceJob.objects.exists()
    client.post("/governance/jobs/", {"job": "retention", "mode": "count"})
    client.post("/governance/jobs/", {"job": "retention", "mode": "apply", "confirm": "on"})
    counted, applied = GovernanceJob.objects.order_by("pk")
    assert (counted.kind, counted.status) == ("retention_dry_run", "done")
    assert (applied.kind, applied.status) == ("retention_apply", "done")
    assert counted.summary.startswith("due (nothing changed)")
    assert AccessEvent.objects.get(action="retention").user == dpo


def test_a_job_runs_once_and_a_failure_is_shown(client: Client, dpo) -> None:
    job = GovernanceJob.objects.create(kind="subject_access", requested_by=dpo,
                                       params={"person_id": 424242})  # fmt: skip
    failed = run_job(job.pk)
    assert failed.status == "failed" and "424242" in failed.error
    assert run_job(job.pk).status == "failed"  # not run again
    client.force_login(dpo)
    assert "The job failed" in client.get(f"/governance/jobs/{job.pk}/").content.decode()


@pytest.mark.parametrize("role", ["partner_worker", "police_analyst", "data_quality"])
def test_other_roles_are_refused(client: Client, partnership: None, role: str) -> None:
    client.force_login(make_user("someone", "CJ_GLASGOW", role))
    assert client.get("/governance/jobs/").status_code == 403


def test_retention_removes_the_files_of_jobs_finished_a_month_ago(client: Client, dpo) -> None:
    """Subject access bundles and extracts are copies to send, not records to keep: after
    retention.toml's `job_files` days (30) their files go; the job's row stays."""
    import datetime as dt

    from django.utils import timezone

    from pathways.governance.retention import run_retention

    person = make_person("Old", "Bundle", dt.date(1990, 1, 1), records=(("POLICE", "OB1"),))
    client.force_login(dpo)
    client.post("/governance/jobs/", {"job": "subject_access", "person_id": str(person.pk)})
    job = GovernanceJob.objects.get()
    assert job.files()
    counted = {s.code: s.count for s in run_retention(apply=False)}
    assert counted["job_files"] == 0  # finished today
    GovernanceJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=31)
    )
    done = {s.code: s.count for s in run_retention(apply=True)}
    assert done["job_files"] == 1
    assert GovernanceJob.objects.get(pk=job.pk).files() == []


def test_a_dpo_who_has_left_the_role_no_longer_downloads_a_bundle(client: Client, dpo) -> None:
    from pathways.partners.memberships import forget_memberships
    from pathways.partners.models import Membership

    person = make_person("Left", "Role", dt.date(1990, 1, 1), records=(("POLICE", "LR1"),))
    client.force_login(dpo)
    client.post("/governance/jobs/", {"job": "subject_access", "person_id": str(person.pk)})
    job = GovernanceJob.objects.get()
    name = job.files()[0]
    assert client.get(f"/governance/jobs/{job.pk}/files/{name}").status_code == 200
    Membership.objects.filter(user=dpo).update(role_id="researcher")
    forget_memberships(dpo)
    assert client.get(f"/governance/jobs/{job.pk}/files/{name}").status_code == 404
