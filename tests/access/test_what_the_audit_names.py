"""The door writes to the access audit the categories a look actually showed: a person page
names the categories of the events it listed, a referral page names the engagement when
it showed the plan and contacts, lists name the people they showed.

Hand-worked from the world (tests/world.py): Jamie Referred has police events of kinds
offence (twice) and custody, an engaged ADAPT referral held under the police record, and
no health or social work data.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pathways.audit.models import AccessEvent
from pathways.cases.engagement import do_record_contact, do_start_engagement
from pathways.referrals.models import Referral
from tests.factories import ReferralFactory, UserFactory
from tests.world import World

pytestmark = pytest.mark.django_db


def last_look(user, action: str) -> AccessEvent:  # noqa: ANN001
    return AccessEvent.objects.filter(user=user, action=action).order_by("-seq").first()


def test_a_person_page_names_the_categories_it_showed(client: Client, world: World) -> None:
    client.force_login(world.police)
    assert client.get(f"/people/{world.referred.pk}/").status_code == 200
    look = last_look(world.police, "view_person")
    # identity (the record P1001), referral (ADAPT), offending (offences), custody; the
    # police analyst's role opens risk and engagement too, but nothing of them was shown.
    assert set(look.categories.split(",")) == {"identity", "referral", "offending", "custody"}
    assert look.person_id == world.referred.pk
    assert "role rule: police_analyst in ONE_GLASGOW" in look.basis


def test_a_chronology_export_names_the_categories_of_the_events_it_held(
    client: Client, world: World
) -> None:
    client.force_login(world.police)
    export = client.get(f"/people/{world.hidden.pk}/events.csv")
    b"".join(export.streaming_content)
    # Morgan Hidden: an offence and an antisocial behaviour incident, both offending.
    assert last_look(world.police, "export_events").categories == "offending"


def engaged_referral(world: World) -> Referral:
    """Jamie's ADAPT referral with its engagement's plan and one contact."""
    referral = Referral.objects.get(person=world.referred, service_id="ADAPT")
    referral.state = "consented"
    referral.started_on = None
    referral.save()
    on = timezone.localdate() - dt.timedelta(days=2)
    contact = {"attendance": "attended", "notes": "Met at the youth club."}
    do_start_engagement(world.adapt, referral, on=on, focus_areas=["education"], contact=contact)
    do_record_contact(world.adapt, referral, on=on + dt.timedelta(days=1), contact=contact)
    return referral


def test_a_referral_page_that_shows_contacts_names_the_engagement(
    client: Client, world: World
) -> None:
    referral = engaged_referral(world)
    client.force_login(world.adapt)
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Met at the youth club." in page
    look = last_look(world.adapt, "view_referral")
    assert set(look.categories.split(",")) == {"referral", "engagement"}
    assert look.detail == f"referral {referral.pk}; engagement: a plan, 2 contact(s)"


def test_a_referral_page_without_the_engagement_does_not_name_it(
    client: Client, world: World
) -> None:
    """A justice social worker sees the referral (the police protocol, while it is
    active) but no agreement shares ADAPT's engagement with them."""
    referral = engaged_referral(world)
    client.force_login(world.socialworker)
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "Met at the youth club." not in page.content.decode()
    look = last_look(world.socialworker, "view_referral")
    assert look.categories == "referral"


def test_the_api_names_the_engagement_it_returned(client: Client, world: World) -> None:
    from pathways.api.tokens import create_token

    referral = engaged_referral(world)
    response = client.get(
        f"/api/v1/referrals/{referral.pk}",
        HTTP_AUTHORIZATION=f"Bearer {create_token(world.adapt)}",
    )
    assert [c["notes"] for c in response.json()["contacts"]] == ["Met at the youth club."] * 2
    assert set(last_look(world.adapt, "view_referral").categories.split(",")) == {
        "referral",
        "engagement",
    }


def test_the_inbox_names_the_people_it_listed(client: Client, world: World) -> None:
    waiting = ReferralFactory(person=world.hidden, service_id="ADAPT", state="sent")
    client.force_login(world.adapt)
    assert client.get("/referrals/").status_code == 200
    look = last_look(world.adapt, "referral_inbox")
    assert list(look.people.values_list("person_id", flat=True)) == [waiting.person_id]
    assert look.categories == "identity,referral"


def test_an_empty_inbox_is_no_look(client: Client, world: World) -> None:
    nobody_waits = UserFactory(username="quiet", team="AFC_SIDESTEP", role="partner_worker")
    client.force_login(nobody_waits)
    assert client.get("/referrals/").status_code == 200
    assert last_look(nobody_waits, "referral_inbox") is None


