"""A referral's page and the inbox: the pathway from proposal to acceptance taken
through the pages by the people whose step it is, with the refusals they would meet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.referrals.models import Referral, Transition
from tests.world import make_person, make_user, proposed_to_adapt

TODAY = timezone.localdate()


@pytest.fixture
def users(partnership: None) -> dict[str, object]:
    return {
        "police": make_user("police", "ONE_GLASGOW", "police_analyst"),
        "social": make_user("social", "CJSW_NE", "cjsw_worker"),
        "adapt": make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"),
        "sidestep": make_user("sidestep", "AFC_SIDESTEP", "partner_worker"),
    }


@pytest.fixture
def referral(partnership: None) -> Referral:
    return proposed_to_adapt("identified for ADAPT (score 10)")


def step(client: Client, referral: Referral, action: str, **data: str) -> str:
    fresh = Referral.objects.get(pk=referral.pk)
    response = client.post(
        f"/referrals/{referral.pk}/{action}/", {"version": fresh.version, **data}, follow=True
    )
    return response.content.decode()


def test_from_proposal_to_acceptance_through_the_pages(client: Client, users, referral) -> None:
    client.force_login(users["police"])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Waiting for approval by police and social work." in page
    assert 'id="step-approve"' in page and 'id="step-send"' not in page
    assert "Your approval is recorded." in step(client, referral, "approve")

    client.force_login(users["social"])
    inbox = client.get("/referrals/").content.decode()
    assert "To approve (1)" in inbox and "Jordan Path" in inbox
    page = step(client, referral, "approve", **{"approve-note": "known to us, agree"})
    # The second approval sends it: nobody has to come back to press Send.
    assert "Both sides have approved: the referral is sent to ADAPT." in page
    assert "Waiting for ADAPT to accept or decline" in page

    client.force_login(users["police"])
    assert "to send" not in client.get("/referrals/").content.decode()

    client.force_login(users["adapt"])
    inbox = client.get("/referrals/").content.decode()
    assert "To accept or decline (1)" in inbox
    page = step(client, referral, "accept")
    assert "The referral is accepted." in page
    assert "waiting for ADAPT to record the person&#x27;s consent" in page
    steps = list(
        Transition.objects.filter(referral=referral).values_list("to_state", "by__username")
    )
    assert steps == [
        ("proposed", None), ("approved", "social"), ("sent", "social"), ("accepted", "adapt"),
    ]  # fmt: skip


def test_declining_needs_a_reason_said_on_the_field(client: Client, users, referral) -> None:
    Referral.objects.filter(pk=referral.pk).update(state="sent")
    client.force_login(users["adapt"])
    response = client.post(f"/referrals/{referral.pk}/decline/", {"version": 1})
    assert response.status_code == 400
    assert "Reason: This field is required." in response.content.decode()
    other = client.post(
        f"/referrals/{referral.pk}/decline/", {"version": 1, "decline-reason": "other"}
    )
    assert "Note (optional): Say why, when the reason is other." in other.content.decode()
    page = step(client, referral, "decline", **{"decline-reason": "capacity"})
    assert "The referral is declined." in page
    assert Referral.objects.get(pk=referral.pk).state == "declined"


def test_a_stale_page_is_told_and_changes_nothing(client: Client, users, referral) -> None:
    # Someone approved and the referral moved on (version 2) while this page showed 1.
    Referral.objects.filter(pk=referral.pk).update(state="approved", version=2)
    client.force_login(users["police"])
    stale = client.post(f"/referrals/{referral.pk}/send/", {"version": 1}, follow=True)
    assert "someone else changed this referral" in stale.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == "approved"
    assert not Transition.objects.filter(referral=referral, to_state="sent").exists()


def test_people_outside_the_referral_cannot_see_or_step(client: Client, users, referral) -> None:
    client.force_login(users["adapt"])  # a proposed referral is not yet the partner's
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/referrals/{referral.pk}/approve/", {"version": 1}).status_code == 404
    Referral.objects.filter(pk=referral.pk).update(state="sent")
    client.force_login(users["sidestep"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/referrals/{referral.pk}/accept/", {"version": 1}).status_code == 404
    assert client.post(f"/referrals/{referral.pk}/explode/", {"version": 1}).status_code == 404
    assert Referral.objects.get(pk=referral.pk).state == "sent"


def test_a_step_not_theirs_is_refused_with_the_reason(client: Client, users, referral) -> None:
    Referral.objects.filter(pk=referral.pk).update(state="sent")
    client.force_login(users["police"])
    page = step(client, referral, "accept")
    assert "Not done: only the ADAPT team decides on its referrals." in page


def test_overdue_referrals_are_listed(client: Client, users, referral) -> None:
    ten_days = TODAY - dt.timedelta(days=10)
    Referral.objects.filter(pk=referral.pk).update(state="sent")
    Transition.objects.create(
        referral=referral, from_state="approved", to_state="sent", on=ten_days
    )
    client.force_login(users["police"])
    inbox = client.get("/referrals/").content.decode()
    assert "Overdue: not decided in time (1)" in inbox
    # The partner decides it: listed once, to decide, marked overdue there.
    client.force_login(users["adapt"])
    inbox = client.get("/referrals/").content.decode()
    assert "To accept or decline (1)" in inbox and "Overdue</strong>" in inbox
    assert "Overdue: not decided in time" not in inbox
    assert inbox.count(f'href="/referrals/{referral.pk}/"') == 1
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "— overdue." in page


def test_the_partner_records_the_engagement_and_the_partnership_team_sees_it(
    client: Client, users, referral
) -> None:
    Referral.objects.filter(pk=referral.pk).update(state="consented")
    client.force_login(users["adapt"])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Record the first contact and the plan" in page
    missing = client.post(
        f"/referrals/{referral.pk}/engagement/start/", {"on": "", "attendance": "late"}
    )
    assert missing.status_code == 400
    html = missing.content.decode()
    assert "The plan&#x27;s focus areas: This field is required." in html
    assert "Why late, or why it did not happen: Say why the person was late" in html
    made = Referral.objects.get(pk=referral.pk).referred_on
    early = client.post(
        f"/referrals/{referral.pk}/engagement/start/",
        {"focus_areas": ["education"], "on": (made - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
         "attendance": "attended", "notes": "Met with mum at home."},
    )  # fmt: skip
    assert early.status_code == 400  # said on the date field, what was typed kept
    html = early.content.decode()
    assert (
        'href="#id_on">Date of the contact: The date cannot be before the referral was made ('
        in html
    )
    assert "Met with mum at home." in html
    assert Referral.objects.get(pk=referral.pk).state == "consented"
    done = client.post(
        f"/referrals/{referral.pk}/engagement/start/",
        {"focus_areas": ["education", "family_support"], "on": TODAY.strftime("%d/%m/%Y"),
         "attendance": "attended", "notes": "Met with mum at home."},
        follow=True,
    )  # fmt: skip
    assert "The engagement has started." in done.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == "engaged"
    # The partnership team sees the engagement under Includem's regular exchange.
    client.force_login(users["police"])
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Focus areas: education, family support." in page
    assert "Met with mum at home." in page
    assert "Record a contact" not in page
    assert client.get(f"/referrals/{referral.pk}/contacts/new/").status_code == 403


def test_the_partner_keeps_its_case_read_only_after_ending_it(
    client: Client, users, referral
) -> None:
    """Ending lands on the case, not on "Page not found"; the mentor rereads the notes
    from the person page; nothing more can be recorded; another service sees nothing."""
    Referral.objects.filter(pk=referral.pk).update(state="consented")
    client.force_login(users["adapt"])
    on = TODAY.strftime("%d/%m/%Y")
    client.post(
        f"/referrals/{referral.pk}/engagement/start/",
        {"focus_areas": ["education"], "on": on, "attendance": "attended",
         "notes": "Talked about college."},
    )  # fmt: skip
    ended = client.post(
        f"/referrals/{referral.pk}/engagement/end/",
        {"outcome": "completed", "on": on, "rating_education": "achieved", "note": "Went well."},
        follow=True,
    )
    assert ended.status_code == 200
    assert ended.redirect_chain[-1][0] == f"/referrals/{referral.pk}/"
    page = ended.content.decode()
    assert "The engagement has ended." in page and "Talked about college." in page
    assert Referral.objects.get(pk=referral.pk).state == "completed"
    assert "Record a contact" not in page
    form = client.get(f"/referrals/{referral.pk}/contacts/new/", follow=True)
    assert "The engagement has ended: its record is kept, read-only." in form.content.decode()
    late = client.post(
        f"/referrals/{referral.pk}/contacts/new/",
        {"on": on, "attendance": "attended", "notes": "One more."},
        follow=True,
    )
    assert "read-only" in late.content.decode()
    assert not Referral.objects.get(pk=referral.pk).contacts.filter(notes="One more.").exists()
    person = client.get(f"/people/{referral.person_id}/").content.decode()
    assert f'href="/referrals/{referral.pk}/"' in person
    # Another diversion service never worked the case: the person does not exist for it.
    client.force_login(users["sidestep"])
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/people/{referral.person_id}/").status_code == 404


def test_a_partner_referral_from_the_person_page(client: Client, users) -> None:
    person = make_person("Robin", "Walkin", dt.date(1990, 2, 2),
                         records=(("HSCP_CJSW", "C77"), ("POLICE", "P77")))  # fmt: skip
    client.force_login(users["social"])
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert f'href="/people/{person.pk}/refer/"' in page
    missing = client.post(f"/people/{person.pk}/refer/", {"route": "self"})
    assert missing.status_code == 400
    html = missing.content.decode()
    assert (
        "Refer to: This field is required." in html and "Why refer: This field is required." in html
    )
    done = client.post(
        f"/people/{person.pk}/refer/",
        {"service": "BRIDGING", "route": "self", "reason": "Asked for help finding work."},
        follow=True,
    )
    assert "Robin Walkin is proposed for The Bridging Service." in done.content.decode()
    made = Referral.objects.get(person=person)
    assert (made.state, made.route, made.record.agency_id) == ("proposed", "self", "HSCP_CJSW")
    again = client.post(
        f"/people/{person.pk}/refer/",
        {"service": "BRIDGING", "route": "partner", "reason": "Again."},
    )
    assert "already has an open referral to The Bridging Service" in again.content.decode()


def test_an_agency_without_a_record_cannot_hold_a_referral(client: Client, users) -> None:
    person = make_person("Kim", "Policeonly", dt.date(1990, 2, 2), records=(("POLICE", "P78"),))
    Referral.objects.create(
        person=person,
        record=person.records.get(),
        service_id="STARS",
        referred_on=TODAY,
        state="engaged",
    )  # fmt: skip  (social work sees them)
    client.force_login(users["social"])
    response = client.post(
        f"/people/{person.pk}/refer/",
        {"service": "BRIDGING", "route": "partner", "reason": "Employability."},
    )
    assert "Your agency holds no record of this person" in response.content.decode()
    assert Referral.objects.filter(person=person).count() == 1


def test_a_second_diversion_referral_is_made_only_knowingly(client: Client, users) -> None:
    """Proposed to SIDESTEP this morning, the same young person is not proposed to ADAPT
    as well without the referrer saying so (two services would contact them)."""
    person = make_person("Kim", "Twice", dt.date(2010, 3, 3), records=(("POLICE", "K2"),))
    client.force_login(users["police"])
    client.post(f"/people/{person.pk}/refer/", {"service": "SIDESTEP", "route": "partner",
                                                "reason": "Exploitation concern."})  # fmt: skip
    form = client.get(f"/people/{person.pk}/refer/").content.decode()
    assert 'name="also"' not in form  # asked only when it matters
    second = client.post(f"/people/{person.pk}/refer/", {"service": "ADAPT", "route": "partner",
                                                         "reason": "Violence."})  # fmt: skip
    assert second.status_code == 400
    html = second.content.decode()
    assert "Kim Twice already has an open referral to SIDESTEP (Proposed, referred " in html
    assert 'name="also"' in html
    assert Referral.objects.filter(person=person).count() == 1
    done = client.post(f"/people/{person.pk}/refer/", {"service": "ADAPT", "route": "partner",
                                                       "reason": "Violence.", "also": "on"},
                       follow=True)  # fmt: skip
    assert "Kim Twice is proposed for ADAPT." in done.content.decode()
    # A service of another kind (support) is not held back by a diversion referral.
    client.post(f"/people/{person.pk}/refer/", {"service": "BRIDGING", "route": "partner",
                                                "reason": "Work."})  # fmt: skip
    assert Referral.objects.filter(person=person).count() == 3


def test_referrals_accepted_long_ago_and_never_started_are_listed_apart(
    client: Client, users
) -> None:
    """Issue 19: "Accepted" held referrals from 2021 among this week's."""
    old = make_person("Old", "Accepted", dt.date(2008, 1, 1), records=(("POLICE", "OA1"),))
    new = make_person("New", "Accepted", dt.date(2008, 1, 1), records=(("POLICE", "NA1"),))
    from tests.world import refer

    refer(old, "POLICE", "ADAPT", dt.date(2021, 3, 1), state="accepted")
    refer(new, "POLICE", "ADAPT", TODAY - dt.timedelta(days=3), state="accepted")
    client.force_login(users["adapt"])
    inbox = client.get("/referrals/").content.decode()
    engage = inbox.split('id="to-engage"')[1].split("</section>")[0]
    stalled = inbox.split('id="stalled"')[1].split("</section>")[0]
    assert "New Accepted" in engage and "Old Accepted" not in engage
    assert "Old Accepted" in stalled
    home = client.get("/").content.decode()
    assert "1</strong> accepted referral waiting for consent or a first contact" in home
