"""Backups that restore: the whole database and the uploaded files (scans of signed
consent forms) copied into one folder with a manifest, and put back from it.

A backup folder holds:
- `database.dump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3` (SQLite:
  the online backup API), a consistent snapshot of the database;
- `uploads/`, every file under MEDIA_ROOT, copied after the snapshot was taken (a scan is
  added with its consent and removed only with it, by `pathways retention --apply`: so
  every file the snapshot names is there, unless retention ran during the backup);
- `manifest.json`: when, Pathways' version, the database's vendor, the latest migration
  applied per app, the row count of every table, the last access audit row, the sha256
  of every other file in the folder, and the audit key's fingerprint (never the key).

A restore checks every file against the manifest and the configured audit key against
the fingerprint before it changes anything, restores into an empty database (or, asked
explicitly, over one that holds data), counts every table again, and recomputes the
access audit's chain. docs/backups.md is the operator's guide.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from pathways.audit.chain import ChainReport, audit_key, verify_chain
from pathways.audit.log import operator_name, record_access
from pathways.audit.models import AccessEvent
from pathways.governance.progress import Progress, silent

MANIFEST = "manifest.json"
FORMAT = 1  # of the folder and its manifest; a restore refuses formats it does not know
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
UPLOADS = "uploads"
# Read and hashed a mebibyte at a time: memory stays flat however large the dump.
CHUNK = 1 << 20
SQLITE_PAGES_PER_STEP = 4096
REQUIRED = ("made_at", "pathways_version", "database", "migrations", "counts", "audit",
            "audit_key_fingerprint", "files")  # fmt: skip

# The tables an operator looks at first, in the order shown (every table is counted).
MAIN_TABLES = (
    ("people", "people.Person"),
    ("agency records", "people.AgencyRecord"),
    ("events", "events.Event"),
    ("referrals", "referrals.Referral"),
    ("referral transitions", "referrals.Transition"),
    ("consents", "referrals.Consent"),
    ("contacts", "cases.Contact"),
    ("orders", "casework.Order"),
    ("alerts", "alerts.Alert"),
    ("users", "auth.User"),
    ("audit entries", "audit.AccessEvent"),
    ("people in audit entries", "audit.AccessEventPerson"),
)


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, for the operator."""


def audit_key_fingerprint(key: bytes | None = None) -> str:
    """Which audit key this is, without saying the key: 16 hex digits of SHA-256 over a
    fixed label and the key (the label keeps the digest from being any other use of the
    key's hash)."""
    key = audit_key() if key is None else key
    return hashlib.sha256(b"pathways audit key fingerprint|" + key).hexdigest()[:16]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def main_tables() -> list[tuple[str, str]]:
    """(label, table name) of MAIN_TABLES."""
    return [(label, apps.get_model(model)._meta.db_table) for label, model in MAIN_TABLES]


def _model_tables() -> list[str]:
    """Every table the installed apps' models keep rows in (many-to-many ones too)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


# --- Backing up ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Backup:
    """A backup folder and what its manifest says."""

    folder: Path
    manifest: dict[str, Any]

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.manifest["counts"])

    @property
    def total_bytes(self) -> int:
        return sum(f["bytes"] for f in self.manifest["files"].values())


def make_backup(out: Path, *, progress: Progress = silent) -> Backup:
    """Back up the configured database and MEDIA_ROOT into the new folder `out` (which
    must not exist, or be empty); return it with its manifest. The database is copied as
    one snapshot, with the counts and migrations read from that same snapshot."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BackupError(
            f"{out} already exists and is not an empty folder: a backup never "
            "writes over another; name a new folder"
        )
    made = not out.exists()
    # Person data: readable by the account that runs Pathways only.
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out, 0o700)
    try:
        manifest = _back_up_into(out, progress)
    except BaseException:
        # A half-written backup is person data nobody will use: not left lying about.
        _empty(out, remove=made)
        raise
    # Written last: a folder without a manifest is a backup that did not finish.
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    _audit("backup", f"to {out.resolve()}", manifest)
    return Backup(out, manifest)


