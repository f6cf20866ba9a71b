"""The door for the linkage review.

A data quality officer decides whether agency records are one person. To decide, they
see the records' identity fields (names, date of birth, sex, postcode, address) and
nothing else of the person: no events, no referrals, no case notes. The `review_links`
capability opens this door and no other (it opens neither the person page nor search);
every look is audited like any look at a person. The decisions themselves (link or keep
apart, split, undo) are linkage's (`linkage.services`), taken here with the door open.

The same officer tells each agency of its own records that Pathways holds to be one
person (`agency_duplicates`): the pairs' identity fields (names, date of birth,
postcode), each look at them, each download and each pair marked as sent audited with
the people concerned.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth.models import User as AuthUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import Http404

from pathways.access.pages import page_of_rows
from pathways.audit.log import record_access
from pathways.linkage.models import LinkChange, LinkReview
from pathways.linkage.services import (
    DuplicatePair,
    Marked,
    UnknownAgency,
    Waterfall,
    agency_duplicates,
    agency_named,
    decide,
    duplicate_rows,
    mark_sent,
    pairs_of,
    split_records,
    undo,
    waterfall,
    with_state,
)
from pathways.partners.capabilities import may_review_links
from pathways.partners.memberships import User
from pathways.partners.models import Agency
from pathways.people.models import AgencyRecord, Person
from pathways.people.scoping import door_open

BASIS = "linkage review: whether agency records are one person (identity fields only)"
DUPLICATES_BASIS = (
    "linkage review: telling an agency of its own records that are one person "
    "(identity fields only)"
)


def _require(user: User) -> None:
    if not may_review_links(user):
        raise PermissionDenied("Your role does not allow this (review_links).")


def _audit(
    user: User, action: str, people: Iterable[int], detail: str = "", basis: str = BASIS
) -> None:
    record_access(user, action=action, allowed=True, person_ids=people,
                  categories=["identity"], basis=basis, detail=detail)  # fmt: skip


def review_queue(user: User, *, page: object, per_page: int) -> Page[LinkReview]:
    """A page of the pairs waiting for a decision, most likely to be one person first;
    audited as a look at the people whose records it showed."""
    _require(user)
    with door_open():
        shown = page_of_rows(
            LinkReview.objects.filter(status=LinkReview.Status.PENDING)
            .select_related("record_a", "record_b", "record_a__agency", "record_b__agency")
            .order_by("-probability", "pk"),
            page,
            per_page,
        )
    people = {p for r in shown.object_list for p in (r.record_a.person_id, r.record_b.person_id)}
    if people:
        _audit(user, "view_link_queue", people)
    return shown


def pairs_waiting(user: User) -> int:
    """How many pairs wait for a decision (the menu's count); 0 for a user who may not
    review them."""
    if not may_review_links(user):
        return 0
    with door_open():
        return LinkReview.objects.filter(status=LinkReview.Status.PENDING).count()


def _review(user: User, review_id: int) -> LinkReview:
    _require(user)
    review = (
        LinkReview.objects.select_related(
            "record_a", "record_b", "record_a__agency", "record_b__agency", "decided_by"
        )
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("No such pair.")
    _audit(user, "view_link_review", {review.record_a.person_id, review.record_b.person_id},
           f"pair {review.pk}")  # fmt: skip
    return review


@dataclass(frozen=True)
class PairShown:
    """A pair of records side by side, and what the model made of each field."""

    review: LinkReview
    records: list[AgencyRecord]
    waterfall: Waterfall


def pair_for(user: User, review_id: int) -> PairShown:
    """One pair of records with the model's explanation, audited; 404 when there is no
    such pair."""
    with door_open():
        review = _review(user, review_id)
        return PairShown(
            review, [review.record_a, review.record_b], waterfall(review.record_a, review.record_b)
        )


def decide_pair(user: AuthUser, review_id: int, *, same_person: bool, reason: str) -> LinkReview:
    """Decide a pending pair: the same person (their people are merged) or different
    people (kept apart for good). Raises `linkage.services.LinkChangeRefused`."""
    with door_open():
        review = _review(user, review_id)
        decide(review, same_person=same_person, reason=reason, by=user)
    return review


def person_records_for_review(user: User, person_id: int) -> tuple[Person, list[AgencyRecord]]:
    """A person's agency records (their identity fields), to split wrongly linked ones off."""
    _require(user)
    with door_open():
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise Http404("No such person: they may have been merged into another.")
        records = list(
            AgencyRecord.objects.filter(person_id=person_id)
            .select_related("agency")
            .order_by("agency_id", "person_ref")
        )
    _audit(user, "view_person_records", [person_id])
    return person, records


def split_off(user: AuthUser, person_id: int, record_ids: list[int], *, reason: str) -> LinkChange:
    """Split the records `record_ids` off the person into a new one. Raises
    `linkage.services.LinkChangeRefused`."""
    _require(user)
    with door_open():
        return split_records(person_id, record_ids, by=user, reason=reason)


def link_changes(user: User, *, page: object, per_page: int) -> Page[LinkChange]:
    """A page of the merges and splits people made, newest first; audited as a look at
    the people they changed."""
    _require(user)
    with door_open():
        shown = page_of_rows(
            LinkChange.objects.select_related("by", "undone_by", "review").order_by("-at", "-pk"),
            page,
            per_page,
        )
    people = {p for c in shown.object_list for p in (c.person_id, c.other_person_id)}
    if people:
        _audit(user, "view_link_changes", people)
    return shown


def undo_change(user: AuthUser, change_id: int) -> LinkChange:
    """Undo a merge or split, exactly. Raises `linkage.services.LinkChangeRefused`; 404
    when there is no such change."""
    _require(user)
    with door_open():
        change = LinkChange.objects.filter(pk=change_id).first()
        if change is None:
            raise Http404("No such change.")
        undo(change, by=user)
    return change


# --- An agency's own duplicates ----------------------------------------------------------


def _agency(user: User, code: str) -> Agency:
    _require(user)
    try:
        return agency_named(code)
    except UnknownAgency:
        raise Http404("No agency with that code.") from None


# Which pairs the list shows: every pair, or only those not yet (or already) sent.
DUPLICATE_STATES = {"all": None, "new": False, "sent": True}


def agency_duplicates_for(
    user: User, code: str, *, state: str = "all", page: object, per_page: int
) -> tuple[Agency, Page[DuplicatePair]]:
    """The agency and a page of its own records that are one person, each beside its
    person's first record of the agency with the mark that the agency was told;
    `state` (DUPLICATE_STATES) picks all, new or sent pairs. Audited as a look at the
    people shown; 404 for an unknown agency."""
    agency = _agency(user, code)
    sent = DUPLICATE_STATES.get(state)
    with door_open():
        rows = agency_duplicates(agency.code)
        shown = page_of_rows(rows if sent is None else with_state(rows, sent=sent), page, per_page)
        shown.object_list = pairs_of(shown.object_list)
    people = {pair.record.person_id for pair in shown.object_list}
    if people:
        _audit(user, "view_agency_duplicates", people,
               f"{agency.code} ({state}), page {shown.number}", DUPLICATES_BASIS)  # fmt: skip
    return agency, shown


def agency_duplicates_download(user: User, code: str) -> tuple[Agency, Iterator[list[str]]]:
    """The agency and every row of its duplicates (`pathways export duplicates`, the same
    rows), streamed as the caller reads them; audited first as an export naming everyone
    the rows are of. 404 for an unknown agency."""
    agency = _agency(user, code)
    with door_open():
        people = set(agency_duplicates(agency.code).order_by().values_list("person_id", flat=True))
        rows = duplicate_rows(agency.code)
    _audit(user, "export_agency_duplicates", people,
           f"{agency.code}: the duplicates of {len(people)} people", DUPLICATES_BASIS)  # fmt: skip
    return agency, rows


def mark_duplicates_sent(user: AuthUser, code: str, pairs: Iterable[tuple[int, int]]) -> Marked:
    """Mark the agency's `pairs` (duplicate record id, first record id) as sent to it by
    `user`, now; idempotent, and a pair no longer one person is left unmarked. Audited
    with the people of the pairs marked. 404 for an unknown agency."""
    agency = _agency(user, code)
    with door_open():
        marked = mark_sent(agency.code, pairs, by=user)
    if marked.people:
        _audit(user, "mark_agency_duplicates_sent", marked.people,
               f"{agency.code}: {len(marked.new)} pair(s) marked, "
               f"{len(marked.before)} marked before", DUPLICATES_BASIS)  # fmt: skip
    return marked
