"""`pathways backup --out DIR` and `pathways restore DIR`: a backup restored into a fresh
database of the same kind (a new SQLite file, or a new database on the same PostgreSQL
server) is the database backed up — every table's count, a person's page for the same
user, `pathways audit verify`, and the consent scan's bytes — and a restore refuses,
changing nothing, a backup it cannot trust or a database that already holds data.

The backup is taken in this process, from the test's own database; the restore, the
audit check and the restored person page each run as a separate `pathways` process with
DATABASE_URL naming the fresh database, as an operator would run them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone

from pathways.audit.chain import audit_key
from pathways.audit.log import record_access
from pathways.governance.backups import MANIFEST, audit_key_fingerprint, sha256_of
from pathways.referrals.actions import do_record_consent
from pathways.referrals.models import Consent
from tests.world import build_world, refer

REPO = Path(__file__).resolve().parents[2]
PATHWAYS = str(REPO / ".venv" / "bin" / "pathways")
# A one-page PDF, as a scanner would make one (small, but a real PDF's shape).
SCAN = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
AUDIT_TABLES = ("sharing_accessevent", "sharing_accesseventperson")

pytestmark = pytest.mark.django_db(transaction=True)


# --- A fresh database of the kind under test ---------------------------------------------


class FreshDatabases:
    """New, empty databases of the test database's kind: SQLite files in a folder, or
    databases created on the same PostgreSQL server (dropped at the end)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made: list[str] = []

    def _admin(self, sql: str) -> None:
        import psycopg

        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
            password=db["PASSWORD"] or None, dbname="postgres", autocommit=True,
        ) as admin:  # fmt: skip
            admin.execute(sql)

    def new(self) -> str:
        """The URL of a new, empty database."""
        name = f"restored_{uuid.uuid4().hex[:12]}"
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.folder / name}.sqlite3"
        self._admin(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        db = connection.settings_dict
        password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
        host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        return f"postgres://{quote(db['USER'], safe='')}{password}@{host}/{name}"

    def drop_all(self) -> None:
        for name in self.made:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[FreshDatabases]:
    databases = FreshDatabases(tmp_path)
    yield databases
    databases.drop_all()


def query(url: str, sql: str) -> list[tuple[Any, ...]]:
    """Rows of one query on the database at `url`, read from outside Django."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def tables_of(url: str) -> set[str]:
    if url.startswith("sqlite"):
        rows = query(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = query(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {r[0] for r in rows}


def counts_of(url: str, tables: list[str]) -> dict[str, int]:
    return {t: query(url, f'SELECT COUNT(*) FROM "{t}"')[0][0] for t in tables}  # noqa: S608


def pathways(
    url: str, media: Path, *args: str, key: str | None = None
) -> subprocess.CompletedProcess:
    """`pathways ARGS…` as a separate process against the database at `url`, uploads in
    `media`, and the audit key `key` (default: this run's)."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PATHWAYS_ENV": "test",
        "PATHWAYS_VAR_DIR": str(media.parent / "var"),
        "MEDIA_ROOT": str(media),
        "PATHWAYS_AUDIT_KEY": key or audit_key().decode(),
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "pathways.settings",
    }
    command = [PATHWAYS, *args] if args[0] != "-c" else [sys.executable, *args]
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)


# A person's page for one user, rendered by the restored installation.
PAGE = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username=sys.argv[1]))
response = client.get(sys.argv[2])
sys.stdout.write(f"{response.status_code}\\n{response.content.decode()}")
"""


def comparable(html: str) -> str:
    """The page without what differs on every request by design (the CSRF token)."""
    return re.sub(r'(csrfmiddlewaretoken" value=|csrf-token" content=)"[^"]*"', r"\1", html)


# --- The partnership backed up ----------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    """This test's own MEDIA_ROOT (others' uploads stay out of its backup)."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def partnership(config_loaded: None, media: Path) -> dict[str, Any]:
    """tests.world's people, events and users, a referral of Morgan Hidden to ADAPT with
    consent on a signed form (its scan uploaded), and ADAPT's worker's look at Morgan's
    page in the audit; the page as rendered then."""
    world = build_world()
    accepted = refer(world.hidden, "POLICE", "ADAPT", dt.date(2024, 5, 1), state="accepted")
    scan = SimpleUploadedFile("signed.pdf", SCAN, content_type="application/pdf")
    do_record_consent(
        world.adapt, accepted, given=True, on=timezone.localdate(), method="signed_form", scan=scan
    )
    client = Client()
    client.force_login(world.police)
    client.get(f"/people/{world.referred.pk}/")
    client.get("/people/?q=Hidden")
    client.force_login(world.adapt)
    page = client.get(f"/people/{world.hidden.pk}/")
    assert page.status_code == 200
    return {"world": world, "page": page.content.decode(), "scan": Consent.objects.get().scan.name}


