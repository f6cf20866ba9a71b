"""The pseudonymised research extract: events, referrals and their outcomes for every
person, with no names, no references, no free text, age bands instead of birth dates and
areas instead of postcodes. Person ids are keyed hashes: the same key gives the same ids
(a longitudinal study), a fresh key gives ids that cannot be joined to any other extract.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from pathways.audit.log import record_access
from pathways.events.models import Event
from pathways.governance.progress import Progress, silent
from pathways.people.ages import age_on
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Referral

CHUNK = 10_000
# Age bands at the extract date (years): lower bounds; the last is open-ended.
AGE_BANDS = ((0, "under 16"), (16, "16-17"), (18, "18-21"), (22, "22-25"), (26, "26-30"),
             (31, "31-40"), (41, "41-50"), (51, "51+"))  # fmt: skip
README = """Pathways research extract, made {made} with key fingerprint {fingerprint}.

people.csv     pid, sex, age_band (at {as_of}), area (the locality of the latest record)
events.csv     pid, kind, occurred_on, crime_group, flags, disposal, area
referrals.csv  pid, service, referred_on, state, decision, consent_on, started_on,
               ended_on, end_reason, engaged_days

`pid` is a keyed hash of the person: it joins the three files, and nothing else. No
names, references, dates of birth, postcodes, addresses or free text are included.
"""


def pseudonym(key: bytes, person_id: int) -> str:
    """The person's id in an extract made with `key` (16 hex characters)."""
    return hmac.new(key, str(person_id).encode("ascii"), hashlib.sha256).hexdigest()[:16]


def age_band(born: dt.date | None, on: dt.date) -> str:
    if born is None:
        return "unknown"
    years = age_on(born, on) or 0
    band = "unknown"
    for lower, label in AGE_BANDS:
        if years >= lower:
            band = label
    return band


@dataclass(frozen=True)
class ExtractSummary:
    people: int
    events: int
    referrals: int
    fingerprint: str


def _people_rows(key: bytes, as_of: dt.date) -> Iterator[list[str]]:
    latest_area = Subquery(
        AgencyRecord.objects.filter(person=OuterRef("pk"), area__isnull=False)
        .order_by("-updated_at", "-id")
        .values("area_id")[:1]
    )
    people = (
        Person.objects.annotate(area=latest_area)
        .order_by("pk")
        .values_list("pk", "sex", "date_of_birth", "area")
    )
    for pk, sex, born, area in people.iterator(chunk_size=CHUNK):
        yield [pseudonym(key, pk), sex, age_band(born, as_of), area or ""]


def _event_rows(key: bytes) -> Iterator[list[str]]:
    events = Event.objects.order_by("person_id", "occurred_at", "id").values_list(
        "person_id", "kind", "occurred_on", "crime_group", "flags", "disposal", "area_id"
    )
    for person_id, kind, on, group, flags, disposal, area in events.iterator(chunk_size=CHUNK):
        yield [pseudonym(key, person_id), kind, on.isoformat(), group, flags, disposal, area or ""]


def _referral_rows(key: bytes) -> Iterator[list[str]]:
    referrals = Referral.objects.order_by("person_id", "referred_on", "id").values_list(
        "person_id", "service_id", "referred_on", "state", "decision", "consent_on",
        "started_on", "ended_on", "end_reason",
    )  # fmt: skip
    for row in referrals.iterator(chunk_size=CHUNK):
        person_id, service, referred, state, decision, consent, started, ended, reason = row
        days = str((ended - started).days) if started and ended else ""
        dates = [d.isoformat() if d else "" for d in (consent, started, ended)]
        yield [pseudonym(key, person_id), service, referred.isoformat(), state, decision,
               *dates, reason, days]  # fmt: skip


def _write(path: Path, header: list[str], rows: Iterator[list[str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_research_extract(
    out_dir: Path,
    *,
    requested_for: AbstractBaseUser,
    key: bytes | None = None,
    as_of: dt.date | None = None,
    made_by: AbstractBaseUser | None = None,
    channel: str = "cli",
    progress: Progress | None = None,
) -> ExtractSummary:
    """Write people.csv, events.csv, referrals.csv and README.txt into `out_dir`, audited
    against the researcher it is for (and, from the pages, naming `made_by`, who ran it).
    Without `key`, a fresh random one is used. `progress` is told each file."""
    tell = progress or silent
    key = key or secrets.token_bytes(32)
    today = timezone.localdate()
    as_of = as_of or today
    fingerprint = hashlib.sha256(key).hexdigest()[:12]
    out_dir.mkdir(parents=True, exist_ok=True)
    tell(0, 3, "writing people.csv")
    people = _write(out_dir / "people.csv", ["pid", "sex", "age_band", "area"],
                    _people_rows(key, as_of))  # fmt: skip
    tell(1, 3, "writing events.csv")
    events = _write(
        out_dir / "events.csv",
        ["pid", "kind", "occurred_on", "crime_group", "flags", "disposal", "area"],
        _event_rows(key),
    )
    tell(2, 3, "writing referrals.csv")
    referrals = _write(
        out_dir / "referrals.csv",
        ["pid", "service", "referred_on", "state", "decision", "consent_on", "started_on",
         "ended_on", "end_reason", "engaged_days"],
        _referral_rows(key),
    )  # fmt: skip
    (out_dir / "README.txt").write_text(
        README.format(made=today.isoformat(), fingerprint=fingerprint, as_of=as_of),
        encoding="utf-8",
    )
    record_access(
        requested_for,
        action="research_extract",
        allowed=True,
        categories={"offending", "custody", "health", "risk", "referral", "outcomes"},
        purpose="research, pseudonymised",
        basis="role rule: research_extract capability (pseudonymised data only)",
        detail=f"{people} people, {events} events, {referrals} referrals; key {fingerprint}"
        + (f"; made by {made_by.get_username()}" if made_by is not None else ""),
        channel=channel,
    )
    tell(3, 3, "done")
    return ExtractSummary(people, events, referrals, fingerprint)
