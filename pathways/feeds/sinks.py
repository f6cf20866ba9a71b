"""Where validated rows wait between checking and writing.

`SpoolSink` pickles batches to a temporary file and hands them back to the format's
`write(batch)` (people and referrals, whose writing needs per-row logic such as
linkage). `StagingSink` puts rows in a temporary database table for a set-based merge
(events: millions of rows, written by a few SQL statements).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any, Protocol

from pathways.feeds.specs import Pending, RowSpec

# (key, line, column, reason, row) of a rejected row
Reject = Callable[[int, str, str, dict[str, str]], None]
Progress = Callable[[int, int, str], None]


class Sink(Protocol):
    # True when the sink finds repeated keys itself (in SQL), so the runner need not
    # hold every key in memory.
    finds_repeats: bool

    def add(self, item: Pending) -> None: ...

    def finish(
        self, conflicts: set[tuple[str, ...]], reject: Reject, progress: Progress | None
    ) -> dict[str, int]:
        """Write everything held, rejecting rows whose key conflicted; return counts."""
        ...


def conflict_reason(key: tuple[str, ...]) -> str:
    return (
        f"conflicts with another row of the file: the same key ({'/'.join(key)}) with "
        "different content; both rows are rejected"
    )


class SpoolSink:
    finds_repeats = False

    def __init__(self, spec: RowSpec, run_id: int, batch_size: int) -> None:
        self.spec = spec
        self.run_id = run_id
        self.batch_size = batch_size
        self.batch: list[Pending] = []
        self.total = 0
        self.file: IO[bytes] = tempfile.TemporaryFile(
            dir=os.environ.get("PATHWAYS_SPOOL_DIR") or None
        )

    def add(self, item: Pending) -> None:
        self.batch.append(item)
        self.total += 1
        if len(self.batch) >= self.batch_size:
            pickle.dump(self.batch, self.file)
            self.batch = []

    def _batches(self) -> Iterator[list[Pending]]:
        if self.batch:
            pickle.dump(self.batch, self.file)
            self.batch = []
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # noqa: S301 - our own temporary file
            except EOFError:
                return

    def finish(
        self, conflicts: set[tuple[str, ...]], reject: Reject, progress: Progress | None
    ) -> dict[str, int]:
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        done = 0
        try:
            for batch in self._batches():
                writable = []
                for item in batch:
                    if item.key in conflicts:
                        reject(item.line, self.spec.key_column, conflict_reason(item.key), item.raw)
                    else:
                        writable.append(item)
                result = self.spec.write(writable, self.run_id)
                counts["created"] += result.created
                counts["updated"] += result.updated
                counts["unchanged"] += result.unchanged
                for item, column, reason in result.rejected:
                    reject(item.line, column, f"{column}: {reason}", item.raw)
                done += len(batch)
                if progress:
                    progress(done, self.total, "writing")
        finally:
            self.file.close()
        return counts


class StagedSpec(Protocol):
    """A format written by a set-based merge from a staging table."""

    kind: str
    key_column: str

    def staging_columns(self) -> list[tuple[str, str]]: ...

    def staged_row(self, item: Pending) -> tuple[Any, ...]: ...

    def merge(
        self, table: str, reject: Reject, run_id: int, progress: Progress | None
    ) -> dict[str, int]:
        """Write the staged rows; repeated keys are found here. Returns the counts."""
        ...


class StagingSink:
    finds_repeats = True

    def __init__(self, spec: StagedSpec, run_id: int) -> None:
        from pathways.feeds.staging import StagingTable

        self.spec = spec
        self.run_id = run_id
        self.table = StagingTable(f"import_{spec.kind}_stage", spec.staging_columns())

    def add(self, item: Pending) -> None:
        self.table.append(self.spec.staged_row(item))

    def finish(
        self, conflicts: set[tuple[str, ...]], reject: Reject, progress: Progress | None
    ) -> dict[str, int]:
        try:
            self.table.flush()
            return self.spec.merge(self.table.name, reject, self.run_id, progress)
        finally:
            self.table.drop()
