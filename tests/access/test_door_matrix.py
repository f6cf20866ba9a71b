"""The door's matrix beyond the person page: every role of the configuration × each other
kind of person data the door serves (pathways.access): alerts, custody visits,
identification candidates, a referral's engagement contacts, and the linkage review.

As in tests/sharing/test_authorisation_matrix.py, each role acts as its demo user's team
(`config/glasgow/demo-users.toml`), and every EXPECTED table is worked out BY HAND from
`roles.toml` (capabilities and categories), `agreements.toml`, `rules.toml` (queue_teams)
and `teams.toml`, never from the code under test. Each cell is checked three ways: the
HTTP status (404 for "not yours" or "not visible"; 403 for a role without the capability,
which pages and endpoints check before the door is asked; 200, or the alert's redirect,
otherwise), the content (the person's name or reference appears only when expected), and
the access audit (the AccessEvent rows written for the user: every look the door allowed,
with the categories it showed, and every look it refused).

Four tests of their own hold what a data protection officer would call wrong and the
first version of the door did: a refused alert is audited; an alert is not shown once
the grants no longer open what it tells; the candidate queue names the offending its
scores come from; a look at contacts names what opened them.

The clock is fixed (a Wednesday in 2027, when every Glasgow agreement is in force), so
"the last seven days" does not depend on the day the tests run.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from pathways.alerts.models import Alert
from pathways.api.tokens import create_token
from pathways.audit.models import AccessEvent
from pathways.cases import engagement
from pathways.cases.models import CustodyVisit
from pathways.events.models import Event
from pathways.feeds.after_import import scan_new_events
from pathways.linkage.models import LinkReview
from pathways.partners.models import Role
from pathways.people.models import Person
from pathways.referrals.models import Referral
from pathways.sharing.policy import decide, person_if_visible
from tests.world import LONDON, add_event, identified_today, make_person, make_user, refer

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 1, 13, 12, 0, tzinfo=LONDON)
NOTHING: frozenset[str] = frozenset()


@pytest.fixture(autouse=True)
def a_fixed_day() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int, hour: int = 2) -> dt.datetime:
    return dt.datetime.combine(today() - dt.timedelta(days=n), dt.time(hour), tzinfo=LONDON)


def demo_teams() -> dict[str, str]:
    path = settings.PATHWAYS_CONFIG_DIR / "demo-users.toml"
    users = tomllib.loads(path.read_text(encoding="utf-8"))["users"]
    teams: dict[str, str] = {}
    for entry in users.values():  # the first demo user of a role (partner_worker: ADAPT)
        teams.setdefault(entry["role"], entry["team"])
    return teams


# --- Calling the doors as a user -----------------------------------------------------------


@dataclass
class Caller:
    """A user signed in to the pages, and the same user's API token."""

    user: AbstractBaseUser
    web: Client
    api: Client
    token: str

    def get(self, url: str, **params: Any) -> HttpResponse:
        return self.web.get(url, params)

    def post(self, url: str, data: dict[str, Any] | None = None) -> HttpResponse:
        return self.web.post(url, data or {})

    def api_get(self, url: str, **params: Any) -> HttpResponse:
        return self.api.get(url, params, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def api_post(self, url: str, body: dict[str, Any] | None = None) -> HttpResponse:
        return self.api.post(
            url,
            body or {},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.token}",
        )

    def audit(self, **filters: Any) -> QuerySet[AccessEvent]:
        """The access events written for this user."""
        return AccessEvent.objects.filter(user=self.user, **filters)


def acting_as(role: str, username: str | None = None, team: str | None = None) -> Caller:
    """The role's user, in its demo user's team unless another `team` is given."""
    user = make_user(username or f"{role}-user", team or demo_teams()[role], role)
    web = Client()
    web.force_login(user)
    return Caller(user, web, Client(), create_token(user))


def html(response: HttpResponse) -> str:
    return response.content.decode()


def shown_people(response: HttpResponse) -> set[int]:
    """The people a JSON list shows (each item's `person`)."""
    body = response.json()
    items = body["candidates"] if isinstance(body, dict) else body
    return {item["person"]["id"] for item in items}


