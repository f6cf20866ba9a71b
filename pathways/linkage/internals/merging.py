"""Merging two people, splitting records off a person, and undoing either.

Whatever belongs to a person follows the agency records it came from: events and
referrals by their record, custody visits and alerts by their event or referral. What
belongs to the person alone (consents, identification candidacies) stays with the person
that keeps its id on a split, and goes with the records on a merge. Every change is kept
in a `LinkChange` with each row's move, audited, and can be undone exactly; the
chronology follows at once, since events carry their person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection, models, transaction
from django.utils import timezone

from pathways.audit.log import operator_name, record_access
from pathways.linkage.internals.bulk_sql import insert_rows, update_from_rows
from pathways.linkage.internals.identity import refresh_identity
from pathways.linkage.models import LinkChange, LinkReview
from pathways.linkage.signals import people_merging
from pathways.people.models import AgencyRecord, Person


class LinkChangeRefused(ValueError):
    """The merge, split or undo asked for cannot be made; the message says why."""


def _person_models() -> list[type[models.Model]]:
    """Every model other than AgencyRecord whose rows point at a person."""
    found: list[type[models.Model]] = []
    for field in Person._meta.get_fields(include_hidden=True):
        model = field.related_model
        if field.auto_created and not field.concrete and isinstance(model, type):
            if model is not AgencyRecord:
                found.append(model)
    return found


def _record_paths(model: type[models.Model]) -> list[str]:
    """The lookups from a row of `model` to the agency record it came from (empty for a
    row that belongs to the person alone). A contact has two, one set on each row: the
    referral's record for a partner's contact, the order's for a session."""
    names = {f.name for f in model._meta.fields}
    if "record" in names:
        return ["record_id"]
    if "event" in names:
        return ["event__record_id"]
    return [f"{via}__record_id" for via in ("referral", "order") if via in names]


def person_rows(person_id: int) -> list[tuple[str, int, int | None]]:
    """(model label, pk, record id or None) for every row pointing at the person: the
    record it came from, or None for a row that belongs to the person alone."""
    rows: list[tuple[str, int, int | None]] = []
    for model in _person_models():
        label, paths = model._meta.label, _record_paths(model)
        query = model._default_manager.filter(person_id=person_id)
        if not paths:
            rows.extend((label, pk, None) for pk in query.values_list("pk", flat=True))
        else:
            for pk, *records in query.values_list("pk", *paths):
                rows.append((label, pk, next((r for r in records if r is not None), None)))
    return rows


def move_rows(rows: Iterable[Sequence[Any]]) -> None:
    """Point each (model label, pk, person) row at its person."""
    by_target: dict[tuple[str, int], list[int]] = {}
    for label, pk, person in rows:
        by_target.setdefault((label, person), []).append(pk)
    for (label, person), pks in by_target.items():
        model = apps.get_model(label)
        for start in range(0, len(pks), 1_000):
            model._default_manager.filter(pk__in=pks[start : start + 1_000]).update(
                person_id=person
            )


def _following_updates() -> list[str]:
    """UPDATE statements that point every row following a moved record at the record's
    person, given a table `link_moves(record_id, person_id)` of the records moved: the
    rows tied to a record first, then those tied to them (an event, a referral)."""
    direct, indirect = [], []
    for model in _person_models():
        paths = _record_paths(model)
        table = model._meta.db_table
        if paths == ["record_id"]:
            direct.append(
                f"UPDATE {table} SET person_id = m.person_id FROM link_moves m "
                f"WHERE {table}.record_id = m.record_id"
            )
    for model in _person_models():
        for path in _record_paths(model):
            if path == "record_id":
                continue
            table, via = model._meta.db_table, path.split("__")[0]
            target = model._meta.get_field(via).related_model._meta.db_table  # type: ignore[union-attr]
            indirect.append(
                f"UPDATE {table} SET person_id = t.person_id FROM {target} t, link_moves m "
                f"WHERE {table}.{via}_id = t.id AND t.record_id = m.record_id"
            )
    return direct + indirect