def backup_of_this_database(out: Path) -> dict[str, Any]:
    call_command("backup", out=out, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def this_database_counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[table] = cursor.fetchone()[0]
    return found


# --- The restore is the database backed up ----------------------------------------------


def test_a_restored_backup_is_the_database_backed_up(
    partnership: dict[str, Any], media: Path, fresh: FreshDatabases, tmp_path: Path
) -> None:
    world = partnership["world"]
    tables = sorted(t for t in connection.introspection.table_names() if t != "django_migrations")
    before = this_database_counts(tables)
    manifest = backup_of_this_database(tmp_path / "backup")
    assert before["people_person"] == 3 and before["sharing_consent"] == 1
    assert before["sharing_accessevent"] >= 3  # the looks above, audited
    assert {t: manifest["counts"][t] for t in tables} == before
    assert manifest["audit_key_fingerprint"] == audit_key_fingerprint()
    assert audit_key().decode() not in (tmp_path / "backup" / MANIFEST).read_text()

    url = fresh.new()
    restored_media = tmp_path / "restored" / "uploads"
    done = pathways(url, restored_media, "restore", str(tmp_path / "backup"))
    assert done.returncode == 0, done.stderr
    assert "The access audit is intact" in done.stdout
    assert "DIFFERS" not in done.stdout

    after = counts_of(url, tables)
    # The restore is itself audited: one row more, chained after the backup's last.
    assert after["sharing_accessevent"] == before["sharing_accessevent"] + 1
    assert {t: n for t, n in after.items() if t != "sharing_accessevent"} == {
        t: n for t, n in before.items() if t != "sharing_accessevent"
    }
    assert query(url, "SELECT action FROM sharing_accessevent ORDER BY seq DESC LIMIT 1") == [
        ("restore",)
    ]
    verified = pathways(url, restored_media, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert f"{before['sharing_accessevent'] + 1} event(s) checked" in verified.stdout

    assert (restored_media / partnership["scan"]).read_bytes() == SCAN

    shown = pathways(url, restored_media, "-c", PAGE, "adapt", f"/people/{world.hidden.pk}/")
    assert shown.returncode == 0, shown.stderr
    status, _, html = shown.stdout.partition("\n")
    assert status == "200"
    assert "Robbery" in html  # the offence ADAPT sees under the consented referral
    assert comparable(html) == comparable(partnership["page"])


# --- Refusals: nothing changed, a reason, exit status 1 ---------------------------------


@pytest.fixture
def backup(config_loaded: None, media: Path, tmp_path: Path) -> Path:
    """A backup of the Glasgow configuration, one uploaded file and one audit entry."""
    record_access(AnonymousUser(), action="search", allowed=True, detail="a look to chain")
    (media / "consent-forms").mkdir(parents=True)
    (media / "consent-forms" / "signed.pdf").write_bytes(SCAN)
    backup_of_this_database(tmp_path / "backup")
    return tmp_path / "backup"


def test_a_restore_with_another_audit_key_is_refused_unless_accepted(
    backup: Path, fresh: FreshDatabases, tmp_path: Path
) -> None:
    url = fresh.new()
    media = tmp_path / "restored" / "uploads"
    refused = pathways(url, media, "restore", str(backup), key="another-key")
    assert refused.returncode == 1
    assert "fingerprint" in refused.stderr and "Traceback" not in refused.stderr
    assert audit_key_fingerprint(b"another-key") in refused.stderr
    assert tables_of(url) == set() and not media.exists()

    accepted = pathways(
        url, media, "restore", str(backup), "--accept-different-audit-key", key="another-key"
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "cannot be verified with the audit key configured here" in accepted.stdout
    assert (media / "consent-forms" / "signed.pdf").read_bytes() == SCAN


def test_a_damaged_file_is_refused(backup: Path) -> None:
    scan = backup / "uploads" / "consent-forms" / "signed.pdf"
    scan.write_bytes(SCAN.replace(b"595", b"596"))
    with pytest.raises(CommandError, match=r"uploads/consent-forms/signed.pdf .* sha256 differs"):
        call_command("restore", backup)
    scan.write_bytes(SCAN)
    database = next(p for p in backup.iterdir() if p.name.startswith("database."))
    with database.open("r+b") as handle:
        handle.seek(2000)
        byte = handle.read(1)
        handle.seek(2000)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(CommandError, match=rf"{database.name} .* sha256 differs"):
        call_command("restore", backup)


def test_a_missing_or_extra_file_is_refused(backup: Path) -> None:
    (backup / "uploads" / "stray.txt").write_text("not backed up")
    with pytest.raises(CommandError, match=r"does not list \(uploads/stray.txt\)"):
        call_command("restore", backup)
    (backup / "uploads" / "stray.txt").unlink()
    (backup / "uploads" / "consent-forms" / "signed.pdf").unlink()
    with pytest.raises(CommandError, match=r"uploads/consent-forms/signed.pdf is missing"):
        call_command("restore", backup)


def test_a_database_that_holds_data_is_refused(backup: Path) -> None:
    """This test's database has every table: the restore must not touch it."""
    people = this_database_counts(["partners_agency"])
    with pytest.raises(CommandError, match="already has tables.*--replace-existing"):
        call_command("restore", backup)
    assert this_database_counts(["partners_agency"]) == people


def test_a_backup_of_another_vendor_is_refused(backup: Path) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    manifest["database"]["vendor"] = other
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="database of the same kind"):
        call_command("restore", backup)


def test_a_backup_of_a_newer_pathways_is_refused(backup: Path) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["migrations"]["referrals"] = "9999_from_the_future"
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match=r"newer Pathways .*referrals.9999_from_the_future"):
        call_command("restore", backup)


def test_a_folder_that_is_not_a_backup_is_refused_plainly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never.sqlite3'}"
    missing = pathways(url, tmp_path / "uploads", "restore", str(tmp_path / "nowhere"))
    assert missing.returncode == 1
    assert "is not a folder" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "database.sqlite3").write_bytes(b"")
    with pytest.raises(CommandError, match="no manifest.json: .* did not finish"):
        call_command("restore", tmp_path / "half")