def looked_at(caller: Caller, person: Person, **filters: Any) -> QuerySet[AccessEvent]:
    """The user's access events about the person: one person looked at, or a list that
    showed them."""
    one = caller.audit(**filters).filter(person_id=person.pk)
    several = caller.audit(**filters).filter(people__person_id=person.pk)
    return (one | several).distinct()


# --- Every role has its row ------------------------------------------------------------------


def every(value: Any, roles: tuple[str, ...]) -> dict[str, Any]:
    return dict.fromkeys(roles, value)


WITHOUT_VIEW = ("data_quality", "dpo", "researcher", "admin", "upw_supervisor")  # no `view`

# 1. Alerts. Avery Alert is known only to the police (a record, an offence), who referred
# them to ADAPT; each user has an alert about that offence. Columns: the referral
# consented; consent withdrawn (opted out). A cell: whether the policy shows the user Avery
# (then the alert is theirs to see), worked out like the authorisation matrix's `offending`
# column, which here coincides with seeing Avery at all.
ALERT_STATES = ("consented", "consent_withdrawn")
EXPECTED_ALERTS: dict[str, dict[str, bool]] = {
    # Their own agency's data, whatever the referral's state.
    "police_analyst": {"consented": True, "consent_withdrawn": True},
    "manager": {"consented": True, "consent_withdrawn": True},
    # ISP_POLICE_CJSW_REFERRED (active_referral, any service): while the referral is active;
    # opted out is not active, and ADAPT is no statutory case.
    "cjsw_worker": {"consented": True, "consent_withdrawn": False},
    # Their team manager is of the same team and agency: the same agreements.
    "cjsw_manager": {"consented": True, "consent_withdrawn": False},
    # POLICE_ADAPT_REFERRAL (active_referral) and _OFFENDING (consented_referral).
    "partner_worker": {"consented": True, "consent_withdrawn": False},
    # ISP_POLICE_CF_APPROVAL holds only while a referral awaits approval: never here.
    "cf_worker": every(False, ALERT_STATES),
    # POLICE_CUSTODY_MENTORS needs a custody episode, POLICE_POP_* a POP referral or
    # candidate, POLICE_COS_OVERDOSE an overdose: Avery has none of them.
    "custody_mentor": every(False, ALERT_STATES),
    "pop_worker": every(False, ALERT_STATES),
    "health_outreach": every(False, ALERT_STATES),
    # No view capability: the alert pages are 403, the API answers nothing.
    **every(every(False, ALERT_STATES), WITHOUT_VIEW),
}
MAY_VIEW = {role for role in EXPECTED_ALERTS if role not in WITHOUT_VIEW}

# 2. Custody visits. Three people the police held: 1, 6 and 7 days ago (today counts as
# the first of the seven days). A cell: the people whose visits the role's list shows, or
# None when the role lacks `record_contact` and the custody pages are 403.
HELD_DAYS_AGO = {"Cal Recent": 1, "Sev Sixdays": 6, "Ed Sevendays": 7}
EXPECTED_CUSTODY: dict[str, frozenset[str] | None] = {
    # POLICE_CUSTODY_MENTORS (to POP_CUSTODY, recent_custody): identity and custody, for
    # episodes of the last seven days, today included: not Ed, held seven days ago.
    "custody_mentor": frozenset({"Cal Recent", "Sev Sixdays"}),
    # They record contacts, but for another team's service: the list opens, empty.
    "cjsw_worker": NOTHING,
    "cf_worker": NOTHING,
    "partner_worker": NOTHING,
    "pop_worker": NOTHING,  # POP, not POP_CUSTODY: the same agency, another team
    "health_outreach": NOTHING,
    # No record_contact: the police see these people on their own pages, not here.
    "police_analyst": None,
    "manager": None,
    "cjsw_manager": None,
    **every(None, WITHOUT_VIEW),
}

