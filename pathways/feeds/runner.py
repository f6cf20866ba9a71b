"""Running an import: read, validate, de-duplicate, write, and record the run.

Two phases, so that a key seen twice with different content can reject *both* rows
before either is written: the first streams the file, validates each row and keeps
only keys and content hashes in memory, handing good rows to a sink; the second has
the sink write them (docs/decisions/0002-import-pipeline.md). Memory stays flat
whatever the file size.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from django.db import connection
from django.utils import timezone

from pathways.feeds.after_import import AfterImport, after_import
from pathways.feeds.casework import SPECS as CASEWORK_SPECS
from pathways.feeds.csvfile import CsvSource, FileRefused
from pathways.feeds.events import EventsSpec
from pathways.feeds.models import ImportRun, RejectedRow
from pathways.feeds.people import PeopleSpec
from pathways.feeds.quarantine import LEADING, quarantine_columns, quarantine_rows
from pathways.feeds.referrals import ReferralsSpec
from pathways.feeds.sinks import Progress, Sink, SpoolSink, StagingSink, conflict_reason
from pathways.feeds.specs import Codes, Pending, RowInvalid, RowSpec, content_hash
from pathways.feeds.staging import give_temporary_tables_memory

KINDS = ("people", "events", "referrals", *CASEWORK_SPECS)
BATCH_SIZE = 5000
_SPECS: dict[str, Any] = {
    "people": PeopleSpec, "events": EventsSpec, "referrals": ReferralsSpec, **CASEWORK_SPECS,
}  # fmt: skip


def spec_for(kind: str, codes: Codes | None = None, *, defer_linking: bool = False) -> RowSpec:
    """The format of `kind` (people, events or referrals), checking against `codes`; with
    `defer_linking`, people's records are stored unmatched (for `pathways link`)."""
    if kind not in _SPECS:
        raise ValueError(f"unknown import kind {kind!r} (one of: {', '.join(KINDS)})")
    codes = codes or Codes.load()
    options = {"link": not defer_linking} if kind == "people" else {}
    spec: RowSpec = _SPECS[kind](codes, **options)
    return spec


class _RejectSink:
    """Stores rejected rows in the database as they are found, a thousand at a time."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.pending: list[RejectedRow] = []
        self.count = 0

    def __call__(self, line: int, column: str, reason: str, row: dict[str, str]) -> None:
        self.pending.append(
            RejectedRow(run=self.run, line=line, column=column, reason=reason[:500], row=row)
        )
        self.count += 1
        if len(self.pending) >= 1000:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            RejectedRow.objects.bulk_create(self.pending)
            self.pending = []


def _printable(row: dict[str, str]) -> dict[str, str]:
    # Undecodable bytes are kept as \\x.. escapes, and a NUL as \\x00, so the stored row
    # stays valid text (PostgreSQL's text and jsonb cannot hold a NUL).
    return {
        k: v.encode("utf-8", "surrogateescape")
        .decode("utf-8", "backslashreplace")
        .replace("\x00", "\\x00")
        for k, v in row.items()
    }


def _batch_size() -> int:
    return int(os.environ.get("PATHWAYS_IMPORT_BATCH_SIZE") or BATCH_SIZE)


@dataclass
class ImportOutcome:
    """An import of several files: a run for each file read, why any file was refused
    whole, and what followed (`feeds.after_import`)."""

    runs: list[ImportRun] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    after: AfterImport = AfterImport()

    def total(self, count: str) -> int:
        """A count summed over the runs: rows_read, created, updated, unchanged, rejected."""
        return sum(getattr(run, count) for run in self.runs)


def import_files(
    kind: str,
    paths: list[Path],
    *,
    user: Any = None,
    operator: str = "",
    progress_for: Callable[[Path], Progress] | None = None,
    announce: Callable[[str], object] | None = None,
    defer_linking: bool = False,
) -> ImportOutcome:
    """Import interchange files of `kind` (people, events or referrals), one run each, then
    do what follows an import once (`feeds.after_import`). A file refused whole is named in
    `refused` and the others are still imported. `progress_for(path)` gives the progress
    callback of a file's import; `announce` is told of each step after the files."""
    outcome = ImportOutcome()
    for path in paths:
        try:
            outcome.runs.append(
                _import_one(
                    kind,
                    path,
                    user=user,
                    operator=operator,
                    defer_linking=defer_linking,
                    progress=progress_for(path) if progress_for else None,
                )  # fmt: skip
            )
        except FileRefused as exc:
            outcome.refused.append(str(exc))
    outcome.after = after_import(kind, outcome.runs, announce)
    return outcome


