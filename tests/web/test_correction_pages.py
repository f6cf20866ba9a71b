"""Correcting a case record through the pages: the form comes filled with what the
record holds, asks why, says a refusal on its field, and the referral page then shows
the correction (when, what, was, now, why, by) to everyone who may read the engagement;
only the service's team is offered "Correct"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from pathways.cases.models import Amendment
from pathways.referrals.models import Referral
from tests.world import make_person, make_user, refer

pytestmark = pytest.mark.django_db
START = dt.date(2026, 10, 5)


@pytest.fixture
def engaged(partnership: None) -> Referral:
    person = make_person("Cora", "Corrected", dt.date(2009, 1, 1), records=(("POLICE", "K1"),))
    referral = refer(person, "POLICE", "ADAPT", START, state="engaged")
    referral.contacts.create(
        person=referral.person, on=START, attendance="attended", notes="Met at hom."
    )
    return referral


def test_the_mentor_corrects_a_contact_and_everyone_reading_it_sees_the_correction(
    client: Client, engaged: Referral
) -> None:
    contact = engaged.contacts.get()
    url = f"/referrals/{engaged.pk}/contacts/{contact.pk}/correct/"
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    form = client.get(url).content.decode()
    assert "Met at hom.</textarea>" in form and 'value="05/10/2026"' in form
    no_reason = client.post(url, {"on": "05/10/2026", "attendance": "attended",
                                  "notes": "Met at home."})  # fmt: skip
    assert no_reason.status_code == 400
    assert "Why the correction: This field is required." in no_reason.content.decode()
    early = client.post(url, {"on": "04/10/2026", "attendance": "attended",
                              "notes": "Met at home.", "why": "Wrong day"})  # fmt: skip
    assert early.status_code == 400
    assert "A contact cannot be before the engagement started (5 October 2026)" in (
        early.content.decode()
    )
    done = client.post(url, {"on": "05/10/2026", "attendance": "attended",
                             "notes": "Met at home.", "why": "Typo"}, follow=True)  # fmt: skip
    page = done.content.decode()
    assert "Corrected: engagement and progress." in page
    assert "<td>Met at hom.</td>" in page and "<td>Typo</td>" in page
    assert f'href="/referrals/{engaged.pk}/contacts/{contact.pk}/correct/"' in page
    assert Amendment.objects.get().by.username == "adapt"
    # The form showed the contact's notes: the look is audited as engagement data.
    from pathways.audit.models import AccessEvent

    looked = AccessEvent.objects.filter(action="correct_contact").values_list(
        "categories", flat=True
    )
    assert any("engagement" in categories for categories in looked)
    # The partnership team reads Includem's engagement (the regular exchange): it sees
    # the correction, and is not offered to correct.
    client.force_login(make_user("police", "ONE_GLASGOW", "police_analyst"))
    page = client.get(f"/referrals/{engaged.pk}/").content.decode()
    assert "<td>Met at hom.</td>" in page and "<td>Typo</td>" in page
    assert "/correct/" not in page
    assert client.get(url).status_code == 403


def test_the_engagement_start_is_corrected_and_its_step_moves(
    client: Client, engaged: Referral
) -> None:
    client.force_login(make_user("adapt", "INCLUDEM_ADAPT", "partner_worker"))
    url = f"/referrals/{engaged.pk}/engagement/correct/"
    version = str(Referral.objects.get(pk=engaged.pk).version)
    stale = client.post(url, {"started_on": "06/10/2026", "why": "Later", "version": "0"})
    assert "changed since you opened the form" in stale.content.decode()
    late = client.post(url, {"started_on": "06/10/2026", "why": "Later", "version": version})
    assert late.status_code == 400
    assert "cannot start after its first contact (5 October 2026)" in late.content.decode()
    same = client.post(url, {"started_on": "05/10/2026", "why": "Same", "version": version})
    assert same.status_code == 400
    assert "Nothing to correct: the dates are the ones recorded." in same.content.decode()
    engaged.contacts.update(on=dt.date(2026, 10, 9))
    done = client.post(url, {"started_on": "08/10/2026", "why": "Met on the 8th",
                             "version": version}, follow=True)  # fmt: skip
    assert "Corrected: date the engagement started." in done.content.decode()
    assert Referral.objects.get(pk=engaged.pk).started_on == dt.date(2026, 10, 8)


def test_the_consent_date_is_corrected_and_its_step_and_lapse_move(
    client: Client, partnership: None
) -> None:
    from pathways.referrals.actions import do_record_consent
    from pathways.referrals.models import Consent, Transition

    person = make_person("Con", "Sent", dt.date(2009, 1, 1), records=(("POLICE", "K9"),))
    referral = refer(person, "POLICE", "ADAPT", dt.date(2026, 10, 1), state="accepted")
    mentor = make_user("adapt", "INCLUDEM_ADAPT", "partner_worker")
    do_record_consent(mentor, referral, given=True, on=dt.date(2026, 10, 9), method="verbal",
                      witness="Mum")  # fmt: skip
    client.force_login(mentor)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert f'href="/referrals/{referral.pk}/consent/correct/"' in page
    url = f"/referrals/{referral.pk}/consent/correct/"
    version = str(Referral.objects.get(pk=referral.pk).version)
    early = client.post(url, {"on": "30/09/2026", "witness": "Mum", "why": "Wrong day",
                              "version": version})  # fmt: skip
    assert early.status_code == 400
    assert "Consent given on 30 September 2026 is before decided on 1 October 2026" in (
        early.content.decode()
    )
    done = client.post(url, {"on": "08/10/2026", "witness": "Her mother, Ms Sent",
                             "why": "Met on the 8th; the witness in full",
                             "version": version}, follow=True)  # fmt: skip
    assert "Corrected: date consent was given, witness." in done.content.decode()
    consent = Consent.objects.get(referral=referral)
    assert (consent.on, consent.expires_on, consent.witness) == (
        dt.date(2026, 10, 8),
        dt.date(2027, 10, 8),
        "Her mother, Ms Sent",
    )
    assert Referral.objects.get(pk=referral.pk).consent_on == dt.date(2026, 10, 8)
    assert Transition.objects.get(referral=referral, to_state="consented").on == dt.date(
        2026, 10, 8
    )
    assert list(Amendment.objects.values_list("kind", "old", "new")) == [
        ("consent", "9 October 2026", "8 October 2026"),
        ("consent", "Mum", "Her mother, Ms Sent"),
    ]
