"""Identity as records land (issue 6): each imported record is matched against the
people already known with the probabilistic model shipped with Pathways (the test
database is too small to train one); sure pairs link, doubtful ones wait for review.

Records arrive as they do in practice, through the people importer.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.events.models import Event
from pathways.linkage.models import LinkReview
from pathways.people.models import AgencyRecord, Person
from pathways.referrals.models import Referral
from tests.linkage.conftest import HEADER, person_of

pytestmark = pytest.mark.django_db


def test_records_in_two_agencies_with_equal_names_and_birth_date_are_one_person(load) -> None:
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M")
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1")
    assert Person.objects.count() == 1


def test_case_spacing_punctuation_and_accents_are_ignored(load) -> None:
    load("POLICE,P1,Seán,  O'Neill ,1999-05-06,M", "HSCP_CJSW,C1,sean,oneill,1999-05-06,M")
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1")


def test_spacing_inside_a_name_is_ignored(load) -> None:
    load("POLICE,P1,Mary  Ann,Smith,1999-05-06,F", "HSCP_ADRS,A1,MaryAnn,SMITH,1999-05-06,F")
    assert person_of("POLICE", "P1") == person_of("HSCP_ADRS", "A1")


def test_a_record_links_to_one_imported_earlier_from_another_agency(load) -> None:
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M")
    load("HSCP_CJSW,C1,JAMIE,MCDONALD,2004-03-12,M")
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1")
    assert Person.objects.count() == 1


def test_records_in_three_agencies_are_one_person(load) -> None:
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M")
    load("HSCP_ADRS,A1,Jamie,McDonald,2004-03-12,")
    assert len({person_of("POLICE", "P1"), person_of("HSCP_ADRS", "A1")}) == 1
    assert Person.objects.count() == 1


def test_a_nickname_of_the_given_name_still_links(load) -> None:
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,James,McDonald,2004-03-12,M")
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1")


def test_a_misspelt_family_name_still_links(load) -> None:
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,Jamie,MacDonald,2004-03-12,M")
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1")


def test_the_same_name_born_years_apart_is_two_people_and_nothing_to_review(load) -> None:
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "HSCP_CJSW,C1,Anne,Smith,1985-07-21,F")
    assert person_of("POLICE", "P1") != person_of("HSCP_CJSW", "C1")
    assert not LinkReview.objects.exists()


def test_a_doubtful_pair_is_two_people_waiting_for_review(load) -> None:
    # The same name, and a birth month apart: perhaps a typo, perhaps a sister.
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "HSCP_CJSW,C1,Anne,Smith,1990-07-01,F")
    assert person_of("POLICE", "P1") != person_of("HSCP_CJSW", "C1")
    review = LinkReview.objects.get()
    assert review.status == LinkReview.Status.PENDING
    assert {review.record_a.person_ref, review.record_b.person_ref} == {"P1", "C1"}
    assert 0.5 <= review.probability < 0.9
    assert review.why == "the model is unsure"


def test_a_doubtful_pair_is_queued_once_however_often_it_is_imported(load) -> None:
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "HSCP_CJSW,C1,Anne,Smith,1990-07-01,F")
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "HSCP_CJSW,C1,Anne,Smith,1990-07-01,F")
    assert LinkReview.objects.count() == 1


def test_an_agencys_two_references_for_one_person_are_one_person(load) -> None:
    # Agencies hold duplicates (INTERCHANGE.md): linked like any other pair, and the
    # agency's references stay as they are.
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "POLICE,P2,Anne,Smith,1990-01-01,F")
    assert person_of("POLICE", "P1") == person_of("POLICE", "P2")
    assert Person.objects.count() == 1
    assert set(AgencyRecord.objects.values_list("person_ref", flat=True)) == {"P1", "P2"}


def test_an_agencys_duplicate_links_across_imports_too(load) -> None:
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "HSCP_CJSW,C1,Anne,Smith,1990-01-01,F")
    load("POLICE,P2,Anne,Smith,1990-01-01,F")
    assert person_of("POLICE", "P1") == person_of("POLICE", "P2") == person_of("HSCP_CJSW", "C1")


def test_an_agencys_records_split_apart_stay_apart_and_an_undo_joins_them(load) -> None:
    from pathways.linkage.services import split_records, undo
    from tests.factories import UserFactory

    officer = UserFactory()
    load("POLICE,P1,Anne,Smith,1990-01-01,F", "POLICE,P2,Anne,Smith,1990-01-01,F")
    person = person_of("POLICE", "P1")
    p2 = AgencyRecord.objects.get(person_ref="P2")
    split = split_records(person, [p2.pk], by=officer, reason="two women, says the police")
    assert person_of("POLICE", "P2") != person
    # A third record like both joins one of them (equal scores: the first record), and
    # the pair that would join the two people waits for review; the split holds.
    load("HSCP_CJSW,C1,Anne,Smith,1990-01-01,F")
    assert person_of("HSCP_CJSW", "C1") == person_of("POLICE", "P1") != person_of("POLICE", "P2")
    undo(split, by=officer)
    assert person_of("POLICE", "P1") == person_of("POLICE", "P2")


def test_names_alone_without_a_birth_date_or_an_address_do_not_link(load) -> None:
    load("POLICE,P1,Sean,O'Neill,,M", "HSCP_CJSW,C1,Sean,O'Neill,,M")
    assert person_of("POLICE", "P1") != person_of("HSCP_CJSW", "C1")


def test_names_and_a_postcode_link_without_a_birth_date(load) -> None:
    header = HEADER + ",postcode"
    load("POLICE,P1,Sean,O'Neill,,M,G31 2AB", "HSCP_CJSW,C1,Sean,O'Neill,,M,G31 2AB",
         header=header)  # fmt: skip
    assert person_of("POLICE", "P1") == person_of("HSCP_CJSW", "C1")


def test_linked_records_are_marked_probabilistic_with_the_pairs_probability(load) -> None:
    load(
        "POLICE,P1,Jamie,McDonald,2004-03-12,M",
        "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M",
        "POLICE,P2,Ann,Reid,1990-01-01,F",
    )
    methods = dict(AgencyRecord.objects.values_list("person_ref", "link_method"))
    assert methods == {"P1": "probabilistic", "C1": "probabilistic", "P2": "single"}
    confidence = dict(AgencyRecord.objects.values_list("person_ref", "link_confidence"))
    assert 0.9 <= confidence["P1"] == confidence["C1"] < 1
    assert confidence["P2"] == 1


def test_a_record_linked_by_a_later_import_becomes_probabilistic_too(load) -> None:
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M")
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M")
    assert AgencyRecord.objects.get(person_ref="P1").link_method == "probabilistic"


# A record whose identity changes in a later import.


@pytest.fixture
def linked_with_history(load) -> None:
    """POLICE/P1 and HSCP_CJSW/C1 are one person; each has an event; C1 a referral."""
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M")
    load(
        "POLICE,E1,P1,custody,2024-03-01",
        "HSCP_CJSW,E2,C1,concern,2024-03-02",
        kind="events",
        header="agency,event_ref,person_ref,kind,occurred_at",
    )
    load(
        "R1,HSCP_CJSW,C1,STARS,2024-03-03",
        kind="referrals",
        header="referral_ref,agency,person_ref,service,referred_on",
    )


def test_a_changed_birth_date_moves_the_record_off_the_shared_person(
    linked_with_history, load
) -> None:
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-21,M")
    assert person_of("HSCP_CJSW", "C1") != person_of("POLICE", "P1")
    assert Person.objects.count() == 2


def test_the_events_of_a_record_that_moves_go_with_it(linked_with_history, load) -> None:
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-21,M")
    assert Event.objects.get(event_ref="E2").person_id == person_of("HSCP_CJSW", "C1")
    assert Event.objects.get(event_ref="E1").person_id == person_of("POLICE", "P1")


def test_the_referrals_of_a_record_that_moves_go_with_it(linked_with_history, load) -> None:
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-21,M")
    assert Referral.objects.get().person_id == person_of("HSCP_CJSW", "C1")


def test_each_person_after_the_move_shows_its_own_records_birth_date(
    linked_with_history, load
) -> None:
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-21,M")
    assert Person.objects.get(pk=person_of("POLICE", "P1")).date_of_birth == dt.date(2004, 3, 12)
    assert Person.objects.get(pk=person_of("HSCP_CJSW", "C1")).date_of_birth == dt.date(2004, 3, 21)


def test_both_records_are_single_once_they_no_longer_match(linked_with_history, load) -> None:
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-21,M")
    methods = dict(AgencyRecord.objects.values_list("person_ref", "link_method"))
    assert methods == {"P1": "single", "C1": "single"}


def test_a_birth_date_removed_by_an_update_moves_the_record_off(linked_with_history, load) -> None:
    load("HSCP_CJSW,C1,Jamie,McDonald,,M")
    assert person_of("HSCP_CJSW", "C1") != person_of("POLICE", "P1")
    assert Event.objects.get(event_ref="E2").person_id == person_of("HSCP_CJSW", "C1")


def test_a_changed_birth_date_that_now_matches_joins_that_person(load) -> None:
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M", "HSCP_CJSW,C1,Jamie,McDonald,2004-03-21,M")
    load(
        "HSCP_CJSW,E2,C1,concern,2024-03-02",
        kind="events",
        header="agency,event_ref,person_ref,kind,occurred_at",
    )
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M")
    assert person_of("HSCP_CJSW", "C1") == person_of("POLICE", "P1")
    assert Event.objects.get().person_id == person_of("POLICE", "P1")
    assert Person.objects.count() == 1


def test_a_change_that_keeps_the_identity_keeps_the_person(linked_with_history, load) -> None:
    before = person_of("HSCP_CJSW", "C1")
    load("HSCP_CJSW,C1,JAMIE,Mc Donald,2004-03-12,M")
    assert person_of("HSCP_CJSW", "C1") == person_of("POLICE", "P1") == before


# The person's shown identity.


def test_the_person_shows_the_values_most_of_their_records_hold(load) -> None:
    load(
        "POLICE,P1,Seán,O'Neill,1999-05-06,M",
        "HSCP_CJSW,C1,Sean,O'Neill,1999-05-06,M",
        "HSCP_ADRS,A1,Sean,ONeill,1999-05-06,U",
    )
    person = Person.objects.get()
    assert (person.given_name, person.family_name, person.date_of_birth, person.sex) == (
        "Sean",
        "O'Neill",
        dt.date(1999, 5, 6),
        "M",
    )


def test_an_unknown_sex_gives_way_to_a_known_one(load) -> None:
    load("POLICE,P1,Ann,Reid,1990-01-01,U", "HSCP_CJSW,C1,Ann,Reid,1990-01-01,F")
    assert Person.objects.get().sex == "F"


def test_a_lone_record_is_its_persons_identity(load) -> None:
    load("POLICE,P1,Seán,O'Neill,1999-05-06,M")
    person = Person.objects.get()
    assert (person.given_name, person.family_name, person.date_of_birth, person.sex) == (
        "Seán",
        "O'Neill",
        dt.date(1999, 5, 6),
        "M",
    )


def test_on_a_tie_the_name_shown_stays_else_the_most_recent_records(load) -> None:
    """Issue 19: a tie does not swap the name shown for another record's spelling (after
    a split, a person took a record's typo as their name)."""
    load("POLICE,P1,Seán,O'Neill,1999-05-06,M")
    load("HSCP_CJSW,C1,Sean,O'Neill,1999-05-06,M")
    assert Person.objects.get().given_name == "Seán"  # a tie: the name shown stays
    load("POLICE,P1,Seán,O'Neill,1999-05-06,U")  # the police record changes last
    assert Person.objects.get().given_name == "Seán"  # still a tie
    load("HSCP_CJSW,C2,Sean,O'Neill,1999-05-06,M")  # a third record: Sean is held most
    assert Person.objects.get().given_name == "Sean"


