"""The API fuzzed from its own OpenAPI document (issue 21, "Hostile input").

schemathesis reads `/api/v1/openapi.json` and generates requests for every operation,
valid ones and invalid ones (wrong types, out-of-range numbers, missing fields, strange
strings); hypothesis draws them, derandomized, so a run tries the same cases every time.
Each request is sent through Django's test client, in the test database, as each demo
user (`config/glasgow/demo-users.toml`, one per role) with their own API token, and as
a caller with no token. The database holds the demo (`pathways demo`, 800 synthetic
people, the demo's pathway and casework), so the ids the fuzzer sends are often real:
a path parameter is either generated or one of the demo's own ids (some the caller may
see, some not), a body's `version` is sometimes the object's real one, and now and then
one string of the path, query or body is replaced by text that has broken servers (a
NUL, half a surrogate pair, 100,000 characters, ...: HOSTILE below).

Every response is checked:
- no 5xx;
- every 4xx is JSON with a `message` (the API's one error shape, pathways/api/endpoints.py);
- the response is as the OpenAPI document declares (status, content type, schema);
- nothing the caller may not see: every person a 2xx answer names is among
  `visible_people(caller)`; an endpoint that needs a capability (CAPABILITIES below,
  from the endpoints' docstrings and docs/casework.md, with `roles.toml` read here)
  never answers 2xx to a role without it; unsuppressed figures only to roles with
  `unsuppressed_reports`; an alert marked read is the caller's own; a squad's register
  is one of the caller's own team's projects; and a caller with no token gets nothing.

Each example runs in a savepoint rolled back after it, so every case meets the same
demo. The cases tried per operation and role, and the 5xx found, are written to
`test-artifacts/fuzz-summary.txt` (and printed with `-s`).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import time
import tomllib
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import requests
import schemathesis
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.transport import Response as FuzzResponse
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pathways.alerts.models import Alert
from pathways.api.tokens import create_token
from pathways.cases.models import Contact, CustodyVisit
from pathways.casework.models import CourtReport, Order, Project
from pathways.identification.models import Candidate
from pathways.partners.models import Membership
from pathways.people.models import Person
from pathways.referrals.actions import STEPS
from pathways.referrals.models import Referral
from pathways.setup.demo_casework import seed_casework
from pathways.setup.demo_pathway import seed_pathway
from pathways.setup.demo_users import create_demo_users, read_demo_users
from pathways.sharing.policy import visible_people
from tests.factories import LONDON

pytestmark = pytest.mark.django_db

# A Wednesday when every Glasgow agreement is in force; the demo is built as of it.
NOW = dt.datetime(2026, 6, 10, 11, 0, tzinfo=LONDON)
PEOPLE = 800
ANONYMOUS = "anonymous"
SUMMARY = Path(settings.BASE_DIR) / "test-artifacts" / "fuzz-summary.txt"

# Examples per operation and role: fewer where the role lacks the capability the
# operation needs (any 2xx is the failure looked for, and it answers 403 at once), more
# where the door decides person by person.
EXAMPLES = 10
LOCKED_OUT_EXAMPLES = 4
MORE_EXAMPLES = {
    ("GET", "/api/v1/people"): 30,
    ("GET", "/api/v1/people/{person_id}"): 25,
    ("GET", "/api/v1/people/{person_id}/events"): 25,
    ("GET", "/api/v1/referrals/{referral_id}"): 20,
    ("POST", "/api/v1/referrals/{referral_id}/{action}"): 20,
    ("POST", "/api/v1/people/{person_id}/referrals"): 20,
    ("GET", "/api/v1/casework/orders/{order_id}"): 20,
}
ANONYMOUS_EXAMPLES = 4

# What a 2xx answer needs, any one of: the endpoints' documented rules (their docstrings
# and docs/casework.md), checked against the roles' capabilities as roles.toml gives them.
CAPABILITIES: dict[tuple[str, str], frozenset[str]] = {
    ("GET", "/api/v1/candidates"): frozenset({"refer"}),
    ("GET", "/api/v1/candidates/{candidate_id}"): frozenset({"refer"}),
    ("POST", "/api/v1/candidates/{candidate_id}/dismiss"): frozenset({"refer"}),
    ("POST", "/api/v1/candidates/{candidate_id}/refer"): frozenset({"refer"}),
    ("POST", "/api/v1/people/{person_id}/referrals"): frozenset({"refer"}),
    ("GET", "/api/v1/casework/due"): frozenset({"casework", "manage_casework"}),
    ("GET", "/api/v1/casework/orders/{order_id}"): frozenset({"view"}),
    ("POST", "/api/v1/casework/orders/{order_id}/sessions"): frozenset({"casework"}),
    ("POST", "/api/v1/casework/orders/{order_id}/sessions/{session_id}/attendance"): frozenset(
        {"casework"}
    ),
    ("POST", "/api/v1/casework/orders/{order_id}/warnings"): frozenset({"casework"}),
    ("POST", "/api/v1/casework/orders/{order_id}/breaches"): frozenset({"casework"}),
    ("GET", "/api/v1/casework/reports/{report_id}"): frozenset({"casework", "manage_casework"}),
    ("POST", "/api/v1/casework/reports/{report_id}/submit"): frozenset({"casework"}),
    ("GET", "/api/v1/casework/squads/{project}/{on}"): frozenset({"record_sessions", "casework"}),
    ("POST", "/api/v1/casework/squads/{project}/{on}"): frozenset({"record_sessions", "casework"}),
    ("GET", "/api/v1/casework/figures"): frozenset({"read_reports", "unsuppressed_reports"}),
    ("GET", "/api/v1/outcomes"): frozenset({"read_reports", "unsuppressed_reports"}),
}
# Figures as computed (small numbers unsuppressed) unless `published=true` is asked for.
FIGURES = {("GET", "/api/v1/casework/figures"), ("GET", "/api/v1/outcomes")}


def demo_users() -> dict[str, str]:
    """username -> role, from the configuration's demo users."""
    path = settings.PATHWAYS_CONFIG_DIR / "demo-users.toml"
    users = tomllib.loads(path.read_text(encoding="utf-8"))["users"]
    return {name: entry["role"] for name, entry in users.items()}


