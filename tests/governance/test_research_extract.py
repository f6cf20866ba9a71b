"""`pathways extract research`: pseudonymised (keyed-hash ids that differ per key, age
bands, areas, no names, references or free text), for researchers only, audited."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.audit.models import AccessEvent
from pathways.governance.research import age_band, pseudonym
from tests.world import add_event, at, make_person, make_user, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(config_loaded):
    """Two people: Ryan Stewart (born 14 Aug 2003; police and social work; an offence
    with a free-text category, a concern; engaged with ADAPT 1 May 2024 to 29 Jul 2024),
    and Ann Reid (born 1 Feb 1960; one custody episode)."""
    ryan = make_person(
        "Ryan", "Stewart", dt.date(2003, 8, 14), records=(("POLICE", "PR1"), ("HSCP_CJSW", "CR1"))
    )
    add_event(ryan, "POLICE", at(2024, 2, 3), crime_group="violence", category="Hit John Smith")
    add_event(ryan, "HSCP_CJSW", at(2024, 4, 5), kind="concern", flags="cce")
    referral = refer(ryan, "POLICE", "ADAPT", dt.date(2024, 5, 1))
    referral.ended_on, referral.end_reason, referral.state = (
        dt.date(2024, 7, 29),
        "completed",
        "completed",
    )
    referral.save()
    ann = make_person("Ann", "Reid", dt.date(1960, 2, 1), sex="F", records=(("POLICE", "PA2"),))
    add_event(ann, "POLICE", at(2024, 6, 1), kind="custody")
    make_user("researcher", "CJ_GLASGOW", "researcher")
    return ryan, ann


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def extract(out: Path, key_file: Path | None = None) -> None:
    options = {"out": out, "username": "researcher", "as_of": dt.date(2026, 11, 1)}
    if key_file:
        options["key_file"] = key_file
    call_command("extract", "research", **options)


def test_the_extract_holds_no_identifying_text(data, tmp_path: Path) -> None:
    ryan, ann = data
    extract(tmp_path)
    text = "".join(p.read_text() for p in tmp_path.glob("*.csv"))
    for identifying in ("Ryan", "Stewart", "PR1", "CR1", "2003-08-14", "G31", "John Smith"):
        assert identifying not in text
    people = read(tmp_path / "people.csv")
    assert sorted((p["sex"], p["age_band"], p["area"]) for p in people) == [
        ("F", "51+", "NE"),
        ("M", "22-25", "NE"),  # 23 on 1 November 2026
    ]
    events = read(tmp_path / "events.csv")
    assert sorted(e["kind"] for e in events) == ["concern", "custody", "offence"]
    assert {e["flags"] for e in events} == {"", "cce"}
    [referral] = read(tmp_path / "referrals.csv")
    assert (referral["service"], referral["state"], referral["engaged_days"]) == (
        "ADAPT",
        "completed",
        "89",
    )
    # The pid joins the files.
    ryans = {r["pid"] for r in events if r["kind"] in ("offence", "concern")}
    assert ryans == {referral["pid"]}


def test_ids_are_the_same_with_the_same_key_and_differ_with_another(data, tmp_path) -> None:
    ryan, _ = data
    key = tmp_path / "study.key"
    key.write_bytes(b"a-study-key-of-at-least-16-bytes")
    extract(tmp_path / "a", key)
    extract(tmp_path / "b", key)
    extract(tmp_path / "c")  # a fresh key
    ids = {name: sorted(p["pid"] for p in read(tmp_path / name / "people.csv")) for name in "abc"}
    assert ids["a"] == ids["b"]
    assert not set(ids["a"]) & set(ids["c"])
    assert pseudonym(b"a-study-key-of-at-least-16-bytes", ryan.pk) in ids["a"]


def test_only_a_role_with_research_extract_may_have_one(data, tmp_path: Path) -> None:
    make_user("police", "ONE_GLASGOW", "police_analyst")
    with pytest.raises(CommandError, match="does not allow research extracts"):
        call_command("extract", "research", out=tmp_path, username="police")
    assert not (tmp_path / "people.csv").exists()


def test_every_extract_is_audited(data, tmp_path: Path) -> None:
    extract(tmp_path)
    event = AccessEvent.objects.get(action="research_extract")
    assert (event.username, event.channel, event.decision) == ("researcher", "cli", "allowed")
    assert event.detail.startswith("2 people, 3 events, 1 referrals; key ")


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (dt.date(2010, 11, 2), "under 16"),  # 15 the day before the 16th birthday
        (dt.date(2010, 11, 1), "16-17"),
        (dt.date(2004, 11, 1), "22-25"),
        (dt.date(1975, 11, 2), "41-50"),  # 50
        (dt.date(1975, 11, 1), "51+"),
        (None, "unknown"),
    ],
)
def test_age_bands_on_the_extract_date(born, band) -> None:
    assert age_band(born, dt.date(2026, 11, 1)) == band