def _back_up_into(out: Path, progress: Progress) -> dict[str, Any]:
    """The database and the uploads copied into `out`, checksummed; the manifest."""
    vendor = connection.vendor
    if vendor == "postgresql":
        snapshot = _pg_backup(out / PG_DUMP_FILE, progress)
    elif vendor == "sqlite":
        snapshot = _sqlite_backup(out / SQLITE_FILE, progress)
    else:
        raise BackupError(f"backing up a {vendor} database is not supported")
    uploads = _copy_uploads(Path(settings.MEDIA_ROOT), out / UPLOADS, progress)
    files = _hash_files(out, [snapshot["file"], *uploads], progress)
    return {
        "format": FORMAT,
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "made_by": operator_name(),
        "pathways_version": importlib.metadata.version("pathways"),
        "database": snapshot["database"],
        "migrations": snapshot["migrations"],
        "counts": snapshot["counts"],
        "audit": {"last_seq": snapshot["audit"][0], "last_hash": snapshot["audit"][1]},
        "audit_key_fingerprint": audit_key_fingerprint(),
        "uploads": len(uploads),
        "files": files,
    }


def _empty(folder: Path, *, remove: bool) -> None:
    """Remove what a failed backup wrote into `folder` (empty when it began)."""
    if remove:
        shutil.rmtree(folder, ignore_errors=True)
        return
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def _audit(action: str, where: str, manifest: dict[str, Any]) -> None:
    """Write the backup or restore to the access audit: a copy of every person's data."""
    people = manifest["counts"].get(_table("people.Person"), 0)
    record_access(
        AnonymousUser(),
        action=action,
        allowed=True,
        purpose=f"{action} of the whole database and the uploaded files",
        detail=f"{where}; backup made {manifest['made_at']}; {people} people; "
        f"by operating-system user {operator_name()}",
        channel="cli",
    )


def _snapshot_facts(
    query: Callable[[str], list[tuple[Any, ...]]], tables: Iterable[str], quote: Callable
) -> dict[str, Any]:
    """Counts, migrations and the audit's last row, read with `query` (inside the
    snapshot the copy was made from)."""
    present = set(tables)
    counts = {t: int(query(f"SELECT COUNT(*) FROM {quote(t)}")[0][0]) for t in sorted(present)}  # noqa: S608
    migrations: dict[str, str] = {}
    for app, name in query("SELECT app, name FROM django_migrations"):
        migrations[app] = max(name, migrations.get(app, ""))
    audit_table = quote(AccessEvent._meta.db_table)
    last = query(f"SELECT seq, hash FROM {audit_table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
    return {
        "counts": counts,
        "migrations": dict(sorted(migrations.items())),
        "audit": (int(last[0][0]), str(last[0][1])) if last else (0, ""),
    }


def _pg_backup(path: Path, progress: Progress) -> dict[str, Any]:
    """pg_dump of the database in custom format, from a snapshot this connection exports
    and reads its counts in, so the counts are the dump's."""
    if connection.in_atomic_block:
        raise BackupError("a backup cannot be taken inside a transaction")
    connection.ensure_connection()
    server = connection.pg_version  # type: ignore[attr-defined]
    pg_dump = find_pg_tool("pg_dump", server // 10000)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        existing = set(connection.introspection.table_names(cursor))
        tables = [t for t in _model_tables() if t in existing]
        progress(0, len(existing), "dumping the database")
        _run_pg_tool(
            [pg_dump.path, "--format=custom", f"--snapshot={snapshot_id}", "--verbose",
             "--no-password", f"--file={path}"],
            total=len(existing),
            counts_as=("dumping contents of table",),
            what="dumping the database",
            progress=progress,
        )  # fmt: skip

        def query(sql: str) -> list[tuple[Any, ...]]:
            cursor.execute(sql)
            return list(cursor.fetchall())

        facts = _snapshot_facts(query, tables, connection.ops.quote_name)
    facts["database"] = {
        "vendor": "postgresql",
        "file": PG_DUMP_FILE,
        "server_version": _pg_version_text(server),
        "pg_dump": pg_dump.version,
    }
    facts["file"] = PG_DUMP_FILE
    return facts


def _sqlite_backup(path: Path, progress: Progress) -> dict[str, Any]:
    """SQLite's online backup API from the open connection (a consistent copy even while
    others write), then the counts read from the copy itself."""
    connection.ensure_connection()
    source: sqlite3.Connection = connection.connection  # type: ignore[assignment]

    def step(status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total, "copying the database")

    copy = sqlite3.connect(path)
    try:
        source.backup(copy, pages=SQLITE_PAGES_PER_STEP, progress=step)
        # One self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        existing = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        tables = [t for t in _model_tables() if t in existing]
        facts = _snapshot_facts(
            lambda sql: copy.execute(sql).fetchall(), tables, connection.ops.quote_name
        )
    finally:
        copy.close()
    facts["database"] = {
        "vendor": "sqlite",
        "file": SQLITE_FILE,
        "server_version": sqlite3.sqlite_version,
    }
    facts["file"] = SQLITE_FILE
    return facts


def _media_files(root: Path) -> list[Path]:
    """Every regular file under `root`, relative to it, in a stable order (symbolic
    links are not followed: an upload is always a file Pathways wrote)."""
    if not root.is_dir():
        return []
    found = []
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root))
    return sorted(found)


