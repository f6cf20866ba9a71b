"""Reading an interchange CSV file: encoding, header and physical line numbers."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO


class FileRefused(Exception):
    """The whole file cannot be imported (no header, unknown or missing columns...)."""


@dataclass
class SourceRow:
    line: int  # physical line number where the row starts; the header is line 1
    values: dict[str, str]  # every column of the format; left-out optional ones are ''
    # (column, reason) when the row cannot be read as values of the header's columns:
    # not valid CSV, the wrong number of values, or bytes that are not UTF-8.
    problem: tuple[str, str] | None = None


_SURROGATE = re.compile("[\udc80-\udcff]")
# The largest value read whole (characters). Python's csv stops at 128 KiB, and a quoted
# value over it loses the reader its place: the rest of the value is read as rows. Far
# over every column's own limit, so a value this long is still rejected by its column.
FIELD_LIMIT = 16 * 1024 * 1024
# Byte order marks of the encodings a spreadsheet may save "Unicode text" in.
_WIDE_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def _has_surrogates(value: str) -> bool:
    return not value.isascii() and _SURROGATE.search(value) is not None


class CsvSource:
    """An open interchange file. Iterate it for `SourceRow`s; `bytes_read` for progress."""

    def __init__(self, path: Path, columns: tuple[str, ...], required: tuple[str, ...]) -> None:
        self.path = path
        self.columns = columns
        self.size = path.stat().st_size
        if self.size == 0:
            raise FileRefused(
                f"{path.name} is empty (zero bytes): a file needs at least a header row"
            )
        self._raw: IO[bytes] = path.open("rb")
        start = self._raw.read(4)
        self._raw.seek(0)
        for bom, encoding in _WIDE_BOMS.items():
            if start.startswith(bom):
                self.close()
                raise FileRefused(
                    f"{path.name} is {encoding} text: save it as UTF-8 (in a spreadsheet, "
                    'as "CSV UTF-8") and import it again'
                )
        if csv.field_size_limit() < FIELD_LIMIT:
            csv.field_size_limit(FIELD_LIMIT)
        # surrogateescape keeps undecodable bytes so the row can be rejected with its line,
        # instead of the whole file failing to decode.
        self._text = io.TextIOWrapper(
            self._raw, encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        self._reader = csv.reader(self._text, strict=True)
        try:
            header = next(self._reader)
        except StopIteration:
            self.close()
            raise FileRefused(f"{path.name} has no header row") from None
        except csv.Error as exc:
            self.close()
            raise FileRefused(f"{path.name}: the header row is not valid CSV ({exc})") from None
        header = [h.strip() for h in header]
        if not any(header):
            self.close()
            raise FileRefused(f"{path.name} has no header row (the first line is blank)")
        problems = []
        bad = [h for h in header if _has_surrogates(h)]
        if bad:
            problems.append("the header is not valid UTF-8")
        unknown = [h for h in header if h not in columns and not _has_surrogates(h)]
        if unknown:
            problems.append(
                "unknown column(s) "
                + ", ".join(repr(u) for u in unknown)
                + f" (the columns of this format are: {', '.join(columns)})"
            )
        duplicated = sorted({h for h in header if header.count(h) > 1})
        if duplicated:
            problems.append("column(s) named twice: " + ", ".join(duplicated))
        missing = [c for c in required if c not in header]
        if missing:
            problems.append("required column(s) missing: " + ", ".join(missing))
        if problems:
            self.close()
            raise FileRefused(f"{path.name}: " + "; ".join(problems))
        self.header = header

    @property
    def bytes_read(self) -> int:
        try:
            return self._raw.tell()
        except (ValueError, OSError):
            return self.size

    def __iter__(self) -> Iterator[SourceRow]:
        header = self.header
        width = len(header)
        previous_end = 1
        empty = dict.fromkeys(self.columns, "")
        while True:
            try:
                fields = next(self._reader)
            except StopIteration:
                break
            except csv.Error as exc:
                line = previous_end + 1
                previous_end = self._reader.line_num
                yield SourceRow(line, dict(empty), ("", f"is not valid CSV ({exc})"))
                continue
            line = previous_end + 1
            previous_end = self._reader.line_num
            if not fields:  # a blank line is not a row
                continue
            values = dict(empty)
            if len(fields) != width:
                yield SourceRow(
                    line,
                    values | dict(zip(header, fields, strict=False)),
                    ("", f"has {len(fields)} values but the header has {width} columns"),
                )
                continue
            values.update(zip(header, fields, strict=True))
            problem = None
            joined = "".join(fields)
            if _has_surrogates(joined):
                column = next(c for c, v in values.items() if _has_surrogates(v))
                problem = (column, f"{column}: contains bytes that are not valid UTF-8")
            elif "\x00" in joined:
                # No value holds one, and PostgreSQL's text cannot store it.
                column = next(c for c, v in values.items() if "\x00" in v)
                problem = (column, f"{column}: contains a NUL character (byte 0)")
            yield SourceRow(line, values, problem)

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
