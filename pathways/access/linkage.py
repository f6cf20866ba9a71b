"""The linkage review's door to person data (issue 6).

A data quality officer decides whether agency records are one person. To decide, they
see the records' identity fields (names, date of birth, sex, postcode, address) and
nothing else of the person: no events, no referrals, no case notes. The `review_links`
capability opens this door and no other; every look is audited like any look at a
person.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from pathways.audit.log import record_access
from pathways.linkage.models import LinkChange, LinkReview
from pathways.partners.memberships import capabilities_of
from pathways.people.models import AgencyRecord, Person
from pathways.sharing.policy import User

BASIS = "linkage review: whether agency records are one person (identity fields only)"


def may_review_links(user: User) -> bool:
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    return "review_links" in capabilities_of(user)


def _require(user: User) -> None:
    if not may_review_links(user):
        raise PermissionDenied("Your role does not allow this (review_links).")


def _audit(user: User, action: str, people: Iterable[int], detail: str = "") -> None:
    record_access(user, action=action, allowed=True, person_ids=people,
                  categories=["identity"], basis=BASIS, detail=detail)  # fmt: skip


def review_queue(user: User) -> QuerySet[LinkReview]:
    """The pairs waiting for a decision, most likely to be one person first."""
    _require(user)
    return (
        LinkReview.objects.filter(status=LinkReview.Status.PENDING)
        .select_related("record_a", "record_b", "record_a__agency", "record_b__agency")
        .order_by("-probability", "pk")
    )


def record_queue_look(user: User, reviews: Iterable[LinkReview]) -> None:
    """Audit a page of the queue: the people whose records it showed."""
    people = {p for r in reviews for p in (r.record_a.person_id, r.record_b.person_id)}
    _audit(user, "view_link_queue", people)


def review_for(user: User, review_id: int) -> LinkReview:
    """One pair of records, audited; 404 when there is no such pair."""
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


def person_records_for_review(user: User, person_id: int) -> tuple[Person, list[AgencyRecord]]:
    """A person's agency records (their identity fields), to split wrongly linked ones off."""
    _require(user)
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


def link_changes(user: User) -> QuerySet[LinkChange]:
    """Merges and splits made by people, newest first."""
    _require(user)
    return LinkChange.objects.select_related("by", "undone_by", "review").order_by("-at", "-pk")