def _copy_uploads(root: Path, into: Path, progress: Progress) -> list[str]:
    """Copy every file under MEDIA_ROOT into the backup; their paths in the backup."""
    files = _media_files(root)
    copied = []
    for n, relative in enumerate(files):
        target = into / relative
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copy2(root / relative, target)
        copied.append(f"{UPLOADS}/{relative.as_posix()}")
        progress(n + 1, len(files), "copying the uploaded files")
    return copied


def _hash_files(folder: Path, names: list[str], progress: Progress) -> dict[str, dict[str, Any]]:
    files = {}
    for n, name in enumerate(names):
        path = folder / name
        files[name] = {"sha256": sha256_of(path), "bytes": path.stat().st_size}
        progress(n + 1, len(names), "checksums")
    return files


# --- PostgreSQL's own tools --------------------------------------------------------------


@dataclass(frozen=True)
class PgTool:
    path: str
    major: int
    version: str


def _pg_version_text(number: int) -> str:
    return f"{number // 10000}.{number % 10000}"


def _tool_version(path: str) -> tuple[int, str] | None:
    try:
        said = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.(\d+))?", said)
    return (int(found.group(1)), found.group(0)) if found else None


def find_pg_tool(name: str, server_major: int) -> PgTool:
    """`pg_dump` or `pg_restore` for a server of major version `server_major`: the same
    major version if installed (Debian keeps each under /usr/lib/postgresql/N/bin), else
    the oldest newer one, on PATH or there (an older one refuses a newer server)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    on_path = shutil.which(name)
    if on_path:
        candidates.append(on_path)
    usable = []
    for path in candidates:
        version = _tool_version(path)
        if version and version[0] >= server_major:
            usable.append(PgTool(path, version[0], version[1]))
    if not usable:
        raise BackupError(
            f"{name} for PostgreSQL {server_major} or newer was not found on PATH or under "
            f"/usr/lib/postgresql (Debian: apt-get install postgresql-client-{server_major})"
        )
    return min(usable, key=lambda tool: (tool.major != server_major, tool.major))


def pg_environment() -> dict[str, str]:
    """The environment for PostgreSQL's tools to reach the configured database: libpq's
    variables, the password among them (never on a command line, where `ps` shows it)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile"):
        if options.get(key):
            env[f"PG{key.upper()}"] = str(options[key])
    return env


