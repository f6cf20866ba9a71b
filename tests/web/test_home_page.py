"""The home page: who you are, your teams and roles, and what your roles let you do."""

from __future__ import annotations

import re

from django.test import Client

from pathways.audit.models import AccessEvent
from pathways.referrals.models import Referral
from tests.world import World, make_person, make_user, refer


def test_police_analyst_sees_team_role_and_a_search_box(client: Client, world: World) -> None:
    client.force_login(world.police)
    html = client.get("/").content.decode()
    assert "Hello, Police" in html
    assert "One Glasgow Reducing Offending partnership team" in html
    assert "Police officer or analyst in the partnership team" in html
    assert 'action="/people/"' in html
    assert 'href="/imports/"' not in html
    assert "does not give access to person records" not in html


def test_partner_worker_sees_their_service(client: Client, world: World) -> None:
    client.force_login(world.adapt)
    html = client.get("/").content.decode()
    assert "Includem ADAPT team" in html
    assert "Third-sector mentor" in html
    assert 'action="/people/"' in html


def test_data_quality_gets_import_runs_and_no_search(client: Client, world: World) -> None:
    client.force_login(world.dataquality)
    html = client.get("/").content.decode()
    assert "Data quality officer" in html
    assert 'href="/imports/"' in html
    assert 'action="/people/"' not in html
    assert "does not give access to person records" in html


def test_dpo_is_told_they_see_no_person_records(client: Client, world: World) -> None:
    client.force_login(world.dpo)
    html = client.get("/").content.decode()
    assert "Data protection officer" in html
    assert "does not give access to person records" in html
    assert 'action="/people/"' not in html
    assert 'href="/imports/"' not in html


def test_researcher_is_told_they_see_no_person_records(client: Client, world: World) -> None:
    client.force_login(make_user("researcher", "CJ_GLASGOW", "researcher"))
    html = client.get("/").content.decode()
    assert "does not give access to person records" in html
    assert 'action="/people/"' not in html


def test_user_without_a_team_is_told_so(client: Client, world: World) -> None:
    client.force_login(world.nobody)
    html = client.get("/").content.decode()
    assert "not a member of any team" in html
    assert 'action="/people/"' not in html


def test_home_page_structure_is_accessible(client: Client, world: World) -> None:
    client.force_login(world.police)
    html = client.get("/").content.decode()
    assert '<html lang="en-GB">' in html
    assert 'href="#main-content"' in html and 'id="main-content"' in html
    assert html.count("<h1") == 1
    assert '<label class="ds_label" for="home-search">' in html
    assert 'method="post" action="/logout/"' in html


def test_the_home_page_says_what_waits_and_lists_my_cases(client: Client, world: World) -> None:
    """Jamie Referred is engaged with ADAPT (the world's referral); allocated to the
    ADAPT worker, Jamie is their case, and the look at the list is audited."""
    referral = Referral.objects.get(person=world.referred, service_id="ADAPT")
    Referral.objects.filter(pk=referral.pk).update(worker=world.adapt)
    sent = refer(world.referred, "POLICE", "ADAPT", referral.referred_on, state="sent")
    client.force_login(world.adapt)
    html = client.get("/").content.decode()
    assert "What needs doing" in html
    # Sent in 2024 and never decided: to decide, and overdue (said once, not twice).
    assert re.search(r'<a href="/referrals/#to-decide"><strong[^>]*>1</strong> referral to '
                     r"accept or decline \(overdue\)</a>", html)  # fmt: skip
    assert "to chase" not in html
    assert f'href="/referrals/{referral.pk}/">Jamie Referred</a>' in html
    assert f'href="/referrals/{sent.pk}/"' not in html  # waiting to be decided: the inbox's
    assert 'href="/caseload/"' in html
    # A colleague's case is counted on the home page, not shown: not in the audit.
    other = make_person("Col", "League", None, records=(("POLICE", "CL1"),))
    refer(other, "POLICE", "ADAPT", referral.referred_on)
    client.get("/")
    looked = AccessEvent.objects.filter(user=world.adapt, action="caseload")
    assert looked.count() == 2
    assert {p for e in looked for p in e.people.values_list("person_id", flat=True)} == {
        world.referred.pk
    }


def test_the_dpo_menu_leads_to_the_audit_and_the_agreements(client: Client, world: World) -> None:
    client.force_login(world.dpo)
    html = client.get("/").content.decode()
    assert 'href="/audit/"' in html and 'href="/governance/agreements/"' in html
    assert 'href="/caseload/"' not in html and "Your cases" not in html
