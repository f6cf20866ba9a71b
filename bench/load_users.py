"""The load benchmark's users (a locustfile): each role's day as a mix of page reads and
form posts, signed in as the demo users, over plain HTTP to `pathways serve`.

Run by bench/load.py, which sets:
- LOAD_TARGETS: the JSON bench/load_targets.py made (referrals to act on, people to open);
- LOAD_REQUESTS: a CSV file each request is appended to (name, milliseconds, status,
  whether it failed to connect, when it ended);
- LOAD_WRITES: a JSON-lines file each write the server said it made is appended to.

A write counts as told-succeeded only when the page the form redirects to carries the
step's success message; bench/load_targets.py `check` then looks for each in the database.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
import time
import uuid
from typing import Any

from locust import HttpUser, between, events, task

PASSWORD = "pathways-demo"  # noqa: S105 -- the demo users' published password
TARGETS: dict[str, Any] = json.loads(open(os.environ["LOAD_TARGETS"], encoding="utf-8").read())
_lock = threading.Lock()
_requests = open(os.environ["LOAD_REQUESTS"], "a", encoding="utf-8")  # noqa: SIM115
_writes = open(os.environ["LOAD_WRITES"], "a", encoding="utf-8")  # noqa: SIM115
VERSION = re.compile(r'name="version" value="(\d+)"')


@events.request.add_listener
def _log(name: str, response_time: float, response: Any, exception: Any, **_: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    with _lock:
        _requests.write(
            f"{name},{response_time:.1f},{status},{int(exception is not None)},{time.time():.3f}\n"
        )


@events.quitting.add_listener
def _close(**_: Any) -> None:
    _requests.close()
    _writes.close()


def _told(kind: str, referral: int, **more: Any) -> None:
    with _lock:
        _writes.write(json.dumps({"kind": kind, "referral": referral, **more}) + "\n")
        _writes.flush()


def _take(pool: str) -> int | None:
    """One id of a pool, never handed to two users (gevent: one thread at a time)."""
    ids = TARGETS[pool]
    return ids.pop() if ids else None


class Signed(HttpUser):
    abstract = True
    username = ""
    # Think time between steps: a worker reads a page (a person's chronology, a referral)
    # before the next click; 3 to 12 s, 7.5 s on average, a busy worker's pace.
    wait_time = between(3, 12)

    def on_start(self) -> None:
        self.client.get("/login/", name="sign in (form)")
        self.client.post(
            "/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self._csrf()},
            name="sign in",
        )

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def page(self, path: str, name: str) -> Any:
        return self.client.get(path, name=name)

    def post(self, path: str, data: dict[str, Any], name: str, done: str) -> bool:
        """Post a form; True when the page it leads to says `done`."""
        with self.client.post(
            path, {**data, "csrfmiddlewaretoken": self._csrf()}, name=name, catch_response=True
        ) as response:
            if response.status_code >= 500:
                response.failure(f"{response.status_code}")
                return False
            response.success()
            return done in response.text


class Police(Signed):
    """The police analyst: searches, opens people, reads alerts and the inbox."""

    weight = 4
    username = "police"

    @task(3)
    def search(self) -> None:
        self.page(f"/people/?q={random.choice(TARGETS['surnames'])}", "search")

    @task(4)
    def person(self) -> None:
        self.page(f"/people/{random.choice(TARGETS['police_people'])}/", "person page")

    @task(1)
    def alerts(self) -> None:
        self.page("/alerts/", "alerts")

    @task(1)
    def inbox(self) -> None:
        self.page("/referrals/", "referral inbox")

    @task(1)
    def candidates(self) -> None:
        self.page("/candidates/", "candidates")


class Adapt(Signed):
    """ADAPT's mentor: the inbox, accepting referrals, consent and contacts."""

    weight = 3
    username = "adapt"

    @task(2)
    def inbox(self) -> None:
        self.page("/referrals/", "referral inbox")

    @task(1)
    def caseload(self) -> None:
        self.page("/caseload/", "caseload")

    @task(1)
    def alerts(self) -> None:
        self.page("/alerts/", "alerts")

    @task(2)
    def accept(self) -> None:
        referral = _take("sent")
        if referral is None:
            return
        page = self.page(f"/referrals/{referral}/", "referral page")
        version = VERSION.search(page.text or "")
        if version is None:
            return
        if self.post(f"/referrals/{referral}/accept/", {"version": version.group(1), "note": ""},
                     "accept a referral", "The referral is accepted."):  # fmt: skip
            _told("accept", referral)

    @task(2)
    def consent(self) -> None:
        referral = _take("accepted")
        if referral is None:
            return
        self.page(f"/referrals/{referral}/consent/", "consent form")
        data = {"answer": "given", "on": TARGETS["on"], "method": "verbal",
                "witness": "A. Witness"}  # fmt: skip
        if self.post(f"/referrals/{referral}/consent/", data, "record consent", "is recorded"):
            _told("consent", referral)

    @task(3)
    def contact(self) -> None:
        referral = random.choice(TARGETS["engaged"])
        self.page(f"/referrals/{referral}/contacts/new/", "contact form")
        token = uuid.uuid4().hex
        data = {"on": TARGETS["on"], "attendance": "attended", "notes": f"load {token}"}
        if self.post(f"/referrals/{referral}/contacts/new/", data, "record a contact",
                     "The contact is recorded."):  # fmt: skip
            _told("contact", referral, token=token)


class SocialWorker(Signed):
    """The justice social worker: home, inbox, people, the due list."""

    weight = 2
    username = "socialworker"

    @task(1)
    def home(self) -> None:
        self.page("/", "home")

    @task(1)
    def inbox(self) -> None:
        self.page("/referrals/", "referral inbox")

    @task(2)
    def person(self) -> None:
        self.page(f"/people/{random.choice(TARGETS['cjsw_people'])}/", "person page")

    @task(1)
    def due(self) -> None:
        self.page("/casework/due/", "casework due")


class Manager(Signed):
    """The partnership manager: the outcomes dashboard."""

    weight = 1
    username = "manager"

    @task(2)
    def dashboard(self) -> None:
        self.page("/outcomes/", "outcomes dashboard")

    @task(1)
    def home(self) -> None:
        self.page("/", "home")
