"""Scans of signed consent forms, checked by what their bytes are, never by their name or
the content type the browser declared: a PDF, PNG, JPEG or TIFF file of at most
`MAX_SCAN_BYTES`. The consent form and `do_record_consent` both ask `check_scan`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

# A scanner's page at 300 dpi is well under this; a bigger file is not a form's scan.
MAX_SCAN_BYTES = 10 * 1024 * 1024
# Enough of the start of a file to tell what it is.
HEAD_BYTES = 16

# (magic bytes at the start, kind, the extension it is stored under)
ACCEPTED: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "PDF", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "PNG", "png"),
    (b"\xff\xd8\xff", "JPEG", "jpg"),
    (b"II*\x00", "TIFF", "tif"),
    (b"MM\x00*", "TIFF", "tif"),
)
# What some refused files are, to tell the person who chose one.
KNOWN: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"PK\x03\x04", "a ZIP archive (or a Word or Excel document)"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel document"),
    (b"GIF8", "a GIF image"),
    (b"RIFF", "a RIFF file (a WebP image, a WAV or AVI file)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
)
ALLOWED_TEXT = "a PDF, PNG, JPEG or TIFF file"


class ScanRefused(ValueError):
    """The file is not a scan Pathways keeps; the message says what it is instead."""


@dataclass(frozen=True)
class Scan:
    """A checked scan: its kind (PDF, PNG, JPEG, TIFF), size in bytes, and the name to
    store it under (the name chosen, with the extension of what it is)."""

    kind: str
    size: int
    name: str


def kind_of(head: bytes) -> tuple[str, str] | None:
    """(kind, extension) of an accepted file starting with `head`, or None."""
    for magic, kind, extension in ACCEPTED:
        if head.startswith(magic):
            return kind, extension
    return None


def looks_like(head: bytes) -> str:
    """What a refused file starting with `head` appears to be, in words."""
    if not head:
        return "empty"
    for magic, what in KNOWN:
        if head.startswith(magic):
            return what
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<!doctype html", b"<html", b"<svg", b"<?xml")):
        return "a web page or XML document"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "not a file type Pathways recognises"
    return "text"


def check_scan(chunks: Iterable[bytes], name: str) -> Scan:
    """Check a scan from its bytes (read in `chunks`, as an upload gives them); the
    checked scan, or ScanRefused saying why."""
    head = b""
    size = 0
    for chunk in chunks:
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        size += len(chunk)
        if size > MAX_SCAN_BYTES:
            raise ScanRefused(
                f"The scan is larger than {MAX_SCAN_BYTES // (1024 * 1024)} MB: "
                "scan the form again at a lower resolution."
            )
    if size == 0:
        raise ScanRefused("The scan is empty (zero bytes): choose the scanned file again.")
    found = kind_of(head)
    if found is None:
        raise ScanRefused(f"The scan must be {ALLOWED_TEXT}; this file is {looks_like(head)}.")
    kind, extension = found
    stem = PurePath(name or "").stem or "scan"
    return Scan(kind=kind, size=size, name=f"{stem}.{extension}")