# 3. Identification candidates: today's run finds Casey Violent for ADAPT and Pat
# Acquisitive for POP (tests/world.py identified_today). A cell: the services whose
# candidates the role sees, or None when the role cannot refer (403 before the door).
EXPECTED_CANDIDATES: dict[str, frozenset[str] | None] = {
    # rules.toml: ONE_GLASGOW works every queue; the police's own data.
    "police_analyst": frozenset({"ADAPT", "POP"}),
    "manager": frozenset({"ADAPT", "POP"}),
    # POP works the POP queue; POLICE_POP_IDENTIFICATION (identified_candidate) shows
    # them the POP candidate only.
    "pop_worker": frozenset({"POP"}),
    # They may refer, but rules.toml names none of their teams: an empty queue.
    "cjsw_worker": NOTHING,
    "cjsw_manager": NOTHING,
    "cf_worker": NOTHING,
    "custody_mentor": NOTHING,
    # No refer capability.
    "partner_worker": None,
    "health_outreach": None,
    **every(None, WITHOUT_VIEW),
}

# 4. Engagement contacts. Ali Engaged, known to the police, referred by them to ADAPT
# (provided by INCLUDEM), consented and engaged with a plan and two contacts; columns:
# engaged, and the engagement completed. A cell: the categories the referral page shows
# (and its access log names): NOTHING when the referral is not theirs to see (404; 403 on
# the page for roles without `view`), "referral" alone, or with INCLUDEM's "engagement".
ENGAGEMENT_STATES = ("engaged", "completed")
REFERRAL = frozenset({"referral"})
CONTACTS = frozenset({"referral", "engagement"})
EXPECTED_ENGAGEMENT: dict[str, dict[str, frozenset[str]]] = {
    # Their own agency's referral; INCLUDEM_PARTNERSHIP_EXCHANGE (to ONE_GLASGOW, always)
    # shares INCLUDEM's engagement, ended or not.
    "police_analyst": every(CONTACTS, ENGAGEMENT_STATES),
    "manager": every(CONTACTS, ENGAGEMENT_STATES),
    # POLICE_ADAPT_REFERRAL while active; the engagement is their own agency's (INCLUDEM).
    # Once completed, POLICE_ADAPT_CASE_KEPT (worked_with) keeps the referral they worked,
    # read-only, and with it their own plan and contacts.
    "partner_worker": every(CONTACTS, ENGAGEMENT_STATES),
    # ISP_POLICE_CJSW_REFERRED shows the police's referral while active; no agreement
    # shares INCLUDEM's engagement with justice social work.
    "cjsw_worker": {"engaged": REFERRAL, "completed": NOTHING},
    "cjsw_manager": {"engaged": REFERRAL, "completed": NOTHING},
    # Approval only (not awaiting it now); POP's, COS's and the mentors' agreements are
    # about their own services.
    "cf_worker": every(NOTHING, ENGAGEMENT_STATES),
    "custody_mentor": every(NOTHING, ENGAGEMENT_STATES),
    "pop_worker": every(NOTHING, ENGAGEMENT_STATES),
    "health_outreach": every(NOTHING, ENGAGEMENT_STATES),
    **every(every(NOTHING, ENGAGEMENT_STATES), WITHOUT_VIEW),
}
# Whose grants open INCLUDEM's engagement data at all (`decide`): the partnership team's
# exchange, and INCLUDEM's own role rule; contacts show where the referral shows too.
ENGAGEMENT_OPEN = {"police_analyst", "manager", "partner_worker"}

# 5. The linkage review: the `review_links` capability, the data quality officer's only.
EXPECTED_LINKAGE: dict[str, bool] = {role: role == "data_quality" for role in EXPECTED_ALERTS}

TABLES = {
    "alerts": EXPECTED_ALERTS,
    "custody": EXPECTED_CUSTODY,
    "candidates": EXPECTED_CANDIDATES,
    "engagement": EXPECTED_ENGAGEMENT,
    "linkage": EXPECTED_LINKAGE,
}
STATES = {"alerts": ALERT_STATES, "engagement": ENGAGEMENT_STATES}


