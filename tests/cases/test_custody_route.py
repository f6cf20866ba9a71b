"""The custody route: a new custody episode opens a visit for the custody peer mentors,
who see the person (identity and custody, nothing else) for seven days, record the
visit once, and the services they signposted the person to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.cases.models import CustodyVisit
from pathways.feeds.after_import import scan_new_events
from pathways.sharing.policy import decide
from tests.world import LONDON, add_event, make_person, make_user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def held(days_ago: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(2), tzinfo=LONDON)


@pytest.fixture
def world():
    mentor = make_user("mentor", "POP_CUSTODY", "custody_mentor")
    person = make_person("Cal", "Custody", dt.date(1995, 5, 5), records=(("POLICE", "P1"),))
    add_event(person, "POLICE", held(30), crime_group="dishonesty")  # history
    scan_new_events()  # the mark
    add_event(person, "POLICE", held(1), kind="custody", category="Held for court")
    scan_new_events()
    return {"mentor": mentor, "person": person}


def test_a_custody_episode_opens_one_visit_and_the_mentor_sees_custody_only(world) -> None:
    visit = CustodyVisit.objects.get()
    assert (visit.person, visit.outcome) == (world["person"], "waiting")
    scan_new_events()
    assert CustodyVisit.objects.count() == 1  # not twice
    mentor, person = world["mentor"], world["person"]
    assert decide(mentor, person, "custody", source="POLICE").allowed
    assert not decide(mentor, person, "offending").allowed


def test_seven_days_after_the_episode_the_mentor_no_longer_sees_the_person(
    world, client: Client
) -> None:
    mentor, person = world["mentor"], world["person"]
    client.force_login(mentor)
    assert client.get("/custody/").content.decode().count("Cal Custody") == 1
    from pathways.events.models import Event

    Event.objects.filter(kind="custody").update(occurred_on=TODAY - dt.timedelta(days=8))
    mentor = type(mentor).objects.get(pk=mentor.pk)  # a new request: grants read again
    assert not decide(mentor, person, "custody", source="POLICE").allowed
    assert "Cal Custody" not in client.get("/custody/").content.decode()
    assert client.get(f"/custody/{CustodyVisit.objects.get().pk}/").status_code == 404


def test_the_mentor_records_the_visit_once_with_signposting(world, client: Client) -> None:
    visit = CustodyVisit.objects.get()
    client.force_login(world["mentor"])
    bad = client.post(f"/custody/{visit.pk}/", {"outcome": "declined", "seen_on": TODAY.isoformat(),
                                               "signposted_to": ["BRIDGING"], "version": 1})  # fmt: skip
    assert bad.status_code == 400
    assert "Signposted to: Only a person who was seen can be signposted." in bad.content.decode()
    done = client.post(
        f"/custody/{visit.pk}/",
        {"outcome": "seen", "seen_on": TODAY.isoformat(), "conversation": "Wants help with work.",
         "signposted_to": ["BRIDGING", "POP"], "version": 1},
        follow=True,
    )  # fmt: skip
    assert "The visit to Cal Custody is recorded." in done.content.decode()
    visit.refresh_from_db()
    assert (visit.outcome, visit.signposted_to, visit.mentor) == (
        "seen", ["BRIDGING", "POP"], world["mentor"],
    )  # fmt: skip
    other = make_user("mentor2", "POP_CUSTODY", "custody_mentor")
    client.force_login(other)
    again = client.post(f"/custody/{visit.pk}/", {"outcome": "not_seen", "seen_on": TODAY.isoformat(),
                                                 "version": 1}, follow=True)  # fmt: skip
    assert "Seen on" in again.content.decode()  # the record shows; nothing changed
    visit.refresh_from_db()
    assert visit.outcome == "seen"


def test_others_have_no_custody_list(world, client: Client) -> None:
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    assert "Cal Custody" not in client.get("/custody/").content.decode()
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    assert client.get("/custody/").status_code == 403


def test_a_visit_cannot_be_dated_before_the_person_was_held(world, client: Client) -> None:
    # Issue 19: "seen" before the episode would put the visit before its reason.
    visit = CustodyVisit.objects.get()
    client.force_login(world["mentor"])
    held_on = TODAY - dt.timedelta(days=1)
    before = client.post(f"/custody/{visit.pk}/", {
        "outcome": "seen", "seen_on": (held_on - dt.timedelta(days=1)).isoformat(), "version": 1,
    })  # fmt: skip
    assert before.status_code == 400
    page = before.content.decode()
    assert f"The visit cannot be dated before the person was held ({held_on.day} " in page
    visit.refresh_from_db()
    assert (visit.outcome, visit.seen_on) == ("waiting", None)
    done = client.post(f"/custody/{visit.pk}/", {"outcome": "seen", "seen_on": held_on.isoformat(),
                                                "version": 1}, follow=True)  # fmt: skip
    assert "The visit to Cal Custody is recorded." in done.content.decode()


def test_a_recorded_visit_is_corrected_from_its_page(world, client: Client) -> None:
    visit = CustodyVisit.objects.get()
    client.force_login(world["mentor"])
    held_on = TODAY - dt.timedelta(days=1)
    client.post(f"/custody/{visit.pk}/", {"outcome": "declined", "seen_on": held_on.isoformat(),
                                         "version": 1})  # fmt: skip
    page = client.get(f"/custody/{visit.pk}/").content.decode()
    assert f'href="/custody/{visit.pk}/correct/"' in page
    stale = client.post(f"/custody/{visit.pk}/correct/", {
        "outcome": "seen", "seen_on": held_on.isoformat(), "conversation": "Talked after all.",
        "signposted_to": ["BRIDGING"], "why": "He came back to talk", "version": 1,
    })  # fmt: skip
    # The page shown was of the visit before it was recorded: refused, nothing changed.
    assert stale.status_code == 400 and "visit changed since you opened it" in (
        stale.content.decode()
    )
    done = client.post(f"/custody/{visit.pk}/correct/", {
        "outcome": "seen", "seen_on": held_on.isoformat(), "conversation": "Talked after all.",
        "signposted_to": ["BRIDGING"], "why": "He came back to talk", "version": 2,
    }, follow=True)  # fmt: skip
    html = done.content.decode()
    assert "Corrected: what happened, the conversation, signposted to." in html
    assert "<td>Did not want to talk</td>" in html and "<td>Seen</td>" in html
    assert "Signposted to The Bridging Service." in html
    visit.refresh_from_db()
    assert (visit.outcome, visit.signposted_to, visit.version) == ("seen", ["BRIDGING"], 3)


def test_the_signposts_offered_are_those_the_person_can_use(world, client: Client) -> None:
    """Cal is a man of 31: not the women's services, not a statutory requirement (a court
    or a social worker opens those), not the custody route itself."""
    visit = CustodyVisit.objects.get()
    client.force_login(world["mentor"])
    html = client.get(f"/custody/{visit.pk}/").content.decode()
    assert "The Bridging Service" in html and "Crisis outreach service" in html
    for not_offered in ("The 218 Service", "Sacro women", "STARS", "POP custody peer mentors"):
        assert not_offered not in html, not_offered
    refused = client.post(f"/custody/{visit.pk}/", {"outcome": "seen", "seen_on": TODAY.isoformat(),
                                                   "signposted_to": ["W218"], "version": 1})  # fmt: skip
    assert refused.status_code == 400  # not among the choices
    visit.refresh_from_db()
    assert visit.outcome == "waiting"