def redirect(
    record_moves: dict[int, int], heirs: dict[int, int], *, records_moved: bool = False
) -> None:
    """Set-based, for a full re-link: move each record of `record_moves` to its person
    (with `records_moved` the caller has), with every row that came from it; then point
    whatever still points at a person of `heirs` (what belonged to that person alone) at
    its heir, and delete those people. Not recorded: a re-link redraws people from the
    model and the decisions."""
    with connection.cursor() as cursor:
        for name, columns in (("link_moves", "record_id"), ("link_heirs", "person_id")):
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {name} ({columns} bigint PRIMARY KEY, "
                f"{'person_id' if name == 'link_moves' else 'heir_id'} bigint NOT NULL)"
            )
    insert_rows("link_moves", ("record_id", "person_id"), sorted(record_moves.items()))
    insert_rows("link_heirs", ("person_id", "heir_id"), sorted(heirs.items()))
    with connection.cursor() as cursor:
        if not records_moved:
            cursor.execute(
                "UPDATE people_agencyrecord SET person_id = m.person_id FROM link_moves m "
                "WHERE people_agencyrecord.id = m.record_id"
            )
        for statement in _following_updates():
            cursor.execute(statement)
        for model in _person_models():
            table = model._meta.db_table
            cursor.execute(
                f"UPDATE {table} SET person_id = h.heir_id FROM link_heirs h "
                f"WHERE {table}.person_id = h.person_id"
            )
        cursor.execute("DROP TABLE link_moves")
        cursor.execute("DROP TABLE link_heirs")
    gone = sorted(heirs)
    for start in range(0, len(gone), 1_000):
        Person.objects.filter(pk__in=gone[start : start + 1_000])._raw_delete(Person.objects.db)


def move_people(into: dict[int, int], *, records_moved: bool = False) -> None:
    """Move each absorbed person's records and everything pointing at them to the person
    `into[absorbed]`, and delete the absorbed people. Set-based (one UPDATE per table for
    all of them); with `records_moved` the caller has moved the agency records itself.
    Not recorded: automatic linking of new records uses it; a person's merge
    (`merge_people`) records what it moves."""
    pairs = sorted(into.items())
    if not pairs:
        return
    models_: list[type[models.Model]] = [*([] if records_moved else [AgencyRecord]),
                                         *_person_models()]  # fmt: skip
    for model in models_:
        update_from_rows(
            model._meta.db_table, "person_id", ["person_id"], pairs, ("bigint", "bigint")
        )
    # Nothing points at them any more: no need for Django's cascade collector.
    gone = sorted(into)
    for start in range(0, len(gone), 1_000):
        Person.objects.filter(pk__in=gone[start : start + 1_000])._raw_delete(Person.objects.db)


def detach_record(record_id: int) -> int:
    """Give the record a person of its own, with what came from it, when it shares one
    (its identity changed and it must be matched afresh). Not recorded: the agency
    changed the record. Returns the record's person."""
    record = AgencyRecord.objects.get(pk=record_id)
    if not AgencyRecord.objects.filter(person_id=record.person_id).exclude(pk=record_id).exists():
        return record.person_id
    person = Person.objects.create()
    rows = [
        (label, pk, person.pk)
        for label, pk, rec in person_rows(record.person_id)
        if rec == record_id
    ]
    AgencyRecord.objects.filter(pk=record_id).update(
        person_id=person.pk, link_method=AgencyRecord.LinkMethod.SINGLE, link_confidence=1.0
    )
    move_rows(rows)
    # A record left alone is linked to nothing any more.
    remaining = AgencyRecord.objects.filter(person_id=record.person_id)
    if remaining.count() == 1:
        remaining.update(link_method=AgencyRecord.LinkMethod.SINGLE, link_confidence=1.0)
    refresh_identity([record.person_id, person.pk])
    return person.pk


def _audit(by: User | None, action: str, people: Iterable[int], detail: str) -> None:
    if by is None:
        detail += f"; by operating-system user {operator_name()}"
    record_access(
        by or AnonymousUser(),
        action=action,
        allowed=True,
        person_ids=people,
        categories=["identity"],
        detail=detail,
    )


