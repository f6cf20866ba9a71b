"""The authorisation matrix: every role of the configuration × the state of a person ×
every door (person page, API person and events, search, chronology export, `decide`).

The person (Dale Matrix) is known only to the police, who hold one event of every kind
and made the referral whose state each column sets. Each role acts as its demo user's
team (`config/glasgow/demo-users.toml`). EXPECTED is worked out by hand from
`roles.toml` and `agreements.toml`: the categories of police data the role sees in that
state; an empty set means the person does not exist for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tomllib
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client

from pathways.api.tokens import create_token
from pathways.audit.models import AccessEvent
from pathways.events.models import Event
from pathways.partners.models import Role
from pathways.people.models import Person
from pathways.referrals.models import Referral
from pathways.sharing.policy import decide
from tests.world import make_person, make_user

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
KIND_CATEGORY = {
    "offence": "offending",
    "asb": "offending",
    "conviction": "offending",
    "custody": "custody",
    "overdose": "health",
    "concern": "risk",
}
# state: (service of the police referral, its state); None: no referral at all.
STATES = {
    "no_referral": None,
    "referral_pending": ("ADAPT", "sent"),
    "consented": ("ADAPT", "consented"),
    "consent_withdrawn": ("ADAPT", "opted_out"),
    "engagement_closed": ("ADAPT", "completed"),
    "statutory_case": ("STARS", "engaged"),
}
POLICE_OWN = {"identity", "offending", "custody", "risk", "referral"}  # not health
PROTOCOL = {"identity", "offending", "custody", "referral"}  # police -> justice social work
NOTHING: set[str] = set()


def every_state(categories: set[str]) -> dict[str, set[str]]:
    return {state: categories for state in STATES}


EXPECTED: dict[str, dict[str, set[str]]] = {
    # Their own agency's data, whatever the person's state.
    "police_analyst": every_state(POLICE_OWN),
    "manager": every_state(POLICE_OWN),
    # The protocol: while referred (actively) or on a statutory caseload.
    "cjsw_worker": {
        "no_referral": NOTHING,
        "referral_pending": PROTOCOL,
        "consented": PROTOCOL,
        "consent_withdrawn": NOTHING,
        "engagement_closed": NOTHING,
        "statutory_case": PROTOCOL,
    },
    # Their team manager: the same team, agency and agreements.
    "cjsw_manager": {
        "no_referral": NOTHING,
        "referral_pending": PROTOCOL,
        "consented": PROTOCOL,
        "consent_withdrawn": NOTHING,
        "engagement_closed": NOTHING,
        "statutory_case": PROTOCOL,
    },
    # Who and why from the moment the referral is sent; offending once consented; the
    # referral it worked (read-only) after the work ended, but not after a withdrawal.
    "partner_worker": {
        "no_referral": NOTHING,
        "referral_pending": {"identity", "referral"},
        "consented": {"identity", "referral", "offending"},
        "consent_withdrawn": NOTHING,
        "engagement_closed": {"referral"},
        "statutory_case": NOTHING,
    },
    # Non-fatal overdoses, always (protecting life): nothing else.
    "health_outreach": every_state({"health"}),
    # No agreement shares police data with them, about this person's referral.
    "cf_worker": every_state(NOTHING),
    "custody_mentor": every_state(NOTHING),
    "pop_worker": every_state(NOTHING),
    # No view capability: no person data at all.
    "data_quality": every_state(NOTHING),
    "dpo": every_state(NOTHING),
    "researcher": every_state(NOTHING),
    "admin": every_state(NOTHING),
    # No view capability: only a squad's register (tests/casework), never a person page.
    "upw_supervisor": every_state(NOTHING),
}


def demo_teams() -> dict[str, str]:
    path = settings.PATHWAYS_CONFIG_DIR / "demo-users.toml"
    users = tomllib.loads(path.read_text(encoding="utf-8"))["users"]
    teams: dict[str, str] = {}
    for entry in users.values():  # the first demo user of a role (partner_worker: ADAPT)
        teams.setdefault(entry["role"], entry["team"])
    return teams


def test_every_configured_role_has_its_row_of_expectations() -> None:
    assert set(EXPECTED) == set(Role.objects.values_list("code", flat=True))
    assert all(set(row) == set(STATES) for row in EXPECTED.values())


def dale(state: str) -> Person:
    person = make_person("Dale", "Matrix", dt.date(2005, 5, 5), records=(("POLICE", "PM1"),))
    record = person.records.get()
    for n, kind in enumerate(KIND_CATEGORY):
        when = dt.datetime(2024, 1, 1 + n, 12, tzinfo=LONDON)
        Event.objects.create(
            agency_id="POLICE",
            event_ref=f"M{n}",
            record=record,
            person=person,
            kind=kind,
            occurred_at=when,
            occurred_on=when.date(),
            crime_group="violence" if kind in ("offence", "conviction") else "",
            content_hash="x",
        )
    referral = STATES[state]
    if referral is not None:
        service, referral_state = referral
        Referral.objects.create(
            person=person,
            record=record,
            service_id=service,
            referred_on=dt.date(2024, 2, 1),
            state=referral_state,
        )
    return person


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_matrix(client: Client, role: str, state: str) -> None:
    expected = EXPECTED[role][state]
    person = dale(state)
    user = make_user(f"{role}-user", demo_teams()[role], role)
    visible = bool(expected)
    expected_kinds = sorted(k for k, c in KIND_CATEGORY.items() if c in expected)

    # The policy point, asked about each category of the police's data.
    for category in ("identity", "referral", *set(KIND_CATEGORY.values())):
        decision = decide(user, person, category, source="POLICE")
        assert decision.allowed == (category in expected), (category, decision)

    # The person page.
    client.force_login(user)
    page = client.get(f"/people/{person.pk}/")
    assert page.status_code == (200 if visible else 404)
    if visible:
        html = page.content.decode()
        # The reference as a cell of its own: a random token on the page may hold "PM1".
        assert (">PM1<" in html) == ("identity" in expected)
        assert ("ADAPT" in html or "STARS" in html) == (
            "referral" in expected and STATES[state] is not None
        )

    # Search: found by name exactly when visible.
    found = client.get("/people/", {"q": "Dale Matrix"})
    if found.status_code == 200:
        assert (f'href="/people/{person.pk}/"' in found.content.decode()) == visible
    else:
        assert found.status_code == 403 and not visible  # roles that cannot search

    # The chronology export.
    export = client.get(f"/people/{person.pk}/events.csv")
    assert export.status_code == (200 if visible else 404)
    if visible:
        text = b"".join(export.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert sorted(r["kind"] for r in rows) == expected_kinds

    # The API, with the user's own token.
    token = create_token(user)
    api = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    one = api.get(f"/api/v1/people/{person.pk}", **auth)
    events = api.get(f"/api/v1/people/{person.pk}/events", **auth)
    search = api.get("/api/v1/people", {"q": "Matrix"}, **auth)
    assert one.status_code == events.status_code == (200 if visible else 404)
    assert [p["id"] for p in search.json()] == ([person.pk] if visible else [])
    if visible:
        assert sorted(e["kind"] for e in events.json()["events"]) == expected_kinds
        records = [r["person_ref"] for r in one.json()["records"]]
        assert records == (["PM1"] if "identity" in expected else [])

    # Every look is audited, refusals included: page, export, API person and events;
    # the searches list the people they showed.
    looks = AccessEvent.objects.filter(user=user, person_id=person.pk)
    assert looks.count() == 4
    assert set(looks.values_list("decision", flat=True)) == {"allowed" if visible else "refused"}
    shown = AccessEvent.objects.filter(user=user, action="search", people__person_id=person.pk)
    assert shown.count() == (2 if visible else 0)