@pytest.mark.parametrize("door", list(TABLES))
def test_every_configured_role_has_its_row_of_expectations(door: str) -> None:
    roles_toml = settings.PATHWAYS_CONFIG_DIR / "roles.toml"
    configured = set(tomllib.loads(roles_toml.read_text(encoding="utf-8"))["roles"])
    assert configured == set(Role.objects.values_list("code", flat=True))
    table = TABLES[door]
    assert set(table) == configured
    assert set(table) <= set(demo_teams())  # each acts as its demo user's team
    if door in STATES:
        assert all(set(row) == set(STATES[door]) for row in table.values())


# --- 1. Alerts ---------------------------------------------------------------------------------


def avery(state: str) -> tuple[Person, Event]:
    person = make_person("Avery", "Alert", dt.date(2004, 4, 4), records=(("POLICE", "AL1"),))
    offence = add_event(person, "POLICE", days_ago(2), crime_group="violence")
    refer(person, "POLICE", "ADAPT", today() - dt.timedelta(days=30), state="consented")
    if state == "consent_withdrawn":
        Referral.objects.filter(person=person).update(state="opted_out")
    return person, offence


def alert_for(user: AbstractBaseUser, person: Person, event: Event) -> Alert:
    return Alert.objects.create(
        user=user, person=person, kind=Alert.Kind.OFFENCE, event=event,
        referral=Referral.objects.get(person=person), why="your team delivers ADAPT",
    )  # fmt: skip


@pytest.mark.parametrize("state", ALERT_STATES)
@pytest.mark.parametrize("role", list(EXPECTED_ALERTS))
def test_alerts(role: str, state: str) -> None:
    visible = EXPECTED_ALERTS[role][state]
    may_view = role in MAY_VIEW
    person, offence = avery(state)
    me = acting_as(role)
    mine = alert_for(me.user, person, offence)
    theirs = alert_for(make_user("someone-else", "ONE_GLASGOW", "police_analyst"), person, offence)
    assert decide(me.user, person, "offending", source="POLICE").allowed == visible

    # The alert list: the user's own alert, while the policy shows its person.
    page = me.get("/alerts/")
    assert page.status_code == (200 if may_view else 403)
    if may_view:
        assert ("Avery Alert" in html(page)) == visible
        assert (f"/alerts/{mine.pk}/open/" in html(page)) == visible
        assert f"/alerts/{theirs.pk}/open/" not in html(page)
    listed = me.api_get("/api/v1/alerts")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == ([mine.pk] if visible else [])

    # Opening it (the page) or marking it read (the API); another user's, never.
    opened = me.post(f"/alerts/{mine.pk}/open/")
    if visible:
        assert (opened.status_code, opened["Location"]) == (302, f"/people/{person.pk}/")
        followed = me.get(opened["Location"])
        assert followed.status_code == 200 and ">AL1<" in html(followed)
    else:
        assert opened.status_code == (404 if may_view else 403)
    assert me.post(f"/alerts/{theirs.pk}/open/").status_code == (404 if may_view else 403)
    assert me.api_post(f"/api/v1/alerts/{mine.pk}/read").status_code == (200 if visible else 404)
    assert me.api_post(f"/api/v1/alerts/{theirs.pk}/read").status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.read_at is not None) == visible
    assert theirs.read_at is None

    # Audited: the two lists that showed Avery (identity, the offence, and the referral
    # the alert's "why" names), and the person page the opened alert led to.
    lists = looked_at(me, person, action="alert_list", decision="allowed")
    assert lists.count() == (2 if visible else 0)
    assert set(lists.values_list("categories", flat=True)) <= {"identity,offending,referral"}
    assert me.audit(decision="allowed").count() == (3 if visible else 0)
    assert looked_at(me, person, action="view_person").count() == (1 if visible else 0)


def test_a_refused_alert_is_audited_as_a_refusal() -> None:
    person, offence = avery("consent_withdrawn")
    police, partner = acting_as("police_analyst"), acting_as("partner_worker")
    alert = alert_for(partner.user, person, offence)  # the partner's, about a closed case
    for me in (police, partner):  # not the police's; no longer the partner's to see
        assert me.post(f"/alerts/{alert.pk}/open/").status_code == 404
        assert me.api_post(f"/api/v1/alerts/{alert.pk}/read").status_code == 404
        assert me.audit(decision="refused").count() == 2


