"""Consent that lives: a service's consent lasts `consent_valid_days` (ADAPT: 365); the
team is reminded a month before it lapses (the caseload), asks again on the same
referral, and while it has lapsed the partner no longer sees what rested on it (the
offending history shared under `consented_referral`). Worked out by hand from
services.toml and agreements.toml."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.cases.caseload import sort_caseload
from pathways.people.scoping import door_open
from pathways.referrals.actions import ConsentError, do_record_consent
from pathways.referrals.models import Consent, Referral
from pathways.sharing.policy import decide
from tests.world import add_event, at, make_person, make_user, refer

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def mentor():
    return make_user("adapt", "INCLUDEM_ADAPT", "partner_worker")


def accepted(days_ago: int) -> Referral:
    person = make_person("Cass", "Lapse", dt.date(2009, 2, 2), records=(("POLICE", "L1"),))
    add_event(person, "POLICE", at(2024, 1, 5), crime_group="violence", category="Assault")
    on = TODAY - dt.timedelta(days=days_ago)
    return refer(person, "POLICE", "ADAPT", on, state="accepted")


def consented(mentor, days_ago: int) -> Referral:
    referral = accepted(days_ago + 1)
    on = TODAY - dt.timedelta(days=days_ago)
    do_record_consent(mentor, referral, given=True, on=on, method="verbal", witness="Mum")
    return Referral.objects.get(pk=referral.pk)


def test_consent_lasts_the_services_days(mentor) -> None:
    referral = consented(mentor, 10)
    consent = Consent.objects.get(referral=referral)
    assert consent.expires_on == TODAY - dt.timedelta(days=10) + dt.timedelta(days=365)


def test_lapsed_consent_closes_what_rested_on_it_until_asked_again(mentor) -> None:
    referral = consented(mentor, 400)  # lapsed 35 days ago
    person = referral.person
    assert not decide(mentor, person, "offending", source="POLICE").allowed
    assert decide(mentor, person, "referral", source="POLICE").allowed  # still referred
    with pytest.raises(ConsentError, match="record a withdrawal"):
        do_record_consent(mentor, referral, given=False, on=TODAY, method="verbal",
                          witness="Mum")  # fmt: skip
    do_record_consent(mentor, referral, given=True, on=TODAY, method="verbal", witness="Mum")
    fresh = type(mentor).objects.get(pk=mentor.pk)  # a new request
    again = type(person).objects.get(pk=person.pk)
    assert decide(fresh, again, "offending", source="POLICE").allowed
    assert Referral.objects.get(pk=referral.pk).state == "consented"  # unchanged
    assert Consent.objects.filter(referral=referral).count() == 2


def test_consent_in_force_is_not_asked_again_too_early(mentor) -> None:
    referral = consented(mentor, 100)  # lapses in 265 days
    lapses = TODAY - dt.timedelta(days=100) + dt.timedelta(days=365)
    with pytest.raises(ConsentError, match=f"in force until {lapses.day} "):
        do_record_consent(mentor, referral, given=True, on=TODAY, method="verbal",
                          witness="Mum")  # fmt: skip


def test_the_caseload_reminds_a_month_before(mentor) -> None:
    referral = consented(mentor, 350)  # lapses in 15 days
    Referral.objects.filter(pk=referral.pk).update(worker=mentor)
    with door_open():
        caseload = sort_caseload(mentor, Referral.objects.all(), TODAY)
    [case] = caseload.mine
    lapses = TODAY + dt.timedelta(days=15)
    assert case.why == f"Consent lapses on {lapses.day} {lapses:%B %Y}: ask the person again"
    assert case.attention


def test_the_referral_page_offers_to_ask_again(client: Client, mentor) -> None:
    referral = consented(mentor, 350)
    client.force_login(mentor)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Consent lasts until" in page and "Ask for consent again" in page
    done = client.post(f"/referrals/{referral.pk}/consent/", {
        "answer": "given", "on": TODAY.strftime("%d/%m/%Y"), "method": "verbal",
        "witness": "Mum",
    }, follow=True)  # fmt: skip
    assert "The person&#x27;s answer to ADAPT is recorded." in done.content.decode()
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Ask for consent again" not in page  # a year again