def _run_pg_tool(
    args: list[str], *, total: int, counts_as: tuple[str, ...], what: str, progress: Progress
) -> None:
    """Run pg_dump or pg_restore with --verbose, moving `progress` on at each line that
    starts one of `counts_as`; raise BackupError with its own error lines if it fails."""
    tool = Path(args[0]).name
    process = subprocess.Popen(
        args, env=pg_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    done, errors = 0, []
    for line in process.stderr:
        said = line.removeprefix(f"{tool}: ").strip()
        if said.startswith(counts_as):
            done = min(done + 1, total)
            progress(done, total, what)
        elif "error" in said.lower() or "fatal" in said.lower() or "warning" in said.lower():
            errors.append(said)
    if process.wait() != 0:
        told = "\n  ".join(errors[-10:]) or "(it said nothing more)"
        raise BackupError(f"{tool} failed (exit status {process.returncode}):\n  {told}")


# --- Restoring -----------------------------------------------------------------------------


def read_backup(folder: Path) -> Backup:
    """The backup in `folder`, its manifest read and its form checked (not its files)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(
            f"{folder} is not a folder: name the folder `pathways backup --out` wrote"
        )
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} has no {MANIFEST}: it is not a backup, or its backup did not finish"
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} is not a manifest this version of Pathways reads "
            f"(format {manifest.get('format') if isinstance(manifest, dict) else '?'}, "
            f"expected {FORMAT})"
        )
    missing = [k for k in REQUIRED if k not in manifest]
    if missing or manifest["database"].get("file") not in manifest["files"]:
        raise BackupError(
            f"{path} lacks {', '.join(missing) or 'its database file'}: it is "
            "damaged, or not a manifest `pathways backup` wrote"
        )
    for name in manifest["files"]:
        if not _inside_backup(name):
            raise BackupError(
                f"{path} names a file outside the backup folder ({name!r}): "
                "not a manifest `pathways backup` wrote"
            )
    return Backup(folder, manifest)


def _inside_backup(name: str) -> bool:
    """A manifest names files inside its folder only: relative, no `..`, and (uploads
    aside) the database's file. A manifest that names others would have the restore read
    or write outside the backup and MEDIA_ROOT."""
    parts = Path(name).parts
    if not parts or Path(name).is_absolute() or ".." in parts or "\\" in name:
        return False
    return name in (PG_DUMP_FILE, SQLITE_FILE) or (parts[0] == UPLOADS and len(parts) > 1)


def check_files(backup: Backup, progress: Progress = silent) -> None:
    """Every file the manifest lists is there with its checksum, and nothing else is."""
    listed: dict[str, dict[str, Any]] = backup.manifest["files"]
    present = {
        p.relative_to(backup.folder).as_posix()
        for p in backup.folder.rglob("*")
        if p.is_file() or p.is_symlink()
    } - {MANIFEST}
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(
            f"{backup.folder} holds files its manifest does not list "
            f"({', '.join(extra[:5])}): not the backup as it was written"
        )
    for n, (name, expected) in enumerate(sorted(listed.items())):
        path = backup.folder / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup in {backup.folder}")
        if sha256_of(path) != expected["sha256"]:
            raise BackupError(
                f"{name} in {backup.folder} is not the file that was backed up "
                "(its sha256 differs from the manifest's): the backup is "
                "damaged or was changed"
            )
        progress(n + 1, len(listed), "checking the backup's files")


def check_audit_key(backup: Backup) -> bool:
    """True when the configured audit key is the one the backup's audit was chained with."""
    return audit_key_fingerprint() == backup.manifest["audit_key_fingerprint"]


def unknown_migrations(backup: Backup) -> list[str]:
    """The backup's latest migrations this version of Pathways does not have: the backup
    is of a newer version."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return [
        f"{app}.{name}"
        for app, name in backup.manifest["migrations"].items()
        if (app, name) not in known
    ]


@dataclass
class RestoreReport:
    """What a restore did and found, compared with the backup's manifest."""

    backup: Backup
    counts: dict[str, int | None]  # table: rows now (None: the table is not there)
    audit: ChainReport
    audit_tail: tuple[int, str]
    key_differs: bool
    uploads_restored: int
    uploads_left: list[str] = field(default_factory=list)  # in MEDIA_ROOT, not in the backup
    migrations_to_apply: list[str] = field(default_factory=list)

    @property
    def differing_counts(self) -> dict[str, tuple[int, int | None]]:
        """table: (in the backup, restored), for every table whose count differs."""
        expected = self.backup.counts
        return {t: (n, self.counts.get(t)) for t, n in expected.items() if self.counts.get(t) != n}

    @property
    def audit_tail_matches(self) -> bool:
        audit = self.backup.manifest["audit"]
        return self.audit_tail == (audit["last_seq"], audit["last_hash"])

    @property
    def ok(self) -> bool:
        """Everything restored as it was backed up, and (unless the operator accepted a
        different key) the access audit's chain verified."""
        chain_ok = self.audit.ok or self.key_differs
        return not self.differing_counts and self.audit_tail_matches and chain_ok


def _target_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _upload_conflicts(backup: Backup, root: Path) -> list[str]:
    """The backup's uploads that MEDIA_ROOT already holds with other content."""
    conflicts = []
    for name, expected in backup.manifest["files"].items():
        if not name.startswith(f"{UPLOADS}/"):
            continue
        target = root / name.removeprefix(f"{UPLOADS}/")
        if target.exists() and (not target.is_file() or sha256_of(target) != expected["sha256"]):
            conflicts.append(name.removeprefix(f"{UPLOADS}/"))
    return conflicts


def restore_backup(
    folder: Path,
    *,
    replace_existing: bool = False,
    accept_different_audit_key: bool = False,
    progress: Progress = silent,
) -> RestoreReport:
    """Restore the backup in `folder` into the configured database and MEDIA_ROOT.

    Refuses, changing nothing, when: a file is missing, extra or altered; the backup is
    of another database vendor or of a newer Pathways; the configured audit key is not
    the backup's (unless `accept_different_audit_key`); the database already has tables
    or MEDIA_ROOT holds other files under the backup's names (unless `replace_existing`).
    Then restores, counts every table, and verifies the access audit's chain.
    """
    backup = read_backup(folder)
    vendor = backup.manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"this backup is of a {_vendor_name(vendor)} database; the "
            f"configured database (DATABASE_URL) is {_vendor_name(connection.vendor)}: "
            "restore it into a database of the same kind"
        )
    check_files(backup, progress)
    key_differs = not check_audit_key(backup)
    if key_differs and not accept_different_audit_key:
        raise BackupError(
            f"the audit key configured here (fingerprint {audit_key_fingerprint()}) is not the "
            f"key this backup's access audit was chained with (fingerprint "
            f"{backup.manifest['audit_key_fingerprint']}), so `pathways audit verify` could "
            "not prove the restored audit untouched. Configure the original key "
            "(PATHWAYS_AUDIT_KEY or PATHWAYS_AUDIT_KEY_FILE), or pass "
            "--accept-different-audit-key to restore anyway"
        )
    newer = unknown_migrations(backup)
    if newer:
        raise BackupError(
            f"this backup was made by a newer Pathways ({backup.manifest['pathways_version']}; "
            f"migrations unknown here: {', '.join(newer)}): install that version "
            "or a later one, then restore"
        )
    if not replace_existing and not _target_is_empty():
        raise BackupError(
            f"the configured database ({_describe_target()}) already has tables: a restore "
            "goes into an empty database. Create a new one and point DATABASE_URL at it, or "
            "pass --replace-existing to replace what it holds with the backup (everything "
            "in it now is lost)"
        )
    media = Path(settings.MEDIA_ROOT)
    conflicts = _upload_conflicts(backup, media)
    if conflicts and not replace_existing:
        raise BackupError(
            f"MEDIA_ROOT ({media}) already holds other files under the names of "
            f"the backup's uploads ({', '.join(conflicts[:5])}): empty it, or pass "
            "--replace-existing to overwrite them"
        )

    if vendor == "postgresql":
        _pg_restore(backup, replace_existing, progress)
    else:
        _sqlite_restore(backup, progress)
    restored, left = _restore_uploads(backup, media, progress)
    report = _recount(backup, key_differs, progress)
    report.uploads_restored, report.uploads_left = restored, left
    if report.ok:
        _audit("restore", f"from {backup.folder.resolve()}", backup.manifest)
    return report


