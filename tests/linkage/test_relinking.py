"""A full re-link (`pathways link --full`, issue 6): the people are redrawn from every
record's pairs, decisions a person made hold, person ids stay stable, and the keys that
incremental matching reads come out as incremental matching made them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from pathways.events.models import Event
from pathways.linkage.internals import relinking
from pathways.linkage.internals.merging import merge_people, split_records
from pathways.linkage.internals.relinking import relink_everyone
from pathways.linkage.models import LinkFrequency, LinkKey, LinkReview, LinkRun
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Consent
from tests.linkage.conftest import person_of

pytestmark = pytest.mark.django_db

EVENTS = "agency,event_ref,person_ref,kind,occurred_at"
PEOPLE = (
    "POLICE,P1,Jamie,McDonald,2004-03-12,M",
    "HSCP_CJSW,C1,James,McDonald,2004-03-12,M",
    "HSCP_ADRS,A1,Jamie,MacDonald,2004-03-12,M",
    "POLICE,P2,Anne,Smith,1990-01-01,F",
    "HSCP_CJSW,C2,Anne,Smith,1990-07-01,F",
    "POLICE,P3,Ross,Kerr,1979-11-30,M",
)


@pytest.fixture
def partnership(load):
    load(*PEOPLE)
    load("POLICE,E1,P1,custody,2024-03-01", "HSCP_CJSW,E2,C1,concern,2024-03-02",
         kind="events", header=EVENTS)  # fmt: skip


def people() -> dict[str, int]:
    return dict(AgencyRecord.objects.values_list("person_ref", "person_id"))


def test_a_re_link_of_people_linked_as_they_landed_changes_nobody(partnership) -> None:
    before = people()
    keys = set(LinkKey.objects.values_list("key", "record_id"))
    counts = set(LinkFrequency.objects.values_list("field", "value", "records"))
    outcome = relink_everyone()
    assert people() == before
    assert outcome.records_moved == 0 and not outcome.trained
    # Incremental matching stored the same keys and counts a full run computes.
    assert set(LinkKey.objects.values_list("key", "record_id")) == keys
    assert set(LinkFrequency.objects.values_list("field", "value", "records")) == counts
    assert outcome.to_review == 1  # Anne Smith's two birth dates


def test_records_linked_by_the_model_are_one_person_with_their_events(partnership) -> None:
    relink_everyone()
    jamie = person_of("POLICE", "P1")
    assert person_of("HSCP_CJSW", "C1") == person_of("HSCP_ADRS", "A1") == jamie
    assert set(Event.objects.values_list("person_id", flat=True)) == {jamie}


def test_people_split_apart_by_a_person_stay_apart(partnership, make_user) -> None:
    officer = make_user("dq", team="CJ_GLASGOW", role="data_quality")
    jamie = person_of("POLICE", "P1")
    a1 = AgencyRecord.objects.get(person_ref="A1").pk
    split_records(jamie, [a1], by=officer, reason="a cousin")
    outcome = relink_everyone()
    # Two rejected pairs (A1 with P1, A1 with C1), both of which the model would link.
    assert (outcome.decisions, outcome.decisions_agreed) == (2, 0)
    assert person_of("HSCP_ADRS", "A1") != person_of("POLICE", "P1")
    assert person_of("HSCP_CJSW", "C1") == person_of("POLICE", "P1")


def test_people_merged_by_a_person_stay_merged(partnership, make_user) -> None:
    officer = make_user("dq", team="CJ_GLASGOW", role="data_quality")
    review = LinkReview.objects.get(status=LinkReview.Status.PENDING)
    merge_people(person_of("POLICE", "P2"), person_of("HSCP_CJSW", "C2"), by=officer,
                 reason="same woman", review=review)  # fmt: skip
    outcome = relink_everyone()
    assert person_of("POLICE", "P2") == person_of("HSCP_CJSW", "C2")
    assert outcome.to_review == 0
    # The model alone would not have linked them (0.77): it disagrees with the decision.
    assert (outcome.decisions, outcome.decisions_agreed) == (1, 0)
    assert AgencyRecord.objects.get(person_ref="C2").link_method == "reviewed"


def test_a_person_wrongly_joined_is_redrawn_keeping_the_id_most_records_had(
    partnership,
) -> None:
    jamie = person_of("POLICE", "P1")
    ross = AgencyRecord.objects.get(person_ref="P3")
    old_ross = ross.person_id
    # As if an old rule had put Ross's record on Jamie.
    AgencyRecord.objects.filter(pk=ross.pk).update(person_id=jamie)
    Person.objects.filter(pk=old_ross).delete()
    outcome = relink_everyone()
    assert person_of("POLICE", "P1") == jamie
    assert person_of("POLICE", "P3") not in (jamie, old_ross)
    assert outcome.records_moved == 1
    assert AgencyRecord.objects.get(person_ref="P3").link_method == "single"


def test_a_run_that_fails_changes_nothing(partnership, monkeypatch) -> None:
    jamie = person_of("POLICE", "P1")
    AgencyRecord.objects.filter(person_ref="P3").update(person_id=jamie)
    before = people()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(relinking, "_store_keys_and_frequencies", fail)
    with pytest.raises(RuntimeError):
        relink_everyone()
    assert people() == before


def test_the_link_command_reports_what_it_did(partnership) -> None:
    out = io.StringIO()
    call_command("link", "--full", stdout=out)
    assert "6 records" in out.getvalue()
    assert "too few records to train on" in out.getvalue()
    assert "1 pairs for review" in out.getvalue()
    out = io.StringIO()
    call_command("link", stdout=out)
    assert out.getvalue().startswith("link: 0 records matched")


def test_each_link_run_is_recorded_with_what_it_did(partnership) -> None:
    call_command("link", "--full", stdout=io.StringIO())
    run = LinkRun.objects.get()
    assert (run.kind, run.status) == ("full", "finished")
    assert run.summary["records"] == 6 and run.summary["to_review"] == 1
    assert run.finished_at is not None and run.operator


def test_a_failed_link_run_is_recorded_as_failed_with_the_error(partnership, monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(relinking, "_store_keys_and_frequencies", fail)
    with pytest.raises(RuntimeError):
        call_command("link", "--full", stdout=io.StringIO())
    run = LinkRun.objects.get()
    assert run.status == "failed" and run.error == "RuntimeError: disk full"


def test_a_deferred_import_leaves_records_for_link_to_match(tmp_path) -> None:
    (tmp_path / "people.csv").write_text(
        "agency,person_ref,given_name,family_name,date_of_birth,sex\n" + "\n".join(PEOPLE) + "\n",
        encoding="utf-8",
    )
    call_command("import", "people", str(tmp_path / "people.csv"), "--defer-linking",
                 stdout=io.StringIO())  # fmt: skip
    assert Person.objects.count() == 6
    assert not LinkKey.objects.exists()
    out = io.StringIO()
    call_command("link", stdout=out)
    assert out.getvalue().startswith("link: 6 records matched; 2 joined to a person; 1 pairs")
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1") == person_of("HSCP_ADRS", "A1")
    assert LinkRun.objects.get().summary["records"] == 6


def test_a_full_re_link_moves_what_came_from_each_record_and_what_a_person_held_alone(
    tmp_path, make_user
) -> None:
    (tmp_path / "people.csv").write_text(
        "agency,person_ref,given_name,family_name,date_of_birth,sex\n" + "\n".join(PEOPLE) + "\n",
        encoding="utf-8",
    )
    call_command("import", "people", str(tmp_path / "people.csv"), "--defer-linking",
                 stdout=io.StringIO())  # fmt: skip
    (tmp_path / "events.csv").write_text(
        EVENTS + "\nHSCP_CJSW,E2,C1,concern,2024-03-02\nHSCP_ADRS,E3,A1,concern,2024-03-03\n",
        encoding="utf-8",
    )
    call_command("import", "events", str(tmp_path / "events.csv"), stdout=io.StringIO())
    officer = make_user("worker", team="CJ_GLASGOW", role="data_quality")
    c1_alone = person_of("HSCP_CJSW", "C1")
    consent = Consent.objects.create(
        person_id=c1_alone, service_id="STARS", answer="yes", on=dt.date(2024, 3, 1),
        method="verbal", recorded_by=officer,
    )  # fmt: skip
    outcome = relink_everyone()
    jamie = person_of("POLICE", "P1")
    assert person_of("HSCP_CJSW", "C1") == person_of("HSCP_ADRS", "A1") == jamie
    assert outcome.records_moved == 2
    assert set(Event.objects.values_list("person_id", flat=True)) == {jamie}
    consent.refresh_from_db()
    assert consent.person_id == jamie  # C1's person was retired: its consent went with C1
    assert not Person.objects.filter(pk=c1_alone).exists()
