"""An agency's own duplicates (issue 18): its records that Pathways holds to be one person,
each after the person's first record of the agency (the earliest received, ties by
reference), listed for the agency, exported by `pathways export duplicates`, and marked
as sent."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from pathways.linkage.models import DuplicateSent
from pathways.linkage.services import (
    agency_duplicates,
    duplicate_rows,
    mark_sent,
    pairs_of,
    split_records,
    with_state,
)
from pathways.people.models import AgencyRecord, Person
from tests.factories import AgencyRecordFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "agency,person_ref,duplicate_of,person_id,link_confidence"


def record(person: Person, agency: str, ref: str, confidence: float = 1.0) -> AgencyRecord:
    method = "single" if confidence == 1.0 else "probabilistic"
    return AgencyRecordFactory(
        person=person, agency_id=agency, person_ref=ref,
        link_method=method, link_confidence=confidence,
    )  # fmt: skip


def received(ref: str, when: dt.datetime) -> None:
    AgencyRecord.objects.filter(person_ref=ref).update(created_at=when)


def rows(agency: str) -> list[list[str]]:
    return list(duplicate_rows(agency))


@pytest.fixture
def two_and_three() -> tuple[Person, Person]:
    """Anne: two police records and a social work one. Bob: three police records."""
    anne = PersonFactory()
    record(anne, "POLICE", "PA-1")
    record(anne, "POLICE", "PA-2", 0.93)
    record(anne, "HSCP_CJSW", "CA-1", 0.999)
    bob = PersonFactory()
    record(bob, "POLICE", "PB-1")
    record(bob, "POLICE", "PB-2", 0.25)
    record(bob, "POLICE", "PB-3", 0.5)
    return anne, bob


def test_each_record_after_the_first_is_a_row_with_its_own_confidence(two_and_three) -> None:
    anne, bob = two_and_three
    assert rows("POLICE") == [
        ["POLICE", "PA-2", "PA-1", str(anne.pk), "0.93"],
        ["POLICE", "PB-2", "PB-1", str(bob.pk), "0.25"],
        ["POLICE", "PB-3", "PB-1", str(bob.pk), "0.5"],
    ]


def test_another_agencys_records_and_a_lone_record_are_not_listed(two_and_three) -> None:
    PersonFactory(records=[("POLICE", "PC-1")])  # one police record only
    assert rows("HSCP_CJSW") == []  # Anne's one social work record is no duplicate
    assert [r[1] for r in rows("POLICE")] == ["PA-2", "PB-2", "PB-3"]


def test_the_first_is_the_earliest_received_whatever_the_references() -> None:
    person = PersonFactory()
    record(person, "POLICE", "A-9")
    record(person, "POLICE", "B-1")
    received("B-1", timezone.now() - dt.timedelta(days=30))
    assert rows("POLICE") == [["POLICE", "A-9", "B-1", str(person.pk), "1"]]


def test_records_received_together_are_in_reference_order() -> None:
    person = PersonFactory()
    for ref in ("P-3", "P-1", "P-2"):
        record(person, "POLICE", ref)
    same = timezone.now()
    AgencyRecord.objects.update(created_at=same)
    assert [r[1:3] for r in rows("POLICE")] == [["P-2", "P-1"], ["P-3", "P-1"]]


def test_rows_are_ordered_by_person_then_as_received() -> None:
    low, high = PersonFactory(), PersonFactory()
    assert low.pk < high.pk
    for person, refs in ((high, ("H-1", "H-2")), (low, ("L-1", "L-2"))):  # high's first
        for ref in refs:
            record(person, "POLICE", ref)
    assert [r[1] for r in rows("POLICE")] == ["L-2", "H-2"]


def test_a_split_takes_the_pair_off_the_list(two_and_three) -> None:
    anne, _ = two_and_three
    pa2 = AgencyRecord.objects.get(person_ref="PA-2")
    split_records(anne.pk, [pa2.pk], by=None, reason="two brothers")
    assert [r[1] for r in rows("POLICE")] == ["PB-2", "PB-3"]


def test_splitting_off_the_first_makes_the_next_one_first(two_and_three) -> None:
    _, bob = two_and_three
    pb1 = AgencyRecord.objects.get(person_ref="PB-1")
    split_records(bob.pk, [pb1.pk], by=None, reason="an older namesake")
    assert [r[1:3] for r in rows("POLICE")] == [["PA-2", "PA-1"], ["PB-3", "PB-2"]]


def test_the_pairs_carry_both_records(two_and_three) -> None:
    [pair] = pairs_of(agency_duplicates("POLICE").filter(person_ref="PA-2"))
    assert (pair.record.person_ref, pair.first.person_ref, pair.sent) == ("PA-2", "PA-1", None)


def ids(*refs: str) -> tuple[int, ...]:
    return tuple(AgencyRecord.objects.get(person_ref=ref).pk for ref in refs)


def test_marking_is_idempotent_and_shows_on_the_pair(two_and_three) -> None:
    officer = UserFactory(username="dq")
    anne, _ = two_and_three
    first = mark_sent("POLICE", [ids("PA-2", "PA-1")], by=officer)
    assert (first.new, first.before, first.gone) == ([ids("PA-2", "PA-1")], [], [])
    assert first.people == {anne.pk}
    again = mark_sent("POLICE", [ids("PA-2", "PA-1")], by=UserFactory(username="other"))
    assert (again.new, again.before) == ([], [ids("PA-2", "PA-1")])
    mark = DuplicateSent.objects.get()
    assert mark.sent_by == officer
    [pair] = pairs_of(agency_duplicates("POLICE").filter(person_ref="PA-2"))
    assert pair.sent == mark


def test_the_state_picks_new_or_sent_pairs(two_and_three) -> None:
    mark_sent("POLICE", [ids("PB-3", "PB-1")], by=UserFactory())
    duplicates = agency_duplicates("POLICE")
    assert [r.person_ref for r in with_state(duplicates, sent=True)] == ["PB-3"]
    assert [r.person_ref for r in with_state(duplicates, sent=False)] == ["PA-2", "PB-2"]


def test_a_pair_no_longer_one_person_or_of_another_agency_is_not_marked(two_and_three) -> None:
    anne, _ = two_and_three
    split_records(anne.pk, list(ids("PA-2")), by=None, reason="two brothers")
    marked = mark_sent(
        "POLICE",
        [ids("PA-2", "PA-1"), ids("PB-2", "PA-1"), ids("CA-1", "PA-1"), ids("PB-2", "PB-1")],
        by=UserFactory(),
    )
    assert marked.new == [ids("PB-2", "PB-1")]
    assert marked.gone == [ids("PA-2", "PA-1"), ids("PB-2", "PA-1"), ids("CA-1", "PA-1")]
    assert DuplicateSent.objects.count() == 1


def test_a_mark_is_for_the_pair_it_named_not_for_the_record(two_and_three) -> None:
    """After PB-1 is split off, PB-3 duplicates PB-2: a new pair, not yet sent."""
    _, bob = two_and_three
    mark_sent("POLICE", [ids("PB-3", "PB-1")], by=UserFactory())
    split_records(bob.pk, list(ids("PB-1")), by=None, reason="an older namesake")
    [pair] = pairs_of(agency_duplicates("POLICE").filter(person_ref="PB-3"))
    assert (pair.first.person_ref, pair.sent) == ("PB-2", None)


# --- pathways export duplicates ------------------------------------------------------------


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", "duplicates", *args, stdout=out)
    return out.getvalue()


def test_the_export_writes_the_rows_exactly(two_and_three, tmp_path) -> None:
    anne, bob = two_and_three
    target = tmp_path / "police-duplicates.csv"
    err = io.StringIO()
    call_command("export", "duplicates", "--agency", "POLICE", "--out", str(target),
                 stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert target.read_text(encoding="utf-8") == (
        f"{HEADER}\n"
        f"POLICE,PA-2,PA-1,{anne.pk},0.93\n"
        f"POLICE,PB-2,PB-1,{bob.pk},0.25\n"
        f"POLICE,PB-3,PB-1,{bob.pk},0.5\n"
    )
    assert "3 duplicate(s) written to" in err.getvalue()


def test_the_export_goes_to_standard_output_without_out(two_and_three) -> None:
    assert export("--agency", "HSCP_CJSW") == HEADER + "\n"
    assert export("--agency", "POLICE").splitlines()[1].startswith("POLICE,PA-2,PA-1,")


def test_an_unknown_agency_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="no agency has the code 'NOPE' .*POLICE"):
        export("--agency", "NOPE")


def test_duplicates_need_an_agency_and_persons_take_none() -> None:
    with pytest.raises(CommandError, match="needs --agency"):
        export()
    with pytest.raises(CommandError, match="--agency is for duplicates"):
        call_command("export", "persons", "--agency", "POLICE", stdout=io.StringIO())