def role_capabilities() -> dict[str, frozenset[str]]:
    path = settings.PATHWAYS_CONFIG_DIR / "roles.toml"
    roles = tomllib.loads(path.read_text(encoding="utf-8"))["roles"]
    return {code: frozenset(entry.get("capabilities", [])) for code, entry in roles.items()}


CALLERS = [*demo_users(), ANONYMOUS]


# --- The demo, built once for the module -------------------------------------------------


@dataclass
class Demo:
    tokens: dict[str, str]
    users: dict[str, Any]
    # Path parameters worth sending: name -> values, the demo's own (and a few not).
    ids: dict[str, list[Any]]
    # (order_id, session_id) pairs of real sessions.
    sessions: list[tuple[int, int]]
    visible: dict[str, set[int]]
    # operation -> caller -> Counter of statuses; 5xx found per operation.
    tried: dict[str, dict[str, Counter[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(Counter))
    )
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    slowest: dict[str, float] = field(default_factory=lambda: defaultdict(float))


def _first(queryset: Any, n: int) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True)[:n])


def _pools(users: dict[str, Any]) -> tuple[dict[str, list[Any]], list[tuple[int, int]]]:
    everyone = Person.objects.order_by("pk")
    people: set[int] = set(_first(everyone, 3))
    for user in users.values():
        people |= set(_first(visible_people(user), 3))
    # People who are in something: referred, on an order, alerted about.
    people |= set(
        Referral.objects.order_by("pk").values_list("person_id", flat=True).distinct()[:6]
    )
    people |= set(Order.objects.order_by("pk").values_list("person_id", flat=True)[:4])
    missing = everyone.last().pk + 1000  # type: ignore[union-attr]
    sessions = list(
        Contact.objects.filter(order__isnull=False).order_by("pk").values_list("order_id", "pk")[:6]
    )
    ids: dict[str, list[Any]] = {
        "person_id": sorted(people) + [missing],
        "referral_id": _first(Referral.objects.all(), 12) + [missing],
        "candidate_id": _first(Candidate.objects.filter(status="open"), 4)
        + _first(Candidate.objects.exclude(status="open"), 2),
        "alert_id": _first(Alert.objects.all(), 6),
        "visit_id": _first(CustodyVisit.objects.all(), 4),
        "order_id": _first(Order.objects.all(), 6),
        "session_id": [s for _, s in sessions],
        "report_id": _first(CourtReport.objects.all(), 6),
        "project": list(Project.objects.order_by("code").values_list("code", flat=True)[:4])
        + ["NO_SUCH_PROJECT"],
        "on": [NOW.date().isoformat(), (NOW.date() - dt.timedelta(days=7)).isoformat()],
        "action": [*STEPS, "undo"],
    }
    return {name: values for name, values in ids.items() if values}, sessions


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[Demo]:
    """The demo partnership for this module's tests, rolled back when they are done."""
    with (
        time_machine.travel(NOW, tick=True),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        # What `pathways demo` does after `init` (the test database is already migrated,
        # and migrating inside this block is not possible on SQLite).
        call_command("synth", people=PEOPLE, seed=1, as_of=NOW.date(), stdout=io.StringIO(),
                     stderr=io.StringIO())  # fmt: skip
        create_demo_users(read_demo_users(settings.PATHWAYS_CONFIG_DIR))
        assert seed_pathway() and seed_casework()
        users = {u.username: u for u in get_user_model().objects.filter(username__in=CALLERS)}
        assert set(users) == set(CALLERS) - {ANONYMOUS}
        tokens = {name: create_token(user) for name, user in users.items()}
        ids, sessions = _pools(users)
        visible = {
            name: set(visible_people(user).values_list("pk", flat=True))
            for name, user in users.items()
        }
        found = Demo(tokens=tokens, users=users, ids=ids, sessions=sessions, visible=visible)
        yield found
        transaction.set_rollback(True)
    _write_summary(found)


@pytest.fixture(scope="module")
def schema(demo: Demo) -> Any:
    """The API's own OpenAPI document, as a client reads it."""
    document = Client().get("/api/v1/openapi.json").json()
    return schemathesis.openapi.from_dict(document)


# --- Sending a case through Django's test client ------------------------------------------


def _send(
    client: Client, case: Any, in_body: tuple[str, int] | None = None
) -> tuple[Any, dict[str, Any]]:
    """The response to the case (with `in_body`'s text put in its JSON body, see
    `_poison`), and the keyword arguments it was sent with."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    if in_body is not None and "json" in kwargs:
        kwargs["json"] = copy.deepcopy(kwargs["json"])  # the case's own body stays as made
        _poison([kwargs["json"]], *in_body)
    url = urlsplit(kwargs["url"])
    query = urlencode(kwargs.get("params") or {}, doseq=True)
    path = url.path + (f"?{query}" if query else "")
    headers = {k: str(v) for k, v in (kwargs.get("headers") or {}).items()}
    content_type = headers.pop("Content-Type", headers.pop("content-type", "application/json"))
    if "json" in kwargs:
        body: bytes | str = json.dumps(kwargs["json"])
    else:
        body = kwargs.get("data") or b""
    response = client.generic(
        kwargs["method"], path, body, content_type=content_type, headers=headers
    )
    return response, kwargs


def _as_fuzz_response(response: Any, kwargs: dict[str, Any], elapsed: float) -> FuzzResponse:
    """Django's response as schemathesis's checks read one."""
    request = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers") or {},
        params=kwargs.get("params") or {},
        json=kwargs.get("json"),
        data=kwargs.get("data"),
    ).prepare()
    return FuzzResponse(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.items()},
        content=response.content,
        request=request,
        elapsed=elapsed,
        verify=True,
        message=response.reason_phrase,
        encoding="utf-8",
    )


# --- What a response must not show ---------------------------------------------------------


def _people_named(body: Any) -> set[int]:
    """Every person id a JSON answer names: `person` objects (or ids) at any depth."""
    found: set[int] = set()
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "person":
                if isinstance(value, dict) and isinstance(value.get("id"), int):
                    found.add(value["id"])
                elif isinstance(value, int):
                    found.add(value)
            found |= _people_named(value)
    elif isinstance(body, list):
        for item in body:
            found |= _people_named(item)
    return found


def _problems(
    demo: Demo, who: str, capabilities: frozenset[str], case: Any, response: Any
) -> list[str]:
    """What is wrong with this response for this caller (nothing: an empty list)."""
    status = response.status_code
    key = (case.method.upper(), case.path)
    problems = []
    if status >= 500:
        problems.append(f"a server error ({status})")
    if status >= 400:
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        if not response["Content-Type"].startswith("application/json") or not (
            isinstance(body, dict) and isinstance(body.get("message"), str) and body["message"]
        ):
            problems.append(
                f"a {status} that is not JSON with a message: {response.content[:200]!r}"
            )
        return problems
    if not 200 <= status < 300:
        return problems + [f"an unexpected status {status}"]
    if who == ANONYMOUS:
        return problems + [f"a {status} without a token"]
    needed = CAPABILITIES.get(key)
    if needed is not None and not needed & capabilities:
        problems.append(f"a {status} to a role without {' or '.join(sorted(needed))}")
    query = case.query or {}
    if key in FIGURES and "unsuppressed_reports" not in capabilities:
        if str(query.get("published")).lower() not in ("true", "1"):
            problems.append("unsuppressed figures to a role without unsuppressed_reports")
    body = response.json()
    user = demo.users[who]
    named = _people_named(body)
    path = case.path_parameters or {}
    if case.path.startswith("/api/v1/people/{person_id}"):
        named.add(int(path["person_id"]))
    if key == ("GET", "/api/v1/people"):
        named |= {p["id"] for p in body}
    if key == ("POST", "/api/v1/candidates/{candidate_id}/refer"):
        named.add(Referral.objects.get(pk=body["referral"]).person_id)
    unseen = named - demo.visible[who]
    if unseen:
        # A write may have opened a person to the caller (a referral made): ask again.
        unseen -= set(visible_people(user).filter(pk__in=unseen).values_list("pk", flat=True))
    if unseen:
        problems.append(f"people the caller may not see: {sorted(unseen)}")
    if key == ("POST", "/api/v1/alerts/{alert_id}/read"):
        if not Alert.objects.filter(pk=path["alert_id"], user=user).exists():
            problems.append(f"alert {path['alert_id']} is not the caller's")
    if key[1] == "/api/v1/casework/squads/{project}/{on}":
        teams = set(Membership.objects.filter(user=user).values_list("team_id", flat=True))
        if not Project.objects.filter(code=path["project"], team_id__in=teams).exists():
            problems.append(f"the register of {path['project']}, not a project of the caller's")
    return problems


# --- The fuzzing --------------------------------------------------------------------------

VERSIONED = {
    "referral_id": Referral,
    "candidate_id": Candidate,
    "visit_id": CustodyVisit,
    "session_id": Contact,
    "report_id": CourtReport,
}


def _real_paths(demo: Demo, names: list[str]) -> list[dict[str, Any]]:
    """Path parameters made of the demo's own ids (every combination, up to 12)."""
    if "session_id" in names:
        return [
            {"order_id": order, "session_id": session, **{n: 1 for n in names if "_id" not in n}}
            for order, session in demo.sessions
        ]
    combinations: list[dict[str, Any]] = [{}]
    for name in names:
        values = demo.ids.get(name)
        if not values:
            return []
        combinations = [{**c, name: v} for c in combinations for v in values]
    return combinations[:: max(1, len(combinations) // 12)]


def _strategy(demo: Demo, operation: Any, headers: dict[str, str]) -> Any:
    """Generated cases, valid and not, half of them at the demo's own ids."""
    names = [p.name for p in operation.path_parameters]
    made = [
        operation.as_strategy(GenerationMode.POSITIVE, headers=headers),
        operation.as_strategy(GenerationMode.NEGATIVE, headers=headers),
    ]
    real = _real_paths(demo, names) if names else []
    if real:
        at_real_ids = st.one_of(
            [
                operation.as_strategy(GenerationMode.POSITIVE, headers=headers, path_parameters=p)
                for p in real
            ]
        )
        return st.one_of(st.one_of(made), at_real_ids)
    return st.one_of(made)


def _with_real_version(case: Any, use_it: bool) -> None:
    """Give the body the object's real `version` (so a step can get past the stale check)."""
    if not use_it or not isinstance(case.body, dict) or "version" not in case.body:
        return
    for name, model in VERSIONED.items():
        value = (case.path_parameters or {}).get(name)
        if isinstance(value, int):
            version = model.objects.filter(pk=value).values_list("version", flat=True).first()
            if version is not None:
                case.body["version"] = version


# Text that has broken servers, put in place of one generated string now and then:
# generated text rarely holds these, and a valid request around them reaches the database.
HOSTILE = (
    "\x00",
    "a\x00b",
    "\ud800",  # half a surrogate pair: valid JSON (\\ud800), not encodable as UTF-8
    "x" * 100_000,
    "\u202etxt.exe",
    "💥" * 50,
    "'; DROP TABLE people_person; --",
    "../../../etc/passwd",
    "%00%2e%2e",
    '=HYPERLINK("http://x")',
)


def _text_slots(value: Any) -> list[tuple[Any, Any]]:
    """(container, key) of every string in `value` (dicts and lists, at any depth)."""
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    slots: list[tuple[Any, Any]] = []
    for key, item in items:
        if isinstance(item, str):
            slots.append((value, key))
        else:
            slots.extend(_text_slots(item))
    return slots


def _poison(parts: list[Any], hostile: str, which: int) -> None:
    """Put `hostile` in place of the `which`th string of `parts` (path, query, body)."""
    slots = [slot for part in parts for slot in _text_slots(part)]
    if slots:
        container, key = slots[which % len(slots)]
        container[key] = hostile


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def fuzz_operation(demo: Demo, client: Client, who: str, operation: Any) -> str | None:
    """Fuzz one operation as one caller; what went wrong, or None."""
    key = (operation.method.upper(), operation.path)
    label = f"{key[0]} {key[1]}"
    token = demo.tokens.get(who)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    capabilities = role_capabilities()[demo_users()[who]] if who != ANONYMOUS else frozenset()
    needed = CAPABILITIES.get(key)
    if who == ANONYMOUS:
        examples = ANONYMOUS_EXAMPLES
    elif needed is not None and not needed & capabilities:
        examples = LOCKED_OUT_EXAMPLES
    else:
        examples = MORE_EXAMPLES.get(key, EXAMPLES)
    statuses = demo.tried[label][who]

    @hypothesis_settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        # The strategies are schemathesis's; slow or filtered generation is theirs to tune.
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(
        case=_strategy(demo, operation, headers),
        real_version=st.booleans(),
        hostile=st.one_of(st.none(), st.sampled_from(HOSTILE)),
        which=st.integers(0, 20),
    )
    def one(case: Any, real_version: bool, hostile: str | None, which: int) -> None:
        started = time.monotonic()
        with transaction.atomic():
            _with_real_version(case, real_version)
            in_body = None
            if hostile is not None and _utf8(hostile):
                _poison([case.path_parameters, case.query, case.body], hostile, which)
            elif hostile is not None:
                # A URL is bytes, and schemathesis checks a case as UTF-8: text that is
                # not UTF-8 goes into the JSON body only, as sent.
                in_body = (hostile, which)
            response, kwargs = _send(client, case, in_body)
            statuses[response.status_code] += 1
            problems = _problems(demo, who, capabilities, case, response)
            transaction.set_rollback(True)
        elapsed = time.monotonic() - started
        demo.seconds[label] += elapsed
        demo.slowest[label] = max(demo.slowest[label], elapsed)
        if problems:
            sent = f"{kwargs['method']} {kwargs['url']} query={kwargs.get('params')!r}"
            body = kwargs.get("json", kwargs.get("data"))
            raise AssertionError(f"{'; '.join(problems)}\nsent: {sent} body={body!r}"[:2000])
        case.validate_response(
            _as_fuzz_response(response, kwargs, elapsed),
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )

    try:
        one()
    # Every failure is reported, with its case (schemathesis's are a BaseExceptionGroup).
    except (Exception, BaseExceptionGroup) as error:
        notes = "\n".join(getattr(error, "__notes__", []))
        if isinstance(error, AssertionError | BaseExceptionGroup):
            return f"{who}: {label}: {error}\n{notes}"
        # An error of the harness or the app raised through it: where it was raised.
        where = "".join(traceback.format_tb(error.__traceback__)[-3:])
        where += f"{type(error).__name__}: {error}"
        return f"{who}: {label}: {where}\n{notes}"
    return None


@pytest.mark.parametrize("who", CALLERS)
def test_fuzz_every_operation(demo: Demo, schema: Any, who: str) -> None:
    client = Client(raise_request_exception=False)
    failures = []
    with time_machine.travel(NOW, tick=True):
        for result in schema.get_all_operations():
            operation = result.ok()
            failure = fuzz_operation(demo, client, who, operation)
            if failure:
                failures.append(failure)
    assert not failures, "\n\n".join(failures)
    # The checks above had something to check: the token worked, and a caller who may
    # see someone was shown a person (else "nothing unseen was shown" proves nothing).
    person = demo.tried["GET /api/v1/people/{person_id}"][who]
    if who == ANONYMOUS:
        assert set(person) == {401}
    elif demo.visible[who] & set(demo.ids["person_id"]):
        assert person[200] > 0, dict(person)
    else:
        assert 401 not in person and person[404] > 0, dict(person)


def _write_summary(demo: Demo) -> None:
    """Cases tried per operation (and per caller), 5xx found, seconds spent."""
    if not demo.tried:
        return
    lines = [
        f"API fuzz: {len(demo.tried)} operations, callers: {', '.join(CALLERS)}",
        f"{'operation':<72} {'cases':>6} {'5xx':>4} {'seconds':>8} {'slowest':>8}  statuses",
    ]
    total = errors = 0
    for label in sorted(demo.tried):
        statuses: Counter[int] = Counter()
        for counted in demo.tried[label].values():
            statuses.update(counted)
        cases = sum(statuses.values())
        fivexx = sum(n for s, n in statuses.items() if s >= 500)
        total += cases
        errors += fivexx
        shown = " ".join(f"{s}:{n}" for s, n in sorted(statuses.items()))
        lines.append(
            f"{label:<72} {cases:>6} {fivexx:>4} {demo.seconds[label]:>8.1f} "
            f"{demo.slowest[label]:>8.2f}  {shown}"
        )
    lines.append(f"{'total':<72} {total:>6} {errors:>4} {sum(demo.seconds.values()):>8.1f}")
    by_caller: Counter[str] = Counter()
    for per_caller in demo.tried.values():
        for who, counted in per_caller.items():
            by_caller[who] += sum(counted.values())
    lines.append("cases per caller: " + ", ".join(f"{w} {n}" for w, n in by_caller.items()))
    text = "\n".join(lines) + "\n"
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(text, encoding="utf-8")
    print("\n" + text)  # noqa: T201 - the figures the issue asks for, shown with -s