def import_file(
    kind: str,
    path: Path,
    *,
    user: Any = None,
    operator: str = "",
    progress: Progress | None = None,
    defer_linking: bool = False,
) -> ImportRun:
    """Import one interchange file of `kind` (people, events or referrals), then do what
    follows an import (`feeds.after_import`).

    Returns the finished `ImportRun` with its counts. A file refused whole raises
    `FileRefused` after recording the run as failed with the reason.
    """
    outcome = import_files(
        kind, [path], user=user, operator=operator, defer_linking=defer_linking,
        progress_for=(lambda _: progress) if progress else None,
    )  # fmt: skip
    if outcome.refused:
        raise FileRefused(outcome.refused[0])
    return outcome.runs[0]


def _import_one(
    kind: str,
    path: Path,
    *,
    user: Any,
    operator: str,
    progress: Progress | None,
    defer_linking: bool,
) -> ImportRun:
    with _one_events_import_at_a_time(kind):
        return _import_file(
            kind, path, user=user, operator=operator, progress=progress,
            defer_linking=defer_linking,
        )  # fmt: skip


# Any constant: the PostgreSQL advisory lock events imports take in turn.
EVENTS_IMPORT_LOCK = 7_411_930_224


@contextmanager
def _one_events_import_at_a_time(kind: str) -> Iterator[None]:
    """Events imports take turns. The alert scan and incremental identification mark
    their progress by the highest event id seen: two imports committing out of id order
    could hide events from them. In turn, ids are committed in order."""
    if kind != "events" or connection.vendor != "postgresql":
        yield  # SQLite: one writer at a time already
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [EVENTS_IMPORT_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [EVENTS_IMPORT_LOCK])


def _import_file(
    kind: str,
    path: Path,
    *,
    user: Any,
    operator: str,
    progress: Progress | None,
    defer_linking: bool,
) -> ImportRun:
    spec = spec_for(kind, defer_linking=defer_linking)
    give_temporary_tables_memory()
    run = ImportRun.objects.create(
        kind=kind,
        file_name=str(path),
        operator=operator,
        user=user if getattr(user, "pk", None) else None,
    )
    try:
        source = CsvSource(Path(path), spec.columns, spec.required)
    except (FileRefused, OSError) as exc:
        _finish(run, ImportRun.Status.FAILED, error=str(exc))
        raise FileRefused(str(exc)) from exc

    reject = _RejectSink(run)
    read = duplicates = 0
    # Keys and hashes of rows so far, where the sink does not find repeats itself.
    seen: dict[tuple[str, ...], str] = {}
    conflicts: set[tuple[str, ...]] = set()
    # Exact repeats set aside, in case a later row of their key conflicts: then they
    # are rejected with it rather than counted unchanged.
    repeats: dict[tuple[str, ...], list[tuple[int, dict[str, str]]]] = {}
    sink = _sink(spec, Path(path), run.pk)
    try:
        with source:
            copied = _stage_by_copy(spec, source, sink, reject, progress)
            if copied is not None:
                read, duplicates = copied  # rows re-sent as they were count as unchanged
            for row in source if copied is None else ():
                read += 1
                if row.problem:
                    reject(row.line, row.problem[0], row.problem[1], _printable(row.values))
                    continue
                try:
                    key, clean = spec.clean(row.values)
                except RowInvalid as exc:
                    reason = "; ".join(f"{c}: {r}" for c, r in exc.problems)
                    reject(row.line, exc.problems[0][0], reason, row.values)
                    continue
                digest = content_hash(clean)
                if not sink.finds_repeats:
                    earlier = seen.get(key)
                    if earlier is not None:
                        if key in conflicts or earlier != digest:
                            conflicts.add(key)
                            reject(row.line, spec.key_column, conflict_reason(key), row.values)
                        else:
                            duplicates += 1  # the same row twice counts once
                            repeats.setdefault(key, []).append((row.line, row.values))
                        continue
                    seen[key] = digest
                sink.add(Pending(row.line, key, clean, row.values, digest))
                if progress and read % 5000 == 0:
                    progress(source.bytes_read, source.size, "checking")
        for key in conflicts & repeats.keys():
            for line, values in repeats[key]:
                reject(line, spec.key_column, conflict_reason(key), values)
                duplicates -= 1
        reject.flush()
        if progress:
            progress(source.size, source.size, "checking")
        counts = sink.finish(conflicts, reject, progress)
        reject.flush()
    except BaseException as exc:
        reject.flush()
        run.rows_read = read
        _finish(run, ImportRun.Status.FAILED, error=f"interrupted: {exc!r}")
        raise
    run.rows_read = read
    run.created = counts["created"]
    run.updated = counts["updated"]
    run.unchanged = counts["unchanged"] + duplicates
    run.rejected = reject.count
    _finish(run, ImportRun.Status.FINISHED)
    return run