def test_a_backup_never_writes_over_another(backup: Path) -> None:
    manifest = (backup / MANIFEST).read_bytes()
    with pytest.raises(CommandError, match="not an empty folder"):
        call_command("backup", out=backup)
    assert (backup / MANIFEST).read_bytes() == manifest


def test_the_backup_is_readable_by_its_owner_only(backup: Path) -> None:
    assert backup.stat().st_mode & 0o077 == 0


def test_a_manifest_that_names_files_outside_the_backup_is_refused(
    backup: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not the backup's")
    manifest = json.loads((backup / MANIFEST).read_text())
    name = f"uploads/../../{outside.name}"
    manifest["files"][name] = {"sha256": sha256_of(outside), "bytes": outside.stat().st_size}
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="names a file outside the backup folder"):
        call_command("restore", backup)


def test_a_backup_that_fails_leaves_nothing_behind(
    config_loaded: None, media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (media / "consent-forms").mkdir(parents=True)
    (media / "consent-forms" / "signed.pdf").write_bytes(SCAN)

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pathways.governance.backups._hash_files", disk_full)
    with pytest.raises(CommandError, match="No space left"):
        call_command("backup", out=tmp_path / "new")
    assert not (tmp_path / "new").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="No space left"):
        call_command("backup", out=tmp_path / "empty")
    assert list((tmp_path / "empty").iterdir()) == []
