"""Running an import: read, validate, de-duplicate, write in batches, record the run.

Two passes so that a key seen twice with different content can reject *both* rows
before either is written: the first validates and spools good rows to a temporary
file; the second writes them in batches, each batch one transaction, so an
interrupted import leaves whole batches only and re-running it completes it.
Memory stays flat whatever the file size: only keys and hashes are held.
"""

from __future__ import annotations

import csv
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.utils import timezone

from pathways.events.imports.csvfile import CsvSource, FileRefused, SourceRow
from pathways.events.imports.events import EventsSpec
from pathways.events.imports.people import PeopleSpec
from pathways.events.imports.referrals import ReferralsSpec
from pathways.events.imports.specs import Codes, Pending, RowInvalid, RowSpec, content_hash
from pathways.events.models import ImportRun, RejectedRow

KINDS = ("people", "events", "referrals")
BATCH_SIZE = 5000
# (bytes read so far, file size in bytes, phase)
ProgressCallback = Callable[[int, int, str], None]


def spec_for(kind: str, codes: Codes | None = None) -> RowSpec:
    codes = codes or Codes.load()
    specs: dict[str, type] = {"people": PeopleSpec, "events": EventsSpec, "referrals": ReferralsSpec}
    if kind not in specs:
        raise ValueError(f"unknown import kind {kind!r} (one of: {', '.join(KINDS)})")
    spec: RowSpec = specs[kind](codes)
    return spec


class _RejectSink:
    """Stores rejected rows in the database as they are found, a batch at a time."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        self.pending: list[RejectedRow] = []
        self.count = 0

    def add(self, line: int, column: str, reason: str, row: dict[str, str]) -> None:
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


def _reason_for_encoding(row: SourceRow) -> tuple[str, str] | None:
    for marker in row.bad_encoding:
        if marker.startswith("__width__:"):
            got = marker.split(":", 1)[1]
            return "", f"has {got} values but the header has {len(row.values)} columns"
        if marker.startswith("__csv__:"):
            return "", f"is not valid CSV ({marker.split(':', 1)[1]})"
    if row.bad_encoding:
        column = row.bad_encoding[0]
        return column, "contains bytes that are not valid UTF-8"
    return None


def _printable(row: dict[str, str]) -> dict[str, str]:
    # Undecodable bytes are kept as \x.. escapes so the stored row stays valid text.
    return {
        k: v.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        for k, v in row.items()
    }


def import_file(
    kind: str,
    path: Path,
    *,
    user: object | None = None,
    operator: str = "",
    progress: ProgressCallback | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportRun:
    """Import one interchange file of `kind` (people, events or referrals).

    Returns the finished `ImportRun` with its counts. A file refused whole raises
    `FileRefused` after recording the run as failed with the reason.
    """
    spec = spec_for(kind)
    run = ImportRun.objects.create(
        kind=kind, file_name=str(path), operator=operator,
        user=user if getattr(user, "pk", None) else None,
    )
    try:
        source = CsvSource(Path(path), spec.columns, spec.required)
    except (FileRefused, OSError) as exc:
        run.status = ImportRun.Status.FAILED
        run.error = str(exc)
        run.finished_at = timezone.now()
        run.save()
        raise FileRefused(str(exc)) from exc

    rejects = _RejectSink(run)
    read = unchanged = 0
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    conflicts: set[tuple[str, ...]] = set()
    try:
        with source, tempfile.TemporaryFile(dir=_spool_dir()) as spool:
            batch: list[Pending] = []
            for row in source:
                read += 1
                bad = _reason_for_encoding(row)
                if bad:
                    rejects.add(row.line, bad[0], bad[1], _printable(row.values))
                    continue
                try:
                    key, clean = spec.clean(row.values)
                except RowInvalid as exc:
                    column = exc.problems[0][0]
                    reason = "; ".join(f"{c}: {r}" for c, r in exc.problems)
                    rejects.add(row.line, column, reason, row.values)
                    continue
                digest = content_hash(clean)
                earlier = seen.get(key)
                if earlier is not None:
                    if key in conflicts or earlier[0] != digest:
                        conflicts.add(key)
                        rejects.add(
                            row.line, spec.columns[0] if len(key) == 1 else spec.columns[1],
                            f"conflicts with line {earlier[1]}: the same key "
                            f"({'/'.join(key)}) with different content; both rows are rejected",
                            row.values,
                        )
                    else:
                        unchanged += 1  # the same row twice counts once
                    continue
                seen[key] = (digest, row.line)
                batch.append(Pending(row.line, key, clean, row.values, digest))
                if len(batch) >= batch_size:
                    pickle.dump(batch, spool)
                    batch = []
                if progress and read % 2000 == 0:
                    progress(source.bytes_read, source.size, "checking")
            if batch:
                pickle.dump(batch, spool)
            rejects.flush()
            if progress:
                progress(source.size, source.size, "checking")

            spool.seek(0)
            counts = {"created": 0, "updated": 0, "unchanged": unchanged}
            done = 0
            for pending in _spooled(spool):
                writable = []
                for item in pending:
                    if item.key in conflicts:
                        rejects.add(
                            item.line, spec.columns[0] if len(item.key) == 1 else spec.columns[1],
                            f"conflicts with a later row: the same key ({'/'.join(item.key)}) "
                            "with different content; both rows are rejected",
                            item.raw,
                        )
                    else:
                        writable.append(item)
                result = spec.write(writable, run.pk)
                counts["created"] += result.created
                counts["updated"] += result.updated
                counts["unchanged"] += result.unchanged
                for item, column, reason in result.rejected:
                    rejects.add(item.line, column, f"{column}: {reason}", item.raw)
                rejects.flush()
                done += len(pending)
                if progress:
                    progress(done, len(seen), "writing")
    except BaseException as exc:
        rejects.flush()
        run.status = ImportRun.Status.FAILED
        run.error = f"interrupted: {exc!r}"[:1000]
        run.finished_at = timezone.now()
        run.rows_read = read
        run.save()
        raise

    run.rows_read = read
    run.created = counts["created"]
    run.updated = counts["updated"]
    run.unchanged = counts["unchanged"]
    run.rejected = rejects.count
    run.status = ImportRun.Status.FINISHED
    run.finished_at = timezone.now()
    run.save()
    return run


def _spooled(spool: object) -> Iterator[list[Pending]]:
    while True:
        try:
            yield pickle.load(spool)  # noqa: S301 - our own temporary file, written above
        except EOFError:
            return


def _spool_dir() -> str | None:
    return os.environ.get("PATHWAYS_SPOOL_DIR") or None


def write_quarantine(runs: list[ImportRun], out: Path) -> int:
    """Write the rejected rows of `runs` as CSV: file,line,column,reason + the row's columns.

    Text that a spreadsheet would run as a formula is neutralised (INTERCHANGE.md).
    Returns the number of rows written.
    """
    from pathways.events.spreadsheet import neutralise

    columns: list[str] = []
    for run in runs:
        for column in spec_for(run.kind).columns:
            if column not in columns:
                columns.append(column)
    written = 0
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "reason", *columns])
        for run in runs:
            name = Path(run.file_name).name
            for rejected in run.rejected_rows.order_by("line", "id").iterator():
                row = rejected.row
                writer.writerow(
                    [neutralise(v) for v in (name, rejected.line, rejected.column, rejected.reason)]
                    + [neutralise(row.get(c, "")) for c in columns]
                )
                written += 1
    return written