@pytest.fixture
def a_statutory_case_ended() -> Caller:
    """Stella Statutory, known to the police and to justice social work, was on STARS when
    the police recorded an offence: the scan told the STARS team, whose grants opened it
    (ISP_POLICE_CJSW_CASELOAD, statutory_case). Then the case ended: the team still sees
    Stella (their own agency's record), no longer the police's offending."""
    stella = make_person("Stella", "Statutory", dt.date(1990, 2, 2),
                         records=(("POLICE", "ST1"), ("HSCP_CJSW", "ST2")))  # fmt: skip
    me = acting_as("cjsw_worker", "stars-worker", team="STARS")
    case = refer(stella, "HSCP_CJSW", "STARS", today() - dt.timedelta(days=60))
    scan_new_events()  # the mark
    add_event(stella, "POLICE", days_ago(1), crime_group="violence", category="Assault")
    scan_new_events()
    assert Alert.objects.filter(user=me.user, person=stella, kind="offence").count() == 1
    Referral.objects.filter(pk=case.pk).update(state="completed", ended_on=today())
    assert person_if_visible(me.user, stella.pk) is not None
    assert not decide(me.user, stella, "offending", source="POLICE").allowed
    return me


def test_an_alert_is_not_shown_once_the_grants_no_longer_open_what_it_tells(
    a_statutory_case_ended: Caller,
) -> None:
    me = a_statutory_case_ended
    page = me.get("/alerts/")
    assert page.status_code == 200 and "Stella Statutory" not in html(page)
    assert me.api_get("/api/v1/alerts").json() == []
    assert not me.audit(categories__contains="offending").exists()


# --- 2. Custody visits -----------------------------------------------------------------------


def held_in_custody() -> dict[str, CustodyVisit]:
    """Each person's visit, opened by the scan that follows an import (the first scan only
    sets its mark), with an offence of theirs a month old that the mentors must not see."""
    people = {}
    for n, (name, days) in enumerate(HELD_DAYS_AGO.items()):
        given, family = name.split()
        person = make_person(given, family, dt.date(1995, 5, 5), records=(("POLICE", f"CU{n}"),))
        add_event(person, "POLICE", days_ago(30), crime_group="dishonesty", category="Theft")
        people[name] = (person, days)
    scan_new_events()
    for person, days in people.values():
        add_event(person, "POLICE", days_ago(days), kind="custody", category="Held for court")
    scan_new_events()
    visits = {v.person_id: v for v in CustodyVisit.objects.all()}
    return {name: visits[person.pk] for name, (person, _) in people.items()}


@pytest.mark.parametrize("role", list(EXPECTED_CUSTODY))
def test_custody_visits(role: str) -> None:
    expected = EXPECTED_CUSTODY[role]
    pages_open = expected is not None
    seen = expected or NOTHING
    visits = held_in_custody()
    me = acting_as(role)
    for name, visit in visits.items():
        assert decide(me.user, visit.person, "custody", source="POLICE").allowed == (
            name in seen or role in ("police_analyst", "manager")  # theirs, not the route's
        )

    # The list, on the page and in the API.
    page = me.get("/custody/")
    assert page.status_code == (200 if pages_open else 403)
    if pages_open:
        assert {n for n in visits if n in html(page)} == seen
    listed = me.api_get("/api/v1/custody")
    assert listed.status_code == 200  # the API answers every caller with what they may see
    assert shown_people(listed) == {visits[n].person_id for n in seen}

    # Each visit's page.
    for name, visit in visits.items():
        one = me.get(f"/custody/{visit.pk}/")
        if not pages_open:
            assert one.status_code == 403
        elif name in seen:
            assert one.status_code == 200 and name in html(one)
            assert "Held for court" in html(one) and "Theft" not in html(one)  # custody only
        else:
            assert one.status_code == 404 and name not in html(one)

    # Recording a visit through the API: the recent one, and the one a week old.
    body = {"version": 1, "outcome": "declined", "seen_on": today().isoformat()}
    recorded = me.api_post(f"/api/v1/custody/{visits['Cal Recent'].pk}", body)
    assert recorded.status_code == (200 if "Cal Recent" in seen else 404)
    late = me.api_post(f"/api/v1/custody/{visits['Ed Sevendays'].pk}", body)
    assert late.status_code == 404
    outcomes = set(CustodyVisit.objects.values_list("outcome", flat=True))
    assert outcomes == ({"declined", "waiting"} if "Cal Recent" in seen else {"waiting"})

    # Audited, identity and custody only: the two lists and each visit shown or recorded;
    # each visit refused (not the 403s, which no door was asked).
    allowed = me.audit(decision="allowed")
    shown_pages = len(seen) + (1 if "Cal Recent" in seen else 0)
    assert allowed.count() == (2 + shown_pages if seen else 0)
    assert set(allowed.values_list("categories", flat=True)) <= {"custody,identity"}
    refused_pages = len(visits) - len(seen) if pages_open else 0
    refused_api = 1 if "Cal Recent" in seen else 2
    assert me.audit(decision="refused").count() == refused_pages + refused_api