def _decide_pairs(
    pairs: Iterable[tuple[int, int]],
    status: str,
    *,
    by: User | None,
    reason: str,
    why: str,
) -> list[list[Any]]:
    """Record a decision on each record pair, kept for every later re-link. Returns each
    pair's state before, for an undo: [review id, status, decided by, decided at, reason]
    or [review id, None] for a pair decided here first."""
    before: list[list[Any]] = []
    now = timezone.now()
    for left, right in pairs:
        a, b = min(left, right), max(left, right)
        review = LinkReview.objects.filter(record_a_id=a, record_b_id=b).first()
        if review is None:
            review = LinkReview.objects.create(
                record_a_id=a, record_b_id=b, probability=None, match_weight=None, why=why
            )
            before.append([review.pk, None])
        else:
            before.append([
                review.pk, review.status, review.decided_by_id,
                review.decided_at.isoformat() if review.decided_at else None, review.reason,
            ])  # fmt: skip
        review.status, review.decided_by, review.decided_at = status, by, now
        review.reason = reason
        review.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return before


def _restore_pairs(states: Iterable[list[Any]]) -> None:
    for state in states:
        if state[1] is None:
            LinkReview.objects.filter(pk=state[0]).delete()
            continue
        pk, status, decided_by, decided_at, reason = state
        LinkReview.objects.filter(pk=pk).update(
            status=status,
            decided_by_id=decided_by,
            decided_at=decided_at,
            reason=reason,
        )


@transaction.atomic
def merge_people(
    kept: int,
    absorbed: int,
    *,
    by: User | None,
    reason: str,
    review: LinkReview | None = None,
) -> LinkChange:
    """Make `absorbed` part of `kept`: its records and everything of it move; the
    absorbed person's id is retired (an undo brings it back). The records of the merged
    person are marked `reviewed`: someone has looked. The decision is kept on `review`
    (the pair that prompted it) or on the two people's first records, so that every
    later re-link keeps them together."""
    if kept == absorbed:
        raise LinkChangeRefused("these records are already one person")
    if not reason.strip():
        raise LinkChangeRefused("say why the records are one person")
    people = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept, absorbed])}
    if len(people) != 2:
        raise LinkChangeRefused("one of the people no longer exists: it was merged or split")
    records: list[list[Any]] = [
        [r.pk, r.person_id, kept, r.link_method, r.link_confidence]
        for r in AgencyRecord.objects.filter(person_id__in=[kept, absorbed]).order_by("pk")
    ]
    rows: list[list[Any]] = [[label, pk, absorbed, kept] for label, pk, _ in person_rows(absorbed)]
    # The apps above are told, and may change their rows for it (linkage.signals).
    changes: list[list[Any]] = []
    for _, made in people_merging.send(sender=LinkChange, kept=kept, absorbed=absorbed):
        changes.extend(cast(list[list[Any]], made) or [])
    AgencyRecord.objects.filter(person_id=absorbed).update(person_id=kept)
    move_rows((label, pk, to) for label, pk, _, to in rows)
    AgencyRecord.objects.filter(person_id=kept).update(
        link_method=AgencyRecord.LinkMethod.REVIEWED, link_confidence=1.0
    )
    pair: tuple[int, int]
    if review is not None:
        pair = (review.record_a_id, review.record_b_id)
    else:
        pair = (
            min(r[0] for r in records if r[1] == kept),
            min(r[0] for r in records if r[1] == absorbed),
        )
    decided = _decide_pairs(
        [pair], LinkReview.Status.ACCEPTED, by=by, reason=reason, why="merged by a person"
    )
    people[absorbed].delete()
    refresh_identity([kept])
    change = LinkChange.objects.create(
        kind=LinkChange.Kind.MERGE,
        person_id=kept,
        other_person_id=absorbed,
        moves={"records": records, "rows": rows, "changes": changes, "reviews": decided},
        review=review,
        by=by,
        reason=reason,
    )
    _audit(by, "link_merge", [kept, absorbed], f"person {absorbed} merged into {kept}: {reason}")
    return change


