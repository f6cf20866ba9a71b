"""A person holding two records of one agency: the police's own duplicates (PS1 and PS7,
two nominal references for one man) linked into one person, beside a justice social work
record (C1). Everything downstream of linkage must treat the person as one, whichever of
the agency's references an event, a referral or an offence was recorded under.

Each test works its numbers by hand; the comments show how.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone

from pathways.api.tokens import create_token
from pathways.events.models import Event
from pathways.feeds.runner import import_file
from pathways.identification.matching import find, triggering_events
from pathways.identification.models import Candidate, Rule
from pathways.identification.runs import identify
from pathways.linkage.models import LinkReview
from pathways.linkage.services import split_records, undo
from pathways.outcomes.metrics import CaseloadCell, caseload, follow_up, funnel
from pathways.outcomes.parameters import report_parameters
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Referral
from tests.factories import LONDON, EventFactory, PersonFactory, ReferralFactory, UserFactory, at

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 23)  # identification's run date (tests/identification's)


@pytest.fixture(autouse=True)
def partnership(config_loaded: None) -> None:
    """The Glasgow configuration (tests/conftest.py's `config_loaded`)."""


@dataclass
class Sean:
    """Sean Dunn: police references PS1 and PS7, justice social work C1."""

    person: Person
    ps1: AgencyRecord
    ps7: AgencyRecord
    c1: AgencyRecord


def sean(born: dt.date = dt.date(2006, 5, 1)) -> Sean:
    person = PersonFactory(
        given_name="Sean", family_name="Dunn", date_of_birth=born,
        records=[("POLICE", "PS1"), ("POLICE", "PS7"), ("HSCP_CJSW", "C1")],
    )  # fmt: skip
    records = {r.person_ref: r for r in person.records.all()}
    assert len(records) == 3 and {r.person_id for r in records.values()} == {person.pk}
    return Sean(person, records["PS1"], records["PS7"], records["C1"])


def event_under(
    record: AgencyRecord,
    ref: str,
    when: dt.datetime,
    kind: str = "offence",
    group: str = "",
    flags: str = "",
    category: str = "",
) -> Event:
    """An event the agency recorded under this very record (not the person's first)."""
    return EventFactory(
        person=Person.objects.get(pk=record.person_id), agency=record.agency_id, record=record,
        event_ref=ref, occurred_at=when, kind=kind, crime_group=group, flags=flags,
        category=category,
    )  # fmt: skip


def noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=LONDON)


def days_ago(n: int, as_of: dt.date = AS_OF) -> dt.date:
    return as_of - dt.timedelta(days=n)


def engaged_under(
    record: AgencyRecord,
    service: str,
    started: dt.date,
    ended: dt.date | None = None,
) -> Referral:
    """A referral held under `record`, accepted, consented and started on `started`;
    completed on `ended` if given."""
    return ReferralFactory(
        person=Person.objects.get(pk=record.person_id), record=record, service_id=service,
        referred_on=started, decision="accepted", decided_on=started, consent_on=started,
        started_on=started, ended_on=ended, end_reason="completed" if ended else "",
        state="completed" if ended else "engaged",
    )  # fmt: skip


def page_rows(html: str) -> list[str]:
    """The `datetime` of each chronology row on the person page, in page order."""
    table = html.split('pw_chronology"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<th scope="row"><time datetime="([^"]+)">', table)


def api(user, path: str) -> dict:
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {create_token(user)}")
    assert response.status_code == 200, response.content
    return response.json()


def api_event_refs(user, person_id: int) -> list[str]:
    return [e["event_ref"] for e in api(user, f"/api/v1/people/{person_id}/events")["events"]]


def refs_of(person_id: int) -> list[str]:
    """The references of the person's agency records, sorted."""
    return sorted(
        AgencyRecord.objects.filter(person_id=person_id).values_list("person_ref", flat=True)
    )


def police_analyst():
    return UserFactory(username="police", team="ONE_GLASGOW", role="police_analyst")


# 1. Chronology --------------------------------------------------------------------------


@pytest.fixture
def chronology_of_sean() -> Sean:
    """Police events alternating between PS1 and PS7, and one social work concern."""
    s = sean()
    event_under(s.ps1, "PS1-A", at(2024, 1, 5), group="violence", category="Assault")
    event_under(s.ps7, "PS7-A", at(2024, 2, 10), group="dishonesty", category="Shoplifting")
    event_under(s.ps1, "PS1-B", at(2024, 3, 15), kind="custody")
    event_under(s.ps7, "PS7-B", at(2024, 4, 20), group="violence", category="Robbery")
    event_under(s.c1, "C1-A", at(2024, 2, 20), kind="concern")
    by_record = sorted(Event.objects.values_list("record__person_ref", "event_ref"))
    assert by_record == [("C1", "C1-A"), ("PS1", "PS1-A"), ("PS1", "PS1-B"),
                         ("PS7", "PS7-A"), ("PS7", "PS7-B")]  # fmt: skip
    return s