# --- 3. Identification candidates ------------------------------------------------------------


@pytest.mark.parametrize("role", list(EXPECTED_CANDIDATES))
def test_identification_candidates(role: str) -> None:
    expected = EXPECTED_CANDIDATES[role]
    may_refer = expected is not None
    services = expected or NOTHING
    found = identified_today()
    names = {s: c.person.display_name for s, c in found.items()}
    assert names == {"ADAPT": "Casey Violent", "POP": "Pat Acquisitive"}
    me = acting_as(role)

    # The queue, on the page and in the API.
    queue = me.get("/candidates/")
    assert queue.status_code == (200 if may_refer else 403)
    if may_refer:
        assert {s for s, n in names.items() if n in html(queue)} == services
    api_queue = me.api_get("/api/v1/candidates")
    assert api_queue.status_code == (200 if may_refer else 403)
    if may_refer:
        assert shown_people(api_queue) == {found[s].person_id for s in services}

    # Each candidate, on the page and in the API.
    for service, candidate in found.items():
        status = (200 if service in services else 404) if may_refer else 403
        one = me.get(f"/candidates/{candidate.pk}/")
        assert one.status_code == status
        assert (names[service] in html(one)) == (status == 200)
        api_one = me.api_get(f"/api/v1/candidates/{candidate.pk}")
        assert api_one.status_code == status
        if status == 200:
            assert api_one.json()["person"]["id"] == candidate.person_id
            assert api_one.json()["events_hidden"] == 0  # they may see the offences counted

    # Audited: each list that showed someone, each candidate shown (identity and the
    # offences that found them) or refused; nothing for a role the capability stopped.
    assert me.audit(action="candidate_queue").count() == (2 if services else 0)
    details = me.audit(action="view_candidate", decision="allowed")
    assert details.count() == 2 * len(services)
    assert set(details.values_list("categories", flat=True)) <= {"identity,offending"}
    refused = me.audit(decision="refused")
    assert refused.count() == (2 * (len(found) - len(services)) if may_refer else 0)


def test_the_queue_is_audited_with_the_offending_it_shows() -> None:
    identified_today()
    me = acting_as("pop_worker")
    page = me.get("/candidates/")
    assert page.status_code == 200 and "Pat Acquisitive" in html(page)
    [pat] = me.api_get("/api/v1/candidates").json()["candidates"]
    assert pat["events_counted"] == 3 and pat["last_event_on"] == str(today() - dt.timedelta(5))
    looks = me.audit(action="candidate_queue")
    assert looks.count() == 2
    assert set(looks.values_list("categories", flat=True)) == {"identity,offending"}


# --- 4. Engagement contacts ------------------------------------------------------------------