@transaction.atomic
def split_records(
    person_id: int, record_ids: Iterable[int], *, by: User | None, reason: str
) -> LinkChange:
    """Move `record_ids` off `person_id` to a new person, with everything that came from
    them; what belongs to the person alone stays. The records moved, and those left, are
    marked `reviewed`."""
    if not reason.strip():
        raise LinkChangeRefused("say why these records are not this person")
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise LinkChangeRefused("the person no longer exists: they were merged or split")
    chosen = set(record_ids)
    all_records = list(AgencyRecord.objects.filter(person_id=person_id).order_by("pk"))
    moving = [r for r in all_records if r.pk in chosen]
    if not moving or len(moving) != len(chosen):
        raise LinkChangeRefused("choose records of this person to split off")
    if len(moving) == len(all_records):
        raise LinkChangeRefused("leave at least one record with the person")
    new_person = Person.objects.create()
    records = [[r.pk, person_id, new_person.pk, r.link_method, r.link_confidence] for r in moving]
    rows = [
        [label, pk, person_id, new_person.pk]
        for label, pk, record in person_rows(person_id)
        if record in chosen
    ]
    left_behind: list[list[Any]] = [
        [r.pk, person_id, person_id, r.link_method, r.link_confidence]
        for r in all_records
        if r.pk not in chosen
    ]
    AgencyRecord.objects.filter(pk__in=chosen).update(person_id=new_person.pk)
    move_rows((label, pk, to) for label, pk, _, to in rows)
    AgencyRecord.objects.filter(person_id__in=[person_id, new_person.pk]).update(
        link_method=AgencyRecord.LinkMethod.REVIEWED, link_confidence=1.0
    )
    # Kept apart on every later re-link, whatever the model says.
    decided = _decide_pairs(
        [(m.pk, r[0]) for m in moving for r in left_behind],
        LinkReview.Status.REJECTED,
        by=by,
        reason=reason,
        why="split by a person",
    )
    refresh_identity([person_id, new_person.pk])
    change = LinkChange.objects.create(
        kind=LinkChange.Kind.SPLIT,
        person_id=person_id,
        other_person_id=new_person.pk,
        moves={"records": records + left_behind, "rows": rows, "changes": [], "reviews": decided},
        by=by,
        reason=reason,
    )
    _audit(
        by,
        "link_split",
        [person_id, new_person.pk],
        f"records {sorted(chosen)} split off person {person_id} to {new_person.pk}: {reason}",
    )
    return change


@transaction.atomic
def undo(change: LinkChange, *, by: User | None) -> None:
    """Put every record and row back where `change` found it. Refused when a later
    change touched the same people (undo that first) or it is already undone."""
    change = LinkChange.objects.select_for_update().get(pk=change.pk)
    if change.undone_at is not None:
        raise LinkChangeRefused("this change has already been undone")
    touched = [change.person_id, change.other_person_id]
    later = (
        LinkChange.objects.filter(pk__gt=change.pk, undone_at__isnull=True)
        .filter(models.Q(person_id__in=touched) | models.Q(other_person_id__in=touched))
        .exists()
    )
    if later:
        raise LinkChangeRefused("a later change involves these people: undo it first")
    moves = change.moves
    # A merge retired a person id; bring it back.
    wanted = {frm for _, frm, *_ in moves["records"]}
    existing = set(Person.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    Person.objects.bulk_create([Person(pk=pk) for pk in sorted(wanted - existing)])
    for record_id, frm, _to, method, confidence in moves["records"]:
        AgencyRecord.objects.filter(pk=record_id).update(
            person_id=frm, link_method=method, link_confidence=confidence
        )
    move_rows((label, pk, frm) for label, pk, frm, _ in moves["rows"])
    for label, pk, field, before, _after in moves["changes"]:
        apps.get_model(label)._default_manager.filter(pk=pk).update(**{field: before})
    if change.kind == LinkChange.Kind.SPLIT:
        Person.objects.filter(pk=change.other_person_id, records__isnull=True).delete()
    refresh_identity([p for p in touched if Person.objects.filter(pk=p).exists()])
    change.undone_at = timezone.now()
    change.undone_by = by
    change.save(update_fields=["undone_at", "undone_by"])
    _restore_pairs(moves.get("reviews", []))
    _audit(by, "link_undo", touched, f"{change.kind} of {touched} undone")