def test_the_person_page_shows_the_events_of_both_police_references_newest_first(
    chronology_of_sean: Sean,
) -> None:
    s = chronology_of_sean
    client = Client()
    client.force_login(police_analyst())
    response = client.get(f"/people/{s.person.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "PS1" in html and "PS7" in html
    # Newest first across both references (20 April is BST, the others GMT); the social
    # work concern is not opened to the police analyst.
    assert page_rows(html) == [
        "2024-04-20T12:00:00+01:00",  # PS7-B
        "2024-03-15T12:00:00+00:00",  # PS1-B (custody)
        "2024-02-10T12:00:00+00:00",  # PS7-A
        "2024-01-05T12:00:00+00:00",  # PS1-A
    ]
    assert "<strong>4</strong> events you may see" in html
    assert "Shoplifting" in html and "Assault" in html and "Robbery" in html


def test_the_api_answers_both_police_references_and_the_events_of_both(
    chronology_of_sean: Sean,
) -> None:
    s = chronology_of_sean
    police = police_analyst()
    body = api(police, f"/api/v1/people/{s.person.pk}")
    police_refs = [(r["agency"], r["person_ref"]) for r in body["records"]]
    assert [ref for ref in police_refs if ref[0] == "POLICE"] == [
        ("POLICE", "PS1"),
        ("POLICE", "PS7"),
    ]
    page = api(police, f"/api/v1/people/{s.person.pk}/events")
    assert page["total"] == 4
    assert [e["event_ref"] for e in page["events"]] == ["PS7-B", "PS1-B", "PS7-A", "PS1-A"]
    offences = api(police, f"/api/v1/people/{s.person.pk}/events?kind=offence")
    assert [e["event_ref"] for e in offences["events"]] == ["PS7-B", "PS7-A", "PS1-A"]


def test_a_referral_held_under_the_duplicate_opens_the_offending_of_both_references(
    chronology_of_sean: Sean,
) -> None:
    """ADAPT, engaged (so consented) from a referral the police made under PS7: the
    police share offending (not custody) of the person, which includes PS1's."""
    s = chronology_of_sean
    engaged_under(s.ps7, "ADAPT", dt.date(2024, 2, 1))
    client = Client()
    client.force_login(UserFactory(username="adapt", team="INCLUDEM_ADAPT", role="partner_worker"))
    html = client.get(f"/people/{s.person.pk}/").content.decode()
    assert page_rows(html) == [
        "2024-04-20T12:00:00+01:00",  # PS7-B
        "2024-02-10T12:00:00+00:00",  # PS7-A
        "2024-01-05T12:00:00+00:00",  # PS1-A
    ]
    assert "<strong>3</strong> events you may see" in html
    assert "Custody (0)" in html


# 2. Identification ----------------------------------------------------------------------
#
# POP (services.toml, rules.toml): men 16+ with a record in NE/NW/S, at least 3 dishonesty
# offences flagged substance or alcohol within 365 days, the latest within 60 days.
# Points: dishonesty 2 + substance 1 = 3 an offence, doubled within 30 days (fresh).


def test_offences_under_both_police_references_count_together_towards_pop() -> None:
    s = sean(born=dt.date(1990, 1, 1))
    for n, ref in ((40, "PS1-A"), (50, "PS1-B")):
        event_under(s.ps1, ref, noon(days_ago(n)), group="dishonesty", flags="substance")
    # 2 under PS1 + 0 under PS7: two offences, POP needs three.
    assert find(AS_OF, [s.person.pk]) == {}
    first = identify(AS_OF)
    assert (first.scope, first.found) == ("full", 0)

    event_under(s.ps7, "PS7-A", noon(days_ago(5)), group="dishonesty", flags="substance")
    # 2 + 1 = 3; score 3 (40 days) + 3 (50 days) + 3 x 2 (5 days: fresh) = 12.
    [match] = find(AS_OF, [s.person.pk])[s.person.pk]
    assert (match.service_id, match.events_counted, match.score, match.last_event_on) == (
        "POP",
        3,
        12.0,
        days_ago(5),
    )
    # The incremental run looks at the person through PS7's new event, and counts all 3.
    run = identify(AS_OF)
    assert (run.scope, run.people_evaluated, run.created) == ("incremental", 1, 1)
    candidate = Candidate.objects.get(person=s.person, status="open")
    assert (candidate.service_id, candidate.events_counted, candidate.score) == ("POP", 3, 12.0)
    rule = Rule.objects.get(service_id="POP")
    explained = triggering_events(rule, s.person.pk, AS_OF)
    assert [e.event_ref for e in explained] == ["PS7-A", "PS1-A", "PS1-B"]


# 3. Outcomes ----------------------------------------------------------------------------


def test_reoffending_counts_the_person_once_with_the_offences_of_both_references() -> None:
    s = sean()
    # ADAPT from 1 March to 30 June 2023, the referral held under PS1.
    engaged_under(s.ps1, "ADAPT", dt.date(2023, 3, 1), dt.date(2023, 6, 30))
    # W=3: pre [2022-12-01, 2023-03-01), post (2023-06-30, 2023-09-30]
    # W=6: pre [2022-09-01, 2023-03-01), post (2023-06-30, 2023-12-30]
    event_under(s.ps1, "PS1-A", at(2022, 12, 15), group="dishonesty")  # pre 3 and 6
    event_under(s.ps7, "PS7-A", at(2023, 2, 10), group="violence")  # pre 3 and 6
    event_under(s.ps7, "PS7-B", at(2023, 8, 1), group="dishonesty")  # post 3 and 6
    event_under(s.ps7, "PS7-C", at(2023, 8, 2), kind="custody")  # not an offence
    event_under(s.ps1, "PS1-B", at(2023, 10, 15))  # post 6 only
    params = report_parameters(["ADAPT"], dt.date(2023, 4, 1), dt.date(2024, 4, 1),
                               dt.date(2024, 1, 15))  # fmt: skip

    three = follow_up(params, 3)
    assert (three.cohort, three.awaiting_follow_up) == (1, 0)  # one person, not one a record
    assert (three.offences_pre, three.offences_post) == (2, 1)
    assert (three.acquisitive_pre, three.acquisitive_post) == (1, 1)
    assert three.no_further_offences.as_json() == {"n": 0, "of": 1, "pct": 0}
    assert three.reduced_offending.as_json() == {"n": 1, "of": 1, "pct": 100}  # 1 < 2
    assert three.no_further_violence.as_json() == {"n": 1, "of": 1, "pct": 100}
    assert three.offence_change == -0.5

    six = follow_up(params, 6)
    assert (six.cohort, six.offences_pre, six.offences_post) == (1, 2, 2)
    assert six.reduced_offending.as_json() == {"n": 0, "of": 1, "pct": 0}  # 2 < 2: no

    # Filtered by area (through the referral's record): the same person, the same counts.
    in_ne = report_parameters(["ADAPT"], dt.date(2023, 4, 1), dt.date(2024, 4, 1),
                              dt.date(2024, 1, 15), area="NE")  # fmt: skip
    assert follow_up(in_ne, 3).as_json() == three.as_json()


def test_the_caseload_counts_a_person_engaged_under_both_references_once() -> None:
    s = sean()  # born 1 May 2006: 17 on 15 January 2024
    engaged_under(s.ps1, "ADAPT", dt.date(2024, 1, 2))
    engaged_under(s.ps7, "SIDESTEP", dt.date(2024, 1, 3))
    params = report_parameters(["ADAPT", "SIDESTEP"], dt.date(2024, 1, 1), dt.date(2024, 2, 1),
                               dt.date(2024, 1, 15))  # fmt: skip
    assert caseload(params) == [CaseloadCell("16-17", "M", 1)]
    # The funnel counts referrals, not people: two.
    assert (funnel(params).referred, funnel(params).started) == (2, 2)


# 4. Subject access ----------------------------------------------------------------------


def test_subject_access_lists_both_police_references_and_the_events_of_both(
    chronology_of_sean: Sean, tmp_path: Path
) -> None:
    s = chronology_of_sean
    call_command("sar", s.person.pk, out=tmp_path)
    stem = tmp_path / f"person-{s.person.pk}-subject-access"
    bundle = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    assert [(r["agency_id"], r["person_ref"]) for r in bundle["agency_records"]] == [
        ("HSCP_CJSW", "C1"),
        ("POLICE", "PS1"),
        ("POLICE", "PS7"),
    ]
    # Oldest first, from every agency and both police references.
    assert [e["event_ref"] for e in bundle["events"]] == [
        "PS1-A", "PS7-A", "C1-A", "PS1-B", "PS7-B",
    ]  # fmt: skip
    # Each event says which of the agency's references holds it.
    assert [e["record__person_ref"] for e in bundle["events"]] == [
        "PS1", "PS7", "C1", "PS1", "PS7",
    ]  # fmt: skip
    assert stem.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    html = render_to_string("sar/report.html", {"b": bundle})
    assert "How each agency knows you (3)" in html and "Events agencies recorded (5)" in html
    for ref in ("PS1", "PS7", "C1", "PS1-A", "PS1-B", "PS7-A", "PS7-B", "C1-A"):
        assert f">{ref}<" in html or f" {ref}<" in html, ref
    assert "<td>POLICE PS7-B</td><td>PS7</td>" in html


# 5. An import after the fact --------------------------------------------------------------


def test_an_events_row_for_the_second_police_reference_lands_on_the_same_person(
    tmp_path: Path,
) -> None:
    today = timezone.localdate()
    s = sean(born=dt.date(1990, 1, 1))
    for n, ref in ((40, "PS1-A"), (50, "PS1-B")):
        event_under(s.ps1, ref, noon(days_ago(n, today)), group="dishonesty", flags="substance")
    assert identify(today).found == 0  # two offences: not yet POP

    path = tmp_path / "events.csv"
    path.write_text(
        "agency,event_ref,person_ref,kind,occurred_at,crime_group,flags\n"
        f"POLICE,PS7-A,PS7,offence,{days_ago(5, today)}T12:00:00,dishonesty,substance\n",
        encoding="utf-8",
    )
    run = import_file("events", path)
    assert (run.created, run.rejected) == (1, 0)
    event = Event.objects.get(event_ref="PS7-A")
    assert (event.record_id, event.person_id) == (s.ps7.pk, s.person.pk)
    # What follows the import (identification for the people with new events) sees the
    # person's three offences: 3 + 3 + 3 x 2 = 12.
    candidate = Candidate.objects.get(person=s.person, status="open")
    assert (candidate.service_id, candidate.events_counted, candidate.score) == ("POP", 3, 12.0)
    assert api_event_refs(police_analyst(), s.person.pk) == ["PS7-A", "PS1-A", "PS1-B"]


# 6. Split and undo ------------------------------------------------------------------------


def test_splitting_the_duplicate_off_moves_its_events_only_and_undo_puts_them_back() -> None:
    s = sean(born=dt.date(1990, 1, 1))
    event_under(s.ps1, "PS1-A", noon(days_ago(40)), group="dishonesty", flags="substance")
    event_under(s.ps1, "PS1-B", noon(days_ago(50)), group="dishonesty", flags="substance")
    event_under(s.ps7, "PS7-A", noon(days_ago(5)), group="dishonesty", flags="substance")
    event_under(s.c1, "C1-A", noon(days_ago(20)), kind="concern")
    held_under_ps7 = ReferralFactory(person=s.person, record=s.ps7, service_id="ADAPT",
                                     referred_on=days_ago(3), state="sent")  # fmt: skip
    police = police_analyst()
    officer = UserFactory(username="dq", team="CJ_GLASGOW", role="data_quality")

    identify(AS_OF, full=True)
    before = Candidate.objects.get(person=s.person, status="open")
    assert (before.service_id, before.events_counted) == ("POP", 3)
    assert api_event_refs(police, s.person.pk) == ["PS7-A", "PS1-A", "PS1-B"]

    change = split_records(s.person.pk, [s.ps7.pk], by=officer, reason="PNC: another man")
    other = change.other_person_id
    owners = dict(Event.objects.values_list("event_ref", "person_id"))
    assert owners == {"PS1-A": s.person.pk, "PS1-B": s.person.pk, "C1-A": s.person.pk,
                      "PS7-A": other}  # fmt: skip
    assert (refs_of(s.person.pk), refs_of(other)) == (["C1", "PS1"], ["PS7"])
    held_under_ps7.refresh_from_db()
    assert held_under_ps7.person_id == other
    # The split is kept: PS7 apart from PS1 and from C1 on every later re-link.
    assert LinkReview.objects.filter(status="rejected").count() == 2
    assert Person.objects.get(pk=other).family_name == "Dunn"
    # Chronologies follow at once.
    assert api_event_refs(police, s.person.pk) == ["PS1-A", "PS1-B"]
    assert api_event_refs(police, other) == ["PS7-A"]
    # Identification: 2 offences left with Sean, 1 with the other man; neither fits POP.
    rerun = identify(AS_OF, full=True)
    assert (rerun.found, rerun.lapsed) == (0, 1)
    assert Candidate.objects.get(pk=before.pk).status == "lapsed"
    assert not Candidate.objects.filter(status="open").exists()

    undo(change, by=officer)
    owners = dict(Event.objects.values_list("event_ref", "person_id"))
    assert set(owners.values()) == {s.person.pk}
    held_under_ps7.refresh_from_db()
    assert held_under_ps7.person_id == s.person.pk
    assert not Person.objects.filter(pk=other).exists()
    assert refs_of(s.person.pk) == ["C1", "PS1", "PS7"]
    assert LinkReview.objects.count() == 0
    assert api_event_refs(police, s.person.pk) == ["PS7-A", "PS1-A", "PS1-B"]
    identify(AS_OF, full=True)
    again = Candidate.objects.get(person=s.person, status="open")
    assert (again.service_id, again.events_counted, again.score) == ("POP", 3, 12.0)
