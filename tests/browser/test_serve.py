"""`pathways serve` for real: gunicorn and `pathways worker` as subprocesses, production
settings (secrets from files, static files collected, hashed and compressed), on a
PostgreSQL cluster of the test's own, and one journey through it in Chromium.

The cluster is the test's own whatever the suite's DATABASE_URL (the browser stage runs
on SQLite): the server needs a database it can see outside the suite's transactions, and
the outage test stops and starts it. Without PostgreSQL's server binaries the tests skip;
under CI=true or PATHWAYS_REQUIRE_ALL they fail instead.

What it proves: the server answers /healthz and /readyz (the worker beating), serves the
static files itself with a year's caching, signs a demo user in and shows a person; with
PostgreSQL stopped every page answers the plain 503 page and the API a 503 JSON message;
started again, the next request succeeds by itself, within 10 s; SIGTERM stops it all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from playwright.sync_api import Page, expect

from pathways.setup.demo_users import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.postgres_only]

REPO = Path(__file__).resolve().parents[2]
REQUIRE_ALL = bool(os.environ.get("PATHWAYS_REQUIRE_ALL")) or os.environ.get("CI") == "true"
PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
# Generous: the machines that run the suite are small and busy.
READY_WITHIN_SECONDS = 240
RECOVERS_WITHIN_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A throwaway PostgreSQL cluster (as scripts/with-postgres.sh makes one) that can be
    stopped and started again on the same port."""

    def __init__(self) -> None:
        self.bin = PG_BINS[-1].parent
        self.root = Path(tempfile.mkdtemp(prefix="pathways-serve-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E",
                  "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        self.start()
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
             "postgres", "pathways"], check=True, capture_output=True,
        )  # fmt: skip
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/pathways"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} "
                  f"-k {self.root} -c fsync=off -c full_page_writes=off", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    log: Path
    cluster: Cluster
    person: str  # a person the demo's police analyst may open
    token: str  # the police analyst's API token

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET `url`: the status, the headers (lower-case names) and the body, errors too."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own server
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return (
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                (response.read()),
            )
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def wait_for(url: str, status: int, seconds: float, server: Server) -> float:
    """Seconds until GET `url` answered `status`; fails after `seconds`."""
    started = time.monotonic()
    last: object = None
    while time.monotonic() - started < seconds:
        if server.process.poll() is not None:
            pytest.fail(f"pathways serve stopped:\n{server.output()[-4000:]}")
        try:
            last = get(url)[0]
        except OSError as error:  # not listening yet
            last = error
        if last == status:
            return time.monotonic() - started
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer {status} in {seconds} s (last: {last})\n"
                f"{server.output()[-4000:]}")  # fmt: skip


def server_environment(tmp: Path, cluster: Cluster) -> dict[str, str]:
    """Production settings, as docs/deployment.md's environment file sets them, less the
    TLS proxy (no HTTPS redirect) and the second factor (tests/web/test_sign_in.py)."""
    for name, secret in (("secret_key", "s" * 50), ("audit_key", "a" * 64)):
        (tmp / name).write_text(secret, encoding="utf-8")
        (tmp / name).chmod(0o600)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PATHWAYS_", "DJANGO_", "SECRET_KEY", "STATIC_", "MEDIA_"))
        and k not in ("DATABASE_URL", "ALLOWED_HOSTS")
    }
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "pathways.settings",
        "PATHWAYS_ENV": "production",
        "DATABASE_URL": cluster.url,
        "SECRET_KEY_FILE": str(tmp / "secret_key"),
        "PATHWAYS_AUDIT_KEY_FILE": str(tmp / "audit_key"),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "PATHWAYS_TWO_FACTOR": "false",
        "PATHWAYS_ALERT_EMAILS": "false",
        "PATHWAYS_VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
    }