def ali(state: str) -> Referral:
    """Ali Engaged's referral to ADAPT, engaged by the ADAPT team with a plan and two
    contacts (and, `completed`, ended)."""
    person = make_person("Ali", "Engaged", dt.date(2009, 1, 1), records=(("POLICE", "EN1"),))
    start = today() - dt.timedelta(days=40)
    referral = refer(person, "POLICE", "ADAPT", start - dt.timedelta(days=10), state="consented")
    worker = make_user("adapt-worker", "INCLUDEM_ADAPT", "partner_worker")
    engagement.do_start_engagement(
        worker, referral, on=start, focus_areas=["education", "life_choices"],
        contact={"attendance": "attended", "notes": "Met at the youth club."},
    )  # fmt: skip
    engagement.do_record_contact(
        worker, referral, on=start + dt.timedelta(days=7),
        contact={"attendance": "attended", "notes": "Talked about college."},
    )  # fmt: skip
    if state == "completed":
        engagement.do_end_engagement(
            worker, referral, on=start + dt.timedelta(days=30), outcome="completed",
            ratings={"education": "achieved", "life_choices": "partly"},
        )  # fmt: skip
    return Referral.objects.select_related("person").get(pk=referral.pk)


@pytest.mark.parametrize("state", ENGAGEMENT_STATES)
@pytest.mark.parametrize("role", list(EXPECTED_ENGAGEMENT))
def test_engagement_contacts(role: str, state: str) -> None:
    expected = EXPECTED_ENGAGEMENT[role][state]
    visible = bool(expected)
    contacts = "engagement" in expected
    referral = ali(state)
    me = acting_as(role)
    opened = decide(me.user, referral.person, "engagement", source="INCLUDEM").allowed
    assert opened == (role in ENGAGEMENT_OPEN)
    assert opened or not contacts

    page = me.get(f"/referrals/{referral.pk}/")
    if role in WITHOUT_VIEW:
        assert page.status_code == 403
    else:
        assert page.status_code == (200 if visible else 404)
        text = html(page)
        assert ("Ali Engaged" in text) == visible
        for shown in ('id="contacts"', "Met at the youth club.", "Talked about college."):
            assert (shown in text) == contacts
        assert ('id="focus-areas"' in text) == contacts
    api = me.api_get(f"/api/v1/referrals/{referral.pk}")
    assert api.status_code == (200 if visible else 404)
    if visible:
        body = api.json()
        assert body["person"]["family_name"] == "Engaged"
        notes = [c["notes"] for c in body["contacts"] or []]
        assert notes == (["Talked about college.", "Met at the youth club."] if contacts else [])
        assert body["focus_areas"] == (["education", "life_choices"] if contacts else None)

    # Every look is written, naming the engagement exactly when the contacts were shown.
    looks = me.audit(action="view_referral")
    assert looks.count() == (1 if role in WITHOUT_VIEW else 2)  # the 403 asked no door
    assert set(looks.values_list("decision", flat=True)) == {"allowed" if visible else "refused"}
    assert set(looks.values_list("person_id", flat=True)) == {referral.person_id}
    if visible:
        assert set(looks.values_list("categories", flat=True)) == {",".join(sorted(expected))}


def test_the_log_of_a_look_at_contacts_names_what_opened_them() -> None:
    referral = ali("engaged")
    opened_by = {
        "police_analyst": "agreement INCLUDEM_PARTNERSHIP_EXCHANGE",
        "partner_worker": "role rule: partner_worker in INCLUDEM_ADAPT",
    }
    for role, basis in opened_by.items():
        me = acting_as(role)
        assert "Met at the youth club." in html(me.get(f"/referrals/{referral.pk}/"))
        look = me.audit(action="view_referral").get()
        assert look.categories == "engagement,referral"
        assert basis in look.basis, look.basis


# --- 5. The linkage review ---------------------------------------------------------------------


def a_pair_in_doubt() -> LinkReview:
    anne = make_person("Anne", "Doubtful", dt.date(1990, 1, 1), sex="F",
                       records=(("POLICE", "LK1"),))  # fmt: skip
    other = make_person("Anne", "Doubtful", dt.date(1990, 7, 1), sex="F",
                        records=(("HSCP_CJSW", "LK2"),))  # fmt: skip
    add_event(anne, "POLICE", days_ago(20), crime_group="violence", category="Assault")
    return LinkReview.objects.create(
        record_a=anne.records.get(), record_b=other.records.get(), probability=0.7,
        match_weight=1.2, why="in the review band",
    )  # fmt: skip