def test_a_look_that_showed_only_the_name_names_the_grant_that_showed_it(
    client: Client, world: World
) -> None:
    """Crisis outreach sees a person only through their overdoses (POLICE_COS_OVERDOSE
    opens health data alone): the API's person shows their name but no record, and the
    audit still says on what basis."""
    from pathways.api.tokens import create_token
    from tests.world import add_event, at

    add_event(world.hidden, "POLICE", at(2024, 5, 5), kind="overdose")
    outreach = UserFactory(username="nurse", team="ADRS_COS", role="health_outreach")
    response = client.get(
        f"/api/v1/people/{world.hidden.pk}",
        HTTP_AUTHORIZATION=f"Bearer {create_token(outreach)}",
    )
    assert response.status_code == 200 and response.json()["records"] == []
    look = last_look(outreach, "view_person")
    assert look.categories == "identity"
    assert "agreement POLICE_COS_OVERDOSE" in look.basis


def test_the_result_of_a_step_that_ended_access_says_so(client: Client, world: World) -> None:
    """ADAPT ends its engagement through the API: the answer shows the referral as the
    step left it, though the police's agreement with ADAPT no longer holds, and the
    audit says why it was shown."""
    from pathways.api.tokens import create_token

    referral = engaged_referral(world)
    referral.refresh_from_db()
    ended = client.post(
        f"/api/v1/referrals/{referral.pk}/end",
        {"version": referral.version, "on": str(timezone.localdate()), "outcome": "completed",
         "ratings": {"education": "achieved"}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {create_token(world.adapt)}",
    )  # fmt: skip
    assert ended.status_code == 200 and ended.json()["state"] == "completed"
    look = last_look(world.adapt, "view_referral")
    assert "as the step left it" in look.detail
    assert look.basis  # the grants that still hold, or the step itself


def test_the_form_that_ends_an_engagement_names_the_engagement(
    client: Client, world: World
) -> None:
    referral = engaged_referral(world)
    client.force_login(world.adapt)
    form = client.get(f"/referrals/{referral.pk}/engagement/end/")
    assert form.status_code == 200 and "Education" in form.content.decode()
    looks_at_it = AccessEvent.objects.filter(user=world.adapt, action="end_engagement")
    assert set(looks_at_it.values_list("categories", flat=True)) == {"referral", "engagement"}


def test_the_candidate_queue_names_what_its_rules_count(client: Client, world: World) -> None:
    """SIDESTEP's rule counts concerns (the risk category) besides offences and
    antisocial behaviour: its candidates' scores are made of them."""
    from pathways.identification.models import Candidate
    from tests.factories import PersonFactory
    from tests.world import add_event

    today = timezone.localdate()
    young = PersonFactory(
        given_name="Sid", family_name="Step", records=[("POLICE", "SS1")],
        date_of_birth=today.replace(year=today.year - 15),
    )  # fmt: skip
    for days in (3, 20, 40):
        add_event(young, "POLICE", dt.datetime.combine(today - dt.timedelta(days=days),
                  dt.time(12), tzinfo=dt.UTC), kind="asb")  # fmt: skip
    Candidate.objects.create(person=young, service_id="SIDESTEP", as_of=today, score=3,
                             events_counted=3, last_event_on=today, first_found_on=today)  # fmt: skip
    client.force_login(world.police)
    assert "Sid" in client.get("/candidates/", {"service": "SIDESTEP"}).content.decode()
    look = last_look(world.police, "candidate_queue")
    assert set(look.categories.split(",")) == {"identity", "offending", "risk"}


def test_an_import_runs_rejected_rows_are_audited(client: Client, world: World) -> None:
    from pathways.feeds.models import ImportRun, RejectedRow

    run = ImportRun.objects.create(kind="events", file_name="events.csv", rejected=2)
    for line, kind in ((2, "overdose"), (3, "offence")):
        RejectedRow.objects.create(run=run, line=line, column="occurred_at", reason="bad date",
                                   row={"person_ref": "P9", "kind": kind})  # fmt: skip
    client.force_login(world.dataquality)
    assert client.get(f"/imports/{run.pk}/").status_code == 200
    page = last_look(world.dataquality, "view_rejected_rows")
    assert set(page.categories.split(",")) == {"identity", "health", "offending"}
    assert page.detail == f"import run {run.pk} (events), lines 2 to 3"
    download = client.get(f"/imports/{run.pk}/rejected.csv")
    b"".join(download.streaming_content)
    assert last_look(world.dataquality, "export_rejected_rows").categories == (
        "health,identity,offending"
    )