def pathways(env: dict[str, str], *args: str) -> str:
    """Run a `pathways` command as the server would; its standard output."""
    result = subprocess.run(
        [sys.executable, "-m", "pathways.cli", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, f"pathways {' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    if not PG_BINS:
        message = "PostgreSQL's server binaries are missing (apt-get install postgresql)"
        if REQUIRE_ALL:
            pytest.fail(f"{message}; PATHWAYS_REQUIRE_ALL: a failure, not a skip")
        pytest.skip(message)
    tmp = Path(tempfile.mkdtemp(prefix="pathways-serve-"))
    cluster = Cluster()
    process: subprocess.Popen[str] | None = None
    try:
        env = server_environment(tmp, cluster)
        pathways(env, "init")
        pathways(env, "demo", "--people", "200")
        token = pathways(env, "token", "create", "police").strip()
        with psycopg.connect(cluster.url) as db:
            row = db.execute(
                "SELECT p.given_name, p.family_name FROM people_person p JOIN "
                "people_agencyrecord r ON r.person_id = p.id WHERE r.agency_id = 'POLICE' "
                "AND p.given_name <> '' AND p.family_name <> '' ORDER BY p.id LIMIT 1"
            ).fetchone()
        assert row is not None
        port = _free_port()
        log = tmp / "serve.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "pathways.cli", "serve", "--bind", f"127.0.0.1:{port}",
                 "--workers", "2", "--threads", "2"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
        person = f"{row[0]} {row[1]}"
        served = Server(f"http://127.0.0.1:{port}", process, log, cluster, person, token)
        wait_for(f"{served.url}/readyz", 200, READY_WITHIN_SECONDS, served)
        yield served

        # SIGTERM stops gunicorn and the worker, gracefully, and serve says so.
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=120) == 0, served.output()[-4000:]
        assert "Stopped (SIGTERM)." in served.output()
        assert "Shutting down: Master" in served.output()
        assert subprocess.run(["pgrep", "-f", f"127.0.0.1:{port}"], check=False).returncode == 1
    finally:
        if process is not None and process.poll() is None:
            process.kill()  # its children follow it (serving.start_child)
            process.wait()
        cluster.remove()
        shutil.rmtree(tmp, ignore_errors=True)


def test_healthz_and_readyz_answer(server: Server) -> None:
    status, headers, body = get(f"{server.url}/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, headers, body = get(f"{server.url}/readyz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "worker": "ok"}}


def test_a_demo_user_signs_in_and_opens_a_person(server: Server, page: Page, screenshot) -> None:
    page.goto(f"{server.url}/login/")
    page.get_by_label("Username").fill("police")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat")
    screenshot(page, "serve-home")

    family = server.person.split()[-1]
    page.get_by_role("link", name="Find a person").first.click()
    page.get_by_label("Name, date of birth or agency reference").fill(family)
    page.get_by_role("button", name="Search").click()
    page.locator("#search-results").get_by_role("link", name=server.person).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(server.person)
    screenshot(page, "serve-person")

    # The page's style sheet: collected under a name holding its content's hash, served
    # compressed by whitenoise before any of Django's middleware, cached for a year.
    href = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert href is not None and re.search(r"\.[0-9a-f]{12}\.css$", href), href
    status, headers, body = get(f"{server.url}{href}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert "max-age=315360000" in headers["cache-control"]
    assert "immutable" in headers["cache-control"]
    assert "x-request-id" not in headers  # no page middleware ran for it
    # Under the name without the hash: still there, but cached briefly.
    plain = re.sub(r"\.[0-9a-f]{12}\.css$", ".css", href)
    status, headers, _ = get(f"{server.url}{plain}")
    assert status == 200 and "immutable" not in headers["cache-control"]


def test_postgresql_stopped_then_started_again(server: Server, page: Page, screenshot) -> None:
    page.goto(f"{server.url}/login/")
    page.get_by_label("Username").fill("police")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat")
    api = f"{server.url}/api/v1/people?q={server.person.split()[-1]}"
    bearer = {"Authorization": f"Bearer {server.token}"}
    assert get(api, **bearer)[0] == 200

    server.cluster.stop()
    try:
        response = page.goto(f"{server.url}/")
        assert response is not None and response.status == 503
        assert response.headers["retry-after"] == "10"
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Sorry, the service is unavailable"
        )
        html = page.content()
        assert "Traceback" not in html and "OperationalError" not in html
        screenshot(page, "serve-database-unavailable")
        # Drawn in the service's look: its style sheet came, the database down or not.
        assert page.evaluate(
            "() => [...document.styleSheets].some(s => s.href && s.cssRules.length > 0)"
        )

        status, headers, body = get(api, **bearer)
        assert status == 503
        assert headers["content-type"] == "application/json"
        assert headers["retry-after"] == "10"
        assert set(json.loads(body)) == {"message"}
        assert b"Traceback" not in body

        assert get(f"{server.url}/healthz")[0] == 200
        status, _, body = get(f"{server.url}/readyz")
        assert status == 503
        assert json.loads(body)["checks"]["database"] == "the database does not answer"
    finally:
        server.cluster.start()

    # Nothing restarted: the server's next requests reconnect by themselves.
    seconds = wait_for(f"{server.url}/healthz", 200, 5, server)
    home = time.monotonic()
    while True:
        response = page.goto(f"{server.url}/")
        assert response is not None
        if response.status == 200:
            break
        assert time.monotonic() - home < RECOVERS_WITHIN_SECONDS, response.status
        time.sleep(0.2)
    seconds = time.monotonic() - home
    print(f"pages answered again {seconds:.1f} s after PostgreSQL was back")  # noqa: T201
    # Still signed in: the session was in the database all along.
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Pat")
    assert get(api, **bearer)[0] == 200
    # The worker, which lost its connection too, beats again (started again if it stopped).
    wait_for(f"{server.url}/readyz", 200, 120, server)