def _vendor_name(vendor: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(vendor, vendor)


def _describe_target() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(db["NAME"])
    return f"{db.get('NAME')} on {db.get('HOST') or 'the local server'}"


def _pg_restore(backup: Backup, replace_existing: bool, progress: Progress) -> None:
    """pg_restore in one transaction: all of it or none. Into an empty database nothing
    meets the audit's triggers (they are created after the rows are in); over an existing
    one, --clean drops each table first, which no row or TRUNCATE trigger sees."""
    connection.ensure_connection()
    pg_restore = find_pg_tool("pg_restore", connection.pg_version // 10000)  # type: ignore[attr-defined]
    dump = backup.folder / backup.manifest["database"]["file"]
    listing = subprocess.run(
        [pg_restore.path, "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError(f"pg_restore cannot read {dump}: {listing.stderr.strip()}")
    entries = sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))
    clean = ["--clean", "--if-exists"] if replace_existing else []
    # Owners and grants name roles of the old server, which the new one may not have:
    # the objects belong to the account that restores them.
    connection.close()
    progress(0, entries, "restoring the database")
    _run_pg_tool(
        [pg_restore.path, "--verbose", "--no-password", "--single-transaction",
         "--exit-on-error", "--no-owner", "--no-privileges", *clean,
         f"--dbname={connection.settings_dict['NAME']}", str(dump)],
        total=entries,
        counts_as=("creating ", "processing data for table", "dropping ", "executing "),
        what="restoring the database",
        progress=progress,
    )  # fmt: skip
    progress(entries, entries, "restoring the database")
    # The planner's statistics are not in a dump: gathered now, not at the first slow page.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _sqlite_restore(backup: Backup, progress: Progress) -> None:
    """SQLite's backup API from the backup's file into the configured file: the whole
    database replaced at once."""
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("the configured SQLite database is in memory: restore into a file")
    connection.close()
    source = sqlite3.connect(
        f"file:{backup.folder / backup.manifest['database']['file']}?mode=ro", uri=True
    )
    target = sqlite3.connect(name, timeout=5)

    def step(status: int, remaining: int, total: int) -> None:
        progress(total - remaining, total, "restoring the database")

    try:
        # Out of write-ahead logging while the pages are replaced (the page size may then
        # follow the backup's); Pathways' connections turn it on again (settings.py).
        target.execute("PRAGMA journal_mode=DELETE")
        source.backup(target, pages=SQLITE_PAGES_PER_STEP, progress=step)
    except sqlite3.OperationalError as error:
        raise BackupError(
            f"the SQLite database {name} could not be written ({error}): stop "
            "Pathways' server and worker while restoring"
        ) from error
    finally:
        target.close()
        source.close()


def _restore_uploads(backup: Backup, media: Path, progress: Progress) -> tuple[int, list[str]]:
    names = sorted(n for n in backup.manifest["files"] if n.startswith(f"{UPLOADS}/"))
    theirs = {n.removeprefix(f"{UPLOADS}/") for n in names}
    left = [p.as_posix() for p in _media_files(media) if p.as_posix() not in theirs]
    for n, name in enumerate(names):
        target = media / name.removeprefix(f"{UPLOADS}/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backup.folder / name, target)
        if sha256_of(target) != backup.manifest["files"][name]["sha256"]:
            raise BackupError(f"{target} was not written as backed up: check the disk")
        progress(n + 1, len(names), "restoring the uploaded files")
    return len(names), left


def _recount(backup: Backup, key_differs: bool, progress: Progress) -> RestoreReport:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        counts: dict[str, int | None] = {}
        for table in backup.counts:
            if table in existing:
                cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
                counts[table] = int(cursor.fetchone()[0])
            else:
                counts[table] = None
        audit_table = quote(AccessEvent._meta.db_table)
        cursor.execute(f"SELECT seq, hash FROM {audit_table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        last = cursor.fetchone()
    total = counts.get(AccessEvent._meta.db_table) or 0
    audit = verify_chain(lambda done: progress(done, total, "verifying the access audit"))
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return RestoreReport(
        backup=backup,
        counts=counts,
        audit=audit,
        audit_tail=(int(last[0]), str(last[1])) if last else (0, ""),
        key_differs=key_differs,
        uploads_restored=0,
        migrations_to_apply=[f"{m.app_label}.{m.name}" for m, _backwards in plan],
    )
