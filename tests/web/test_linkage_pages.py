"""The linkage review pages (issue 6): the data quality officer sees the doubtful pairs'
identity fields side by side with each field's part of the weight, decides, splits and
undoes; nobody else sees them, and every look is audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from pathways.audit.models import AccessEvent
from pathways.events.models import Event
from pathways.feeds.runner import import_file
from pathways.linkage.models import LinkChange, LinkReview
from pathways.people.models import AgencyRecord
from tests.linkage.conftest import use_bands
from tests.world import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def textbook_bands(settings, tmp_path_factory):
    """Auto-link from 0.9, review from 0.5: the Anne Smiths below are doubtful."""
    use_bands(settings, tmp_path_factory.mktemp("config"), auto_link=0.9, review=0.5)


PEOPLE = (
    "agency,person_ref,given_name,family_name,date_of_birth,sex,postcode\n"
    "POLICE,P1,Anne,Smith,1990-01-01,F,G31 2AB\n"
    "HSCP_CJSW,C1,Anne,Smith,1990-07-01,F,\n"
    "POLICE,P2,Jamie,McDonald,2004-03-12,M,G40 1AA\n"
    "HSCP_CJSW,C2,James,McDonald,2004-03-12,M,G40 1AA\n"
)
EVENTS = "agency,event_ref,person_ref,kind,occurred_at\nHSCP_CJSW,E1,C2,concern,2024-03-02\n"


@pytest.fixture
def records(tmp_path: Path) -> LinkReview:
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    import_file("people", tmp_path / "people.csv")
    import_file("events", tmp_path / "events.csv")
    return LinkReview.objects.get(status=LinkReview.Status.PENDING)


@pytest.fixture
def officer(client: Client):
    user = make_user("dq", "CJ_GLASGOW", "data_quality")
    client.force_login(user)
    return user


def person(ref: str) -> int:
    return AgencyRecord.objects.get(person_ref=ref).person_id


def test_the_queue_lists_the_doubtful_pair_and_is_audited(client, officer, records) -> None:
    html = client.get("/linkage/").content.decode()
    assert f'href="/linkage/pairs/{records.pk}/"' in html
    assert "Anne Smith, 1 Jan 1990" in html and "Anne Smith, 1 Jul 1990" in html
    assert 'id="links-waiting">1<' in html  # the menu's count
    look = AccessEvent.objects.get(action="view_link_queue")
    assert look.username == "dq" and look.categories == "identity"


def test_the_pair_page_shows_each_fields_agreement_and_weight(client, officer, records) -> None:
    response = client.get(f"/linkage/pairs/{records.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "1990-01-01" in html and "1990-07-01" in html
    for field in ("Given name", "Family name", "Date of birth", "Sex", "Postcode", "Address"):
        assert f'<th scope="row">{field}</th>' in html
    assert "Missing on one side" in html  # C1 has no postcode
    # Each field's agreement in words, never an algorithm's name (issue 19).
    assert "<td>The same</td>" in html
    for jargon in ("Jaro", "Levenshtein", "Exact match on", "All other comparisons", "NULL"):
        assert jargon not in html, jargon
    assert f"{records.probability:.4f}" in html
    assert AccessEvent.objects.filter(action="view_link_review").count() == 1


def test_same_person_merges_them_and_the_chronology_follows(client, officer, records) -> None:
    response = client.post(
        f"/linkage/pairs/{records.pk}/decide/",
        {"decision": "same", "reason": "same CHI number in both files"},
    )
    assert response.status_code == 302
    assert person("P1") == person("C1")
    records.refresh_from_db()
    assert records.status == LinkReview.Status.ACCEPTED and records.decided_by == officer
    assert LinkChange.objects.get().kind == "merge"


def test_different_people_keeps_them_apart(client, officer, records) -> None:
    client.post(f"/linkage/pairs/{records.pk}/decide/",
                {"decision": "different", "reason": "sisters, per the social worker"})  # fmt: skip
    records.refresh_from_db()
    assert records.status == LinkReview.Status.REJECTED
    assert person("P1") != person("C1")
    assert AccessEvent.objects.filter(action="link_keep_apart").count() == 1


def test_a_decision_without_a_reason_says_which_field_and_why(client, officer, records) -> None:
    response = client.post(f"/linkage/pairs/{records.pk}/decide/", {"decision": "same"})
    assert response.status_code == 400
    assert "Say why: the next person to look will read it." in response.content.decode()
    records.refresh_from_db()
    assert records.status == LinkReview.Status.PENDING


def test_a_split_moves_the_record_and_its_events_and_undo_brings_them_back(
    client, officer, records
) -> None:
    jamie = person("P2")
    assert person("C2") == jamie
    c2 = AgencyRecord.objects.get(person_ref="C2")
    html = client.get(f"/linkage/people/{jamie}/").content.decode()
    assert "James McDonald" in html and "Jamie McDonald" in html
    response = client.post(f"/linkage/people/{jamie}/split/",
                           {"records": [str(c2.pk)], "reason": "a cousin"})  # fmt: skip
    assert response.status_code == 302
    assert person("C2") != jamie
    assert Event.objects.get().person_id == person("C2")
    change = LinkChange.objects.get()
    client.post(f"/linkage/changes/{change.pk}/undo/")
    assert person("C2") == jamie
    assert Event.objects.get().person_id == jamie


def test_a_split_of_every_record_is_refused_with_the_reason(client, officer, records) -> None:
    jamie = person("P2")
    ids = [
        str(pk) for pk in AgencyRecord.objects.filter(person_id=jamie).values_list("pk", flat=True)
    ]
    response = client.post(f"/linkage/people/{jamie}/split/", {"records": ids, "reason": "x"})
    assert response.status_code == 400
    assert "Leave at least one record with the person." in response.content.decode()


@pytest.mark.parametrize(
    ("team", "role"),
    [("ONE_GLASGOW", "police_analyst"), ("CJ_GLASGOW", "cjsw_worker"),
     ("CJ_GLASGOW", "researcher"), ("CJ_GLASGOW", "dpo")],
)  # fmt: skip
def test_other_roles_cannot_see_the_review(client, records, team, role) -> None:
    client.force_login(make_user("someone", team, role))
    for url in ("/linkage/", f"/linkage/pairs/{records.pk}/",
                f"/linkage/people/{person('P1')}/", "/linkage/changes/"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    response = client.post(f"/linkage/pairs/{records.pk}/decide/",
                           {"decision": "same", "reason": "x"})  # fmt: skip
    assert response.status_code == 403
    assert person("P1") != person("C1")
    assert not AccessEvent.objects.filter(action__startswith="view_link").exists()


def test_the_review_opens_no_other_door(client, officer, records) -> None:
    # Identity fields for linkage only: the person's page and chronology stay shut.
    assert client.get(f"/people/{person('P2')}/").status_code in (403, 404)
    assert client.get("/people/?q=Smith").status_code in (403, 404)


def test_the_runs_page_shows_what_each_link_run_did(client, officer, records) -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("link", "--full", stdout=StringIO())
    html = client.get("/linkage/runs/").content.decode()
    assert "Full re-link" in html and "Finished" in html
    assert "4 records; model in force" in html
