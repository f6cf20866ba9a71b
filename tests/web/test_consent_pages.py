"""Consent to a voluntary service, through the pages: recorded with how and by whom;
withdrawn at any time, which ends the engagement as opted out and closes, on the very
next request, everything that rested on the consent — the page, the API and search."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from pathways.api.tokens import create_token
from pathways.referrals.models import Consent, Referral, Transition
from pathways.referrals.transitions import StaleReferral, TransitionRefused, move
from pathways.sharing.policy import decide
from tests.world import World, make_user, refer

TODAY = dt.date.today()


@pytest.fixture
def accepted(world: World) -> Referral:
    """Morgan Hidden, referred by the police to ADAPT and accepted, not yet asked."""
    return refer(world.hidden, "POLICE", "ADAPT", dt.date(2024, 5, 1), state="accepted")


def give_consent(client: Client, referral: Referral, **fields: str):
    data = {"answer": "given", "on": TODAY.strftime("%d/%m/%Y"), "method": "verbal"}
    data.update(fields)
    return client.post(f"/referrals/{referral.pk}/consent/", data)


def test_a_partner_records_verbal_consent_and_then_sees_the_offending(
    client: Client, world: World, accepted: Referral
) -> None:
    client.force_login(world.adapt)
    before = client.get(f"/people/{world.hidden.pk}/").content.decode()
    assert "Robbery" not in before  # referred, not consented: who and why only
    assert f'href="/referrals/{accepted.pk}/consent/"' in before

    response = give_consent(client, accepted, witness="Jo Bloggs, key worker")
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert (consent.answer, consent.method, consent.witness, consent.recorded_by) == (
        "given",
        "verbal",
        "Jo Bloggs, key worker",
        world.adapt,
    )
    accepted.refresh_from_db()
    assert (accepted.state, accepted.consent_on) == ("consented", TODAY)
    assert accepted.transitions.get().to_state == "consented"
    after = client.get(f"/people/{world.hidden.pk}/").content.decode()
    assert "Robbery" in after
    assert decide(world.adapt, world.hidden, "offending", source="POLICE").basis == (
        "agreement POLICE_ADAPT_OFFENDING (consented_referral)"
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"witness": ""}, "witness", "Give the name of the witness"),
        ({"method": "signed_form"}, "scan", "Attach the scan of the signed form"),
        ({"on": "31/02/2025"}, "on", "Enter a valid date"),
        ({"on": (TODAY + dt.timedelta(days=1)).strftime("%d/%m/%Y")}, "on", "in the future"),
        ({"answer": "maybe", "witness": "x"}, "answer", "Select a valid choice"),
        # Before the referral was made (1 May 2024): the history would read backwards.
        ({"on": "30/04/2024", "witness": "x"}, "on", "cannot be before the referral was made"),
    ],
)
def test_a_consent_form_error_names_the_field_and_keeps_nothing(
    client: Client, world: World, accepted: Referral, fields, field, message
) -> None:
    client.force_login(world.adapt)
    response = give_consent(client, accepted, **fields)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf'href="#id_{field}[^"]*">[^<]*: [^<]*{message}', html)
    assert not Consent.objects.exists()
    accepted.refresh_from_db()
    assert accepted.state == "accepted"


def test_a_signed_form_is_kept_with_its_scan(client: Client, world: World, accepted) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.adapt)
    scan = SimpleUploadedFile("form.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = give_consent(client, accepted, method="signed_form", scan=scan)
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.scan.read() == b"%PDF-1.4 signed"
    # A scan is person data: kept in Pathways' own folder, never the working directory.
    stored = Path(consent.scan.path).resolve()
    assert stored.is_relative_to(Path(settings.VAR_DIR).resolve())
    assert not stored.is_relative_to(Path.cwd().resolve() / "consent-forms")


def test_refused_consent_closes_the_referral(client: Client, world: World, accepted) -> None:
    client.force_login(world.adapt)
    give_consent(client, accepted, answer="refused", witness="Jo Bloggs")
    accepted.refresh_from_db()
    assert accepted.state == "consent_refused"
    assert Consent.objects.get().answer == "refused"


def test_only_the_team_delivering_the_service_records_consent(
    client: Client, world: World, accepted
) -> None:
    client.force_login(world.socialworker)  # sees the referral under the protocol
    response = give_consent(client, accepted, witness="x")
    assert response.status_code == 302
    assert not Consent.objects.exists()


def test_a_voluntary_engagement_cannot_start_without_consent(world: World, accepted) -> None:
    with pytest.raises(TransitionRefused, match="record the person's consent"):
        move(accepted, "engaged", on=TODAY, by=world.adapt)
    statutory = refer(world.social, "HSCP_CJSW", "STARS", dt.date(2024, 5, 1), state="accepted")
    move(statutory, "engaged", on=TODAY, by=world.socialworker)
    assert statutory.state == "engaged"


def test_two_users_acting_at_once_cannot_both_win(world: World, accepted) -> None:
    theirs = Referral.objects.get(pk=accepted.pk)
    move(theirs, "withdrawn", on=TODAY, by=world.police, reason="moved away")
    with pytest.raises(StaleReferral, match="someone else changed this referral"):
        move(accepted, "consent_refused", on=TODAY, by=world.adapt, reason="said no")
    assert Referral.objects.get(pk=accepted.pk).state == "withdrawn"
    assert Transition.objects.filter(referral=accepted).count() == 1


def test_withdrawal_ends_the_engagement_and_closes_every_door_on_the_next_request(
    client: Client, world: World
) -> None:
    # Jamie Referred is engaged with ADAPT (consent recorded by the earlier system).
    person = world.referred
    referral = person.referrals.get()
    token = create_token(world.adapt)
    api = Client()
    client.force_login(world.adapt)

    def doors() -> tuple[int, int, int, bool]:
        page = client.get(f"/people/{person.pk}/").status_code
        found = client.get("/people/", {"q": "Referred"}).content.decode()
        person_api = api.get(
            f"/api/v1/people/{person.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).status_code
        events_api = api.get(
            f"/api/v1/people/{person.pk}/events", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).status_code
        return page, person_api, events_api, "Jamie Referred" in found

    assert doors() == (200, 200, 200, True)
    response = client.post(
        f"/referrals/{referral.pk}/consent/withdraw/",
        {
            "on": TODAY.strftime("%d/%m/%Y"),
            "reason": "no_longer_wants",
            "note": "Does not want to take part any more",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert doors() == (404, 404, 404, False)
    referral.refresh_from_db()
    assert (referral.state, referral.ended_on, referral.end_reason) == (
        "opted_out",
        TODAY,
        "opted_out",
    )
    # The history is kept: the consent the earlier system recorded, and its withdrawal.
    consent = Consent.objects.get()
    assert (consent.answer, consent.method, consent.on) == (
        "given",
        "migrated",
        referral.consent_on,
    )
    assert (consent.withdrawn_on, consent.withdrawn_by) == (TODAY, world.adapt)
    # The coded reason, with the person's words beside it.
    assert referral.transitions.get(to_state="opted_out").reason == (
        "no longer wants the service: Does not want to take part any more"
    )
    assert consent.withdrawn_reason.startswith("no longer wants the service: ")
    # The partnership team still sees the referral (its own police record).
    client.force_login(world.police)
    assert "Opted out" in client.get(f"/people/{person.pk}/").content.decode()


def test_a_withdrawal_needs_a_reason(client: Client, world: World) -> None:
    referral = world.referred.referrals.get()
    client.force_login(world.adapt)
    response = client.post(
        f"/referrals/{referral.pk}/consent/withdraw/",
        {"on": TODAY.strftime("%d/%m/%Y"), "reason": ""},
    )
    assert response.status_code == 200
    assert 'href="#id_reason">Why the person withdrew: This field is required.' in (
        response.content.decode()
    )
    other = client.post(
        f"/referrals/{referral.pk}/consent/withdraw/",
        {"on": TODAY.strftime("%d/%m/%Y"), "reason": "other"},
    )
    assert "In the person&#x27;s own words: Say why, in the person&#x27;s words" in (
        other.content.decode()
    )
    referral.refresh_from_db()
    assert referral.state == "engaged"


def test_a_referral_the_user_may_not_see_is_not_found(client: Client, world: World) -> None:
    other = make_user("sidestep", "AFC_SIDESTEP", "partner_worker")
    referral = world.referred.referrals.get()
    client.force_login(other)
    assert client.get(f"/referrals/{referral.pk}/consent/withdraw/").status_code == 404
    assert client.get("/referrals/999999/consent/").status_code == 404