def test_keys_left_by_a_record_deleted_outside_django_find_nothing(load) -> None:
    """The keys table keeps no database constraint: a record deleted by hand leaves its
    keys, and a record arriving later that probes them is matched all the same."""
    from django.db import connection

    load("POLICE,P1,Jamie,McDonald,2004-03-12,M")
    gone = AgencyRecord.objects.get(agency_id="POLICE", person_ref="P1")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM people_agencyrecord WHERE id = %s", [gone.pk])
    load("HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M", "POLICE,P2,Jamie,McDonald,2004-03-12,M")
    assert person_of("HSCP_CJSW", "C1") == person_of("POLICE", "P2")


def test_a_changed_row_keeps_the_link_its_batch_just_made(load) -> None:
    # In one batch new records are matched first, then changed ones are saved: the save
    # must not put back the link the record had before the batch.
    header = HEADER + ",area"
    load("POLICE,P1,Jamie,McDonald,2004-03-12,M,NE", header=header)
    assert AgencyRecord.objects.get(person_ref="P1").link_method == "single"
    load(
        "POLICE,P1,Jamie,McDonald,2004-03-12,M,NW",  # the area changed: not an identity field
        "HSCP_CJSW,C1,Jamie,McDonald,2004-03-12,M,",
        header=header,
    )
    p1 = AgencyRecord.objects.get(person_ref="P1")
    assert (p1.area_id, p1.link_method) == ("NW", "probabilistic")
    assert p1.person_id == person_of("HSCP_CJSW", "C1")