def _sink(spec: RowSpec, path: Path, run_id: int) -> Sink:
    """Where checked rows wait: a staging table for events, and for people on PostgreSQL
    (people_staged.py); batches spooled to a file for the rest."""
    if hasattr(spec, "merge"):
        return StagingSink(spec, run_id)  # type: ignore[arg-type]
    if isinstance(spec, PeopleSpec) and _copy_allowed():
        from pathways.feeds.people_staged import PeopleStaging

        return StagingSink(PeopleStaging(spec, path, _batch_size()), run_id)
    return SpoolSink(spec, run_id, _batch_size())


def _copy_allowed() -> bool:
    """Whether PostgreSQL's COPY paths may be taken (PATHWAYS_IMPORT_COPY=0: never, for
    comparing them with the ordinary path)."""
    return connection.vendor == "postgresql" and os.environ.get("PATHWAYS_IMPORT_COPY", "1") != "0"


def _stage_by_copy(
    spec: RowSpec, source: CsvSource, sink: Sink, reject: _RejectSink, progress: Progress | None
) -> tuple[int, int] | None:
    """Events on PostgreSQL go in by COPY (events_copy.py): the rows read and those left
    out as unchanged, or None when this file is read row by row instead."""
    if not (
        isinstance(spec, EventsSpec)
        and spec.postgres
        and isinstance(sink, StagingSink)
        and _copy_allowed()
    ):
        return None
    from pathways.feeds.events_copy import stage_by_copy

    return stage_by_copy(spec, source.path, source.header, sink.table, reject, progress)


def _finish(run: ImportRun, status: str, error: str = "") -> None:
    run.status = status
    run.error = error[:1000]
    run.finished_at = timezone.now()
    run.save()


class QuarantineUnwritable(Exception):
    """The quarantine file cannot be written; the message names it and says why."""


def open_quarantine(out: Path) -> TextIO:
    """`out` opened for the quarantine CSV, before anything is imported: a quarantine that
    cannot be written refuses the import whole (QuarantineUnwritable), rather than leaving
    it done with its rejected rows nowhere the operator asked for."""
    try:
        return out.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise QuarantineUnwritable(
            f"the quarantine file {out} cannot be written ({why}): nothing was imported"
        ) from exc


def write_quarantine(runs: list[ImportRun], out: Path | TextIO) -> int:
    """Write the rejected rows of `runs` to `out` (a path, or a file `open_quarantine`
    opened, which is closed after) as a quarantine CSV; how many."""
    handle = open_quarantine(out) if isinstance(out, Path) else out
    columns = quarantine_columns(runs)
    written = 0
    with handle:
        writer = csv.writer(handle)
        writer.writerow([*LEADING, *columns])
        for run in runs:
            for row in quarantine_rows(run, columns):
                writer.writerow(row)
                written += 1
    return written
