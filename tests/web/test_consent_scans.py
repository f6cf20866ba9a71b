"""A consent form's scan is checked by its bytes, not its name or declared type (issue 21):
a PDF, PNG, JPEG or TIFF of at most 10 MB is kept, anything else is refused on the page,
naming the field and what the file is, and by `do_record_consent` itself, whoever calls it.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pathways.referrals.actions import ConsentError, do_record_consent
from pathways.referrals.models import Consent, Referral
from pathways.referrals.scans import MAX_SCAN_BYTES, ScanRefused, check_scan
from tests.world import World, refer

TODAY = dt.date.today()

# A real (tiny) one-page PDF, as a PDF reader opens it.
PDF = b"""%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj
trailer << /Root 1 0 R >>
%%EOF
"""


def _png() -> bytes:
    """A 1x1 white PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
        + chunk(b"IEND", b"")
    )


PNG = _png()
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
TIFF = b"II*\x00\x08\x00\x00\x00\x00\x00"
# The start of a Windows program: "MZ", then the DOS stub's message.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + b"This program cannot be run in DOS mode."
)


@pytest.fixture
def accepted(world: World) -> Referral:
    """Morgan Hidden, referred by the police to ADAPT and accepted, not yet asked."""
    return refer(world.hidden, "POLICE", "ADAPT", dt.date(2024, 5, 1), state="accepted")


def sign(client: Client, referral: Referral, scan: SimpleUploadedFile):
    data = {
        "answer": "given",
        "on": TODAY.strftime("%d/%m/%Y"),
        "method": "signed_form",
        "scan": scan,
    }
    return client.post(f"/referrals/{referral.pk}/consent/", data)


def scan_error(response) -> str:
    """The error the page shows against the scan field (in the error summary)."""
    found = re.search(r'href="#id_scan[^"]*">([^<]*)<', response.content.decode())
    assert found, "no error against the scan field"
    return found.group(1)


@pytest.mark.parametrize(
    ("name", "declared", "content", "what"),
    [
        ("scan.pdf", "application/pdf", EXE, "a Windows program"),
        ("scan.jpg", "image/jpeg", b"PK\x03\x04" + b"\x00" * 30, "a ZIP archive"),
        ("scan.png", "image/png", b"<html><script>alert(1)</script></html>", "a web page"),
        ("form.pdf", "application/pdf", b"just some words, not a PDF", "text"),
    ],
)
def test_a_file_that_is_not_a_scan_is_refused_whatever_its_name(
    client: Client, world: World, accepted: Referral, name, declared, content, what
) -> None:
    client.force_login(world.adapt)
    response = sign(client, accepted, SimpleUploadedFile(name, content, content_type=declared))
    assert response.status_code == 200
    error = scan_error(response)
    assert "The scan must be a PDF, PNG, JPEG or TIFF file; this file is" in error
    assert what in error
    assert not Consent.objects.exists()
    accepted.refresh_from_db()
    assert accepted.state == "accepted"


@pytest.mark.parametrize(
    ("name", "declared", "content", "stored_as"),
    [
        ("scan.txt", "text/plain", PDF, ".pdf"),
        ("signed form", "application/octet-stream", PNG, ".png"),
        ("photo.pdf", "application/pdf", JPEG, ".jpg"),
        ("scan.tiff", "image/tiff", TIFF, ".tif"),
    ],
)
def test_a_real_scan_is_kept_whatever_its_name_under_the_extension_of_what_it_is(
    client: Client, world: World, accepted: Referral, name, declared, content, stored_as
) -> None:
    client.force_login(world.adapt)
    response = sign(client, accepted, SimpleUploadedFile(name, content, content_type=declared))
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.scan.read() == content
    assert Path(consent.scan.name).suffix == stored_as


def test_a_scan_over_the_size_limit_is_refused(
    client: Client, world: World, accepted: Referral
) -> None:
    client.force_login(world.adapt)
    too_big = PDF + b"\x00" * (MAX_SCAN_BYTES + 1 - len(PDF))
    response = sign(client, accepted, SimpleUploadedFile("scan.pdf", too_big, "application/pdf"))
    assert response.status_code == 200
    assert "The scan is larger than 10 MB" in scan_error(response)
    assert not Consent.objects.exists()


def test_an_empty_scan_is_refused(client: Client, world: World, accepted: Referral) -> None:
    client.force_login(world.adapt)
    response = sign(client, accepted, SimpleUploadedFile("scan.pdf", b"", "application/pdf"))
    assert response.status_code == 200
    assert "empty" in scan_error(response)
    assert not Consent.objects.exists()


# --- The service enforces it too, whoever calls it --------------------------------------


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (EXE, "this file is a Windows program"),
        (b"", "The scan is empty"),
        (PDF + b"\x00" * MAX_SCAN_BYTES, "larger than 10 MB"),
    ],
)
def test_the_service_refuses_a_scan_that_is_not_one(
    world: World, accepted: Referral, content: bytes, reason: str
) -> None:
    scan = SimpleUploadedFile("scan.pdf", content, content_type="application/pdf")
    with pytest.raises(ConsentError, match=reason):
        do_record_consent(
            world.adapt, accepted, given=True, on=TODAY, method="signed_form", scan=scan
        )
    assert not Consent.objects.exists()
    accepted.refresh_from_db()
    assert accepted.state == "accepted"


def test_the_size_limit_is_on_the_bytes_and_a_file_at_it_is_kept() -> None:
    at_limit = PDF + b"\x00" * (MAX_SCAN_BYTES - len(PDF))
    # In uneven chunks, as an upload arrives.
    chunks = [at_limit[i : i + 65_537] for i in range(0, len(at_limit), 65_537)]
    assert check_scan(chunks, "scan.pdf").size == MAX_SCAN_BYTES
    with pytest.raises(ScanRefused, match="larger than 10 MB"):
        check_scan([*chunks, b"\x00"], "scan.pdf")
    # The magic bytes split across the first chunks are still read as one start.
    assert check_scan([b"%P", b"DF-1.7\n", b"rest"], "x").kind == "PDF"