def check_linkage_review(me: Caller, allowed: bool) -> None:
    review = a_pair_in_doubt()
    anne = review.record_a.person_id
    urls = ("/linkage/", f"/linkage/pairs/{review.pk}/", f"/linkage/people/{anne}/")
    for url in urls:
        page = me.get(url)
        assert page.status_code == (200 if allowed else 403), url
        assert ("Anne Doubtful" in html(page)) == allowed, url
        assert "Assault" not in html(page)  # identity fields only
    assert (">LK1<" in html(me.get(urls[1]))) == allowed
    looks = me.audit()
    expected = {"view_link_queue", "view_link_review", "view_person_records"}
    assert set(looks.values_list("action", flat=True)) == (expected if allowed else set())
    assert looks.count() == (4 if allowed else 0)  # the pair page was read twice
    assert set(looks.values_list("categories", flat=True)) <= {"identity"}
    if allowed:  # the queue showed both people's records
        queue = looks.get(action="view_link_queue")
        assert set(queue.people.values_list("person_id", flat=True)) == {
            review.record_a.person_id,
            review.record_b.person_id,
        }


@pytest.mark.parametrize("role", list(EXPECTED_LINKAGE))
def test_the_linkage_review(role: str) -> None:
    check_linkage_review(acting_as(role), EXPECTED_LINKAGE[role])


def test_a_superuser_reviews_links_too() -> None:
    me = acting_as("admin", "root")  # the admin role has no review_links: the superuser rule
    type(me.user).objects.filter(pk=me.user.pk).update(is_superuser=True)
    me.web.force_login(type(me.user).objects.get(pk=me.user.pk))
    check_linkage_review(me, True)


def check_agency_duplicates(me: Caller, allowed: bool) -> None:
    """An agency's duplicates (issue 18) open with the review: the page, the download and
    "Mark as sent", each audited with the person; identity fields only."""
    twice = make_person("Dana", "Twice", dt.date(1991, 2, 2),
                        records=(("POLICE", "DP1"), ("POLICE", "DP2")))  # fmt: skip
    add_event(twice, "POLICE", days_ago(20), crime_group="violence", category="Assault")
    first, second = twice.records.order_by("created_at", "person_ref")
    page = me.get("/linkage/duplicates/", agency="POLICE")
    download = me.get("/linkage/duplicates/POLICE.csv")
    mark = me.post("/linkage/duplicates/POLICE/sent/", {"pair": f"{second.pk}:{first.pk}"})
    assert (page.status_code, download.status_code, mark.status_code) == (
        (200, 200, 302) if allowed else (403, 403, 403)
    )
    assert ("Dana Twice" in html(page)) == allowed
    assert "Assault" not in html(page)
    looks = me.audit()
    expected = {"view_agency_duplicates", "export_agency_duplicates", "mark_agency_duplicates_sent"}
    assert set(looks.values_list("action", flat=True)) == (expected if allowed else set())
    assert all(set(look.people.values_list("person_id", flat=True)) == {twice.pk}
               and look.categories == "identity" for look in looks)  # fmt: skip


@pytest.mark.parametrize("role", list(EXPECTED_LINKAGE))
def test_an_agencys_duplicates(role: str) -> None:
    check_agency_duplicates(acting_as(role), EXPECTED_LINKAGE[role])


def test_the_review_opens_neither_the_person_page_nor_search() -> None:
    review = a_pair_in_doubt()
    anne = review.record_a.person_id
    me = acting_as("data_quality")
    assert me.get(f"/people/{anne}/").status_code == 404
    assert me.get("/people/", q="Anne Doubtful").status_code == 403
    assert me.api_get(f"/api/v1/people/{anne}").status_code == 404
    assert me.api_get("/api/v1/people", q="Doubtful").json() == []
    assert person_if_visible(me.user, anne) is None
    assert me.audit(decision="refused").count() == 2  # the page and the API's person
    assert me.audit(decision="allowed", action="search").get().people_count == 0
