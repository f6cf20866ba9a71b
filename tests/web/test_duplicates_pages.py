"""An agency's duplicates, for the data quality officer (issue 18): each pair's identity
fields side by side, its state, "Mark as sent", and the download; nobody without the
`review_links` capability sees them, and every look, download and mark is audited with
the people concerned."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.timezone import localtime

from pathways.audit.models import AccessEvent, AccessEventPerson
from pathways.linkage.models import DuplicateSent
from pathways.linkage.services import split_records
from pathways.people.models import AgencyRecord, Person
from tests.factories import AgencyRecordFactory, PersonFactory
from tests.world import add_event, at, make_user

pytestmark = pytest.mark.django_db

PAGE = "/linkage/duplicates/"


@pytest.fixture
def jamie() -> Person:
    """Two police records of one Jamie (the second a little different), a social work one,
    and an event; and a lone police record of someone else."""
    person = PersonFactory(given_name="Jamie", family_name="McDonald")
    AgencyRecordFactory(person=person, agency_id="POLICE", person_ref="P-1",
                        postcode="G31 2AB", address="12 Duke Street")  # fmt: skip
    AgencyRecordFactory(person=person, agency_id="POLICE", person_ref="P-2",
                        given_name="James", postcode="G40 1AA", address="3 Gallowgate",
                        link_method="probabilistic", link_confidence=0.93)  # fmt: skip
    AgencyRecordFactory(person=person, agency_id="HSCP_CJSW", person_ref="C-1")
    add_event(person, "POLICE", at(2024, 1, 5), crime_group="violence")
    PersonFactory(given_name="Morgan", family_name="Alone", records=[("POLICE", "P-9")])
    return person


@pytest.fixture
def officer(client: Client):
    user = make_user("dq", "CJ_GLASGOW", "data_quality")
    user.first_name, user.last_name = "Dana", "Quality"
    user.save()
    client.force_login(user)
    return user


def pair_value(ref: str, first: str) -> str:
    records = dict(AgencyRecord.objects.values_list("person_ref", "pk"))
    return f"{records[ref]}:{records[first]}"


def audited(action: str) -> list[tuple[AccessEvent, set[int]]]:
    return [
        (e, set(AccessEventPerson.objects.filter(event=e).values_list("person_id", flat=True)))
        for e in AccessEvent.objects.filter(action=action).order_by("seq")
    ]


def test_the_page_without_an_agency_offers_the_agencies(client, officer, jamie) -> None:
    html = client.get(PAGE).content.decode()
    assert '<option value="POLICE">Police Scotland, Greater Glasgow Division</option>' in html
    assert "P-2" not in html
    assert not AccessEvent.objects.filter(action="view_agency_duplicates").exists()


def test_a_pair_shows_both_records_identity_and_nothing_else(client, officer, jamie) -> None:
    response = client.get(PAGE, {"agency": "POLICE"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<strong id="duplicates-count">1</strong> pair.' in html
    for shown in ("P-2", "James McDonald", "G40 1AA", "P-1", "Jamie McDonald", "G31 2AB",
                  "born 1 May 2006", "0.93", "<strong>New</strong>"):  # fmt: skip
        assert shown in html, shown
    for hidden in ("12 Duke Street", "3 Gallowgate", "P-9", "C-1", "violence"):
        assert hidden not in html, hidden
    assert (
        'Mark as sent<span class="visually-hidden"> (record P-2, duplicate of P-1)</span>' in html
    )
    assert 'href="/linkage/duplicates/POLICE.csv"' in html


def test_each_look_is_audited_with_the_people_shown(client, officer, jamie) -> None:
    client.get(PAGE, {"agency": "POLICE"})
    [(look, people)] = audited("view_agency_duplicates")
    assert people == {jamie.pk}
    assert (look.username, look.categories, look.decision) == ("dq", "identity", "allowed")
    assert look.detail == "POLICE (all), page 1"
    client.get(PAGE, {"agency": "HSCP_CJSW"})  # nothing shown: no look at anyone
    assert len(audited("view_agency_duplicates")) == 1


def test_marking_a_pair_sent_changes_its_state_and_is_audited(client, officer, jamie) -> None:
    response = client.post("/linkage/duplicates/POLICE/sent/",
                           {"pair": pair_value("P-2", "P-1"), "state": "all", "page": "1"})  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?agency=POLICE&state=all&page=1"
    mark = DuplicateSent.objects.get()
    assert (mark.record.person_ref, mark.duplicate_of.person_ref, mark.sent_by) == (
        "P-2", "P-1", officer,
    )  # fmt: skip
    [(event, people)] = audited("mark_agency_duplicates_sent")
    assert people == {jamie.pk} and event.detail == "POLICE: 1 pair(s) marked, 0 marked before"
    html = client.get(response["Location"]).content.decode()
    assert "1 pair marked as sent to the agency." in html
    assert f">{localtime(mark.sent_at):%-d %b %Y}</time>" in html and "by Dana Quality" in html
    assert "<strong>New</strong>" not in html and 'name="pair"' not in html


def test_marking_again_changes_nothing(client, officer, jamie) -> None:
    value = pair_value("P-2", "P-1")
    client.post("/linkage/duplicates/POLICE/sent/", {"pair": value})
    first = DuplicateSent.objects.get()
    response = client.post("/linkage/duplicates/POLICE/sent/", {"pair": value}, follow=True)
    assert "1 pair marked as sent before: unchanged." in response.content.decode()
    assert list(DuplicateSent.objects.all()) == [first]


def test_new_and_sent_pairs_are_shown_apart(client, officer, jamie) -> None:
    AgencyRecordFactory(person=jamie, agency_id="POLICE", person_ref="P-3")
    client.post("/linkage/duplicates/POLICE/sent/", {"pair": pair_value("P-3", "P-1")})
    new = client.get(PAGE, {"agency": "POLICE", "state": "new"}).content.decode()
    sent = client.get(PAGE, {"agency": "POLICE", "state": "sent"}).content.decode()
    assert "<strong>P-2</strong>" in new and "<strong>P-3</strong>" not in new
    assert "<strong>P-3</strong>" in sent and "<strong>P-2</strong>" not in sent


def test_mark_all_shown_marks_the_new_pairs_of_the_page(client, officer, jamie) -> None:
    AgencyRecordFactory(person=jamie, agency_id="POLICE", person_ref="P-3")
    html = client.get(PAGE, {"agency": "POLICE"}).content.decode()
    assert "Mark the 2 new pairs shown as sent" in html
    client.post("/linkage/duplicates/POLICE/sent/",
                {"pair": [pair_value("P-2", "P-1"), pair_value("P-3", "P-1")]})  # fmt: skip
    assert DuplicateSent.objects.count() == 2


def test_a_pair_split_since_is_not_marked_and_drops_off(client, officer, jamie) -> None:
    value = pair_value("P-2", "P-1")
    p2 = AgencyRecord.objects.get(person_ref="P-2")
    split_records(jamie.pk, [p2.pk], by=None, reason="two brothers")
    response = client.post("/linkage/duplicates/POLICE/sent/", {"pair": value}, follow=True)
    html = response.content.decode()
    assert "1 pair no longer one person, or changed: not marked." in html
    assert 'id="duplicates-empty"' in html
    assert not DuplicateSent.objects.exists()
    assert not AccessEvent.objects.filter(action="mark_agency_duplicates_sent").exists()


def test_a_mark_without_pairs_is_refused_plainly(client, officer, jamie) -> None:
    response = client.post("/linkage/duplicates/POLICE/sent/", {"pair": "x:1"}, follow=True)
    assert "Nothing marked: choose the pairs sent to the agency." in response.content.decode()
    assert not DuplicateSent.objects.exists()


def test_the_download_is_the_commands_file_and_is_audited(client, officer, jamie) -> None:
    response = client.get("/linkage/duplicates/POLICE.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="POLICE-duplicates.csv"'
    downloaded = b"".join(response.streaming_content).decode()
    written = io.StringIO()
    call_command("export", "duplicates", "--agency", "POLICE", stdout=written)
    assert (
        downloaded
        == written.getvalue()
        == (
            "agency,person_ref,duplicate_of,person_id,link_confidence\n"
            f"POLICE,P-2,P-1,{jamie.pk},0.93\n"
        )
    )
    [(export, people)] = audited("export_agency_duplicates")
    assert people == {jamie.pk} and export.categories == "identity"


def test_an_unknown_agency_is_not_found(client, officer, jamie) -> None:
    assert client.get("/linkage/duplicates/NOPE.csv").status_code == 404
    assert client.post("/linkage/duplicates/NOPE/sent/",
                       {"pair": pair_value("P-2", "P-1")}).status_code == 404  # fmt: skip
    html = client.get(PAGE, {"agency": "NOPE"}).content.decode()  # not a choice: ignored
    assert "P-2" not in html


@pytest.mark.parametrize("role", ["police_analyst", "dpo", "manager", "admin"])
def test_a_role_without_review_links_gets_403_and_sees_nothing(client, jamie, role) -> None:
    client.force_login(make_user("someone", "CJ_GLASGOW", role))
    value = pair_value("P-2", "P-1")
    for response in (
        client.get(PAGE, {"agency": "POLICE"}),
        client.get("/linkage/duplicates/POLICE.csv"),
        client.post("/linkage/duplicates/POLICE/sent/", {"pair": value}),
    ):
        assert response.status_code == 403
        assert b"P-2" not in response.content and b"McDonald" not in response.content
    assert not DuplicateSent.objects.exists()
    assert not AccessEvent.objects.filter(person_id=jamie.pk).exists()
    assert not AccessEventPerson.objects.filter(person_id=jamie.pk).exists()
