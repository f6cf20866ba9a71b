"""Holes a review found, kept shut: social work sees proposed referrals only of services
that need its approval; only the referring agency sends or withdraws; alerts about a
person no longer visible are not shown; a run's change makes an earlier page stale;
a step posted without the page's version counts as stale; custody for seven days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.access.alerts import alerts_for
from pathways.cases.models import CustodyVisit
from pathways.feeds.after_import import scan_new_events
from pathways.identification import runs
from pathways.identification.decisions import DecisionRefused, dismiss
from pathways.identification.models import Candidate
from pathways.partners.models import Service
from pathways.referrals import actions
from pathways.referrals.actions import do_propose as propose
from pathways.referrals.models import Referral
from pathways.sharing.policy import visible_people
from tests.world import LONDON, add_event, make_person, make_user, refer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def at(days_ago: int) -> dt.datetime:
    return dt.datetime.combine(TODAY - dt.timedelta(days=days_ago), dt.time(12), tzinfo=LONDON)


def proposed(service: str, ref: str) -> Referral:
    person = make_person("Pat", ref, dt.date(2008, 1, 1), records=(("POLICE", ref),))
    return propose(person, Service.objects.get(code=service), person.records.get(), on=TODAY,
                   by=None, reason="test")  # fmt: skip


def test_social_work_sees_proposals_only_for_services_it_approves() -> None:
    social = make_user("social", "CJSW_NE", "cjsw_worker")
    adapt = proposed("ADAPT", "P1")
    pop = proposed("POP", "P2")  # no joint approval: not social work's business
    seen = set(visible_people(social).values_list("pk", flat=True))
    assert adapt.person_id in seen and pop.person_id not in seen


def test_only_the_referring_agency_sends_or_withdraws() -> None:
    police = make_user("police", "ONE_GLASGOW", "police_analyst")
    social = make_user("social", "CJSW_NE", "cjsw_worker")
    # A service without joint approval: the police's proposal waits for the police to send.
    referral = proposed("BRIDGING", "P3")
    assert "send" not in actions.steps_for(social, referral)
    assert "withdraw" not in actions.steps_for(social, referral)
    assert {"send", "withdraw"} <= actions.steps_for(police, referral)


def test_alerts_about_a_person_no_longer_visible_are_not_shown() -> None:
    mentor = make_user("mentor", "INCLUDEM_ADAPT", "partner_worker")
    person = make_person("Eli", "Gone", dt.date(2008, 1, 1), records=(("POLICE", "P4"),))
    referral = refer(person, "POLICE", "ADAPT", TODAY - dt.timedelta(days=60), state="engaged")
    referral.worker = mentor
    referral.save()
    scan_new_events()
    add_event(person, "POLICE", at(0), crime_group="violence")
    scan_new_events()
    assert alerts_for(mentor, page=1, per_page=50).paginator.count == 1
    Referral.objects.filter(pk=referral.pk).update(state="opted_out")
    mentor = type(mentor).objects.get(pk=mentor.pk)
    assert alerts_for(mentor, page=1, per_page=50).paginator.count == 0


def test_a_run_that_changes_a_candidate_makes_an_earlier_page_stale() -> None:
    person = make_person(
        "Ty", "Stale", TODAY.replace(year=TODAY.year - 17), records=(("POLICE", "P5"),)
    )
    add_event(person, "POLICE", at(10), crime_group="", kind="asb")
    runs.identify(TODAY)
    shown = Candidate.objects.get()  # the page was drawn from this
    add_event(person, "POLICE", at(1), crime_group="violence")
    runs.identify(TODAY)  # now ADAPT, not NRS_YIT
    with pytest.raises(DecisionRefused, match="a new run changed it"):
        dismiss(shown, by=None, reason="risk", note="", on=TODAY)
    assert Candidate.objects.get().status == "open"


def test_a_step_without_the_pages_version_is_stale(client: Client) -> None:
    referral = proposed("POP", "P6")
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    response = client.post(f"/referrals/{referral.pk}/send/", {}, follow=True)
    assert "someone else changed this referral" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == "proposed"


@pytest.mark.parametrize(("days_ago", "listed"), [(0, True), (6, True), (7, False)])
def test_custody_episodes_are_shown_for_seven_days(
    client: Client, days_ago: int, listed: bool
) -> None:
    mentor = make_user("mentor", "POP_CUSTODY", "custody_mentor")
    person = make_person("Cal", "Week", dt.date(1990, 1, 1), records=(("POLICE", "P7"),))
    scan_new_events()
    add_event(person, "POLICE", at(days_ago), kind="custody")
    scan_new_events()
    assert CustodyVisit.objects.count() == 1
    client.force_login(mentor)
    assert ("Cal Week" in client.get("/custody/").content.decode()) is listed
