"""people.csv: one agency's records of people (INTERCHANGE.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.feeds import fields
from pathways.feeds.formats import PEOPLE_COLUMNS
from pathways.feeds.models import SupersededRow
from pathways.feeds.specs import BatchResult, Codes, Pending, ProblemList
from pathways.people.models import AgencyRecord, Person
from pathways.people.names import name_key

SEXES = frozenset({"M", "F", "X", "U"})
# The record's fields a people.csv row sets (`_update`).
_ROW_FIELDS = (
    "given_name", "family_name", "date_of_birth", "sex", "postcode", "area", "address",
    "given_key", "family_key", "content_hash",
)  # fmt: skip


class PeopleSpec:
    kind = "people"
    key_column = "person_ref"
    columns = PEOPLE_COLUMNS
    required = ("agency", "person_ref", "family_name")

    def __init__(self, codes: Codes, *, link: bool = True) -> None:
        self.codes = codes
        # False: records are stored unmatched, each a person of its own, for
        # `pathways link` to link after (a first load of a whole partnership).
        self.link = link

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        fast = self._clean_valid(values)
        if fast is not None:
            return fast
        return self._clean_with_reasons(values)

    def _clean_valid(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]] | None:
        """The common case, quickly: a row with nothing wrong, or None to look closer.

        Must accept exactly what `_clean_with_reasons` accepts, with the same result
        (a property test holds them together).
        """
        agency = values["agency"].strip()
        person_ref = values["person_ref"].strip()
        given = values["given_name"].strip()
        family = values["family_name"].strip()
        born = values["date_of_birth"].strip()
        sex = values["sex"].strip()
        area = values["area"].strip()
        address = values["address"].strip()
        if not (
            agency in self.codes.agencies
            and 0 < len(person_ref) <= fields.REF_MAX
            and len(given) <= fields.TEXT_MAX
            and 0 < len(family) <= fields.TEXT_MAX
            and (not sex or sex in SEXES)
            and (not area or area in self.codes.areas)
            and len(address) <= fields.ADDRESS_MAX
        ):
            return None
        dob = None
        if born:
            # Plain digits only: the full check's \d also matches other scripts' digits.
            if not (len(born) == 10 and born.isascii() and born[4] == born[7] == "-"):
                return None
            if not (born[:4].isdigit() and born[5:7].isdigit() and born[8:].isdigit()):
                return None
            try:
                dob = dt.date.fromisoformat(born)
            except ValueError:
                return None
        try:
            postcode = fields.normalise_postcode(values["postcode"])
        except fields.BadValue:
            return None
        values_in_order = (agency, person_ref, given, family, dob, sex, postcode, area, address)
        return (agency, person_ref), dict(zip(PEOPLE_COLUMNS, values_in_order, strict=True))

    def _clean_with_reasons(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        agency = p.check("agency", fields.choice, values["agency"], self.codes.agencies, "agency")
        person_ref = p.check("person_ref", fields.reference, values["person_ref"])
        given = p.check("given_name", fields.text, values["given_name"])
        family = p.check("family_name", fields.required_text, values["family_name"])
        dob = p.check("date_of_birth", fields.optional_date, values["date_of_birth"])
        sex = values["sex"].strip()
        if sex and sex not in SEXES:
            p.add("sex", f"{sex!r} is not a known sex (M, F, X or U)")
        postcode = p.check("postcode", fields.normalise_postcode, values["postcode"])
        area = values["area"].strip()
        if area and area not in self.codes.areas:
            p.add(
                "area",
                f"{area!r} is not a known area (one of: {', '.join(sorted(self.codes.areas))})",
            )
        address = p.check("address", fields.text, values["address"], fields.ADDRESS_MAX)
        p.raise_if_any()
        values_in_order = (agency, person_ref, given, family, dob, sex, postcode, area, address)
        return (agency, person_ref), dict(zip(PEOPLE_COLUMNS, values_in_order, strict=True))

    @transaction.atomic
    def write(self, batch: list[Pending], run_id: int) -> BatchResult:
        result = BatchResult()
        existing: dict[tuple[str, ...], AgencyRecord] = {}
        by_agency: dict[str, list[str]] = {}
        for item in batch:
            by_agency.setdefault(item.key[0], []).append(item.key[1])
        for agency, refs in by_agency.items():
            for record in AgencyRecord.objects.filter(agency_id=agency, person_ref__in=refs):
                existing[(agency, record.person_ref)] = record

        new_items = [i for i in batch if i.key not in existing]
        changed: list[tuple[Pending, AgencyRecord]] = []
        for item in batch:
            found = existing.get(item.key)
            if found is None:
                continue
            record = found
            if record.content_hash == item.content_hash:
                result.unchanged += 1
            else:
                changed.append((item, record))

        self._create(new_items, result)
        for item, record in changed:
            self._update(item, record, run_id)
            result.updated += 1
        return result

    def _create(self, items: list[Pending], result: BatchResult) -> None:
        """Each new record starts as a person of its own; matching then joins it to the
        person it is (`linkage.services.link_new_records`), within this batch's
        transaction."""
        from pathways.linkage.services import link_new_records

        people = [
            Person(
                given_name=item.clean["given_name"],
                family_name=item.clean["family_name"],
                date_of_birth=item.clean["date_of_birth"],
                sex=item.clean["sex"] or "U",
            )
            for item in items
        ]
        Person.objects.bulk_create(people)
        records = [self._record(item) for item in items]
        for record, person in zip(records, people, strict=True):
            record.person_id = person.pk
        AgencyRecord.objects.bulk_create(records)
        if self.link:
            link_new_records([r.pk for r in records])
        result.created += len(records)

    @staticmethod
    def _record(item: Pending) -> AgencyRecord:
        c = item.clean
        return AgencyRecord(
            agency_id=c["agency"],
            person_ref=c["person_ref"],
            given_name=c["given_name"],
            family_name=c["family_name"],
            date_of_birth=c["date_of_birth"],
            sex=c["sex"],
            postcode=c["postcode"],
            area_id=c["area"] or None,
            address=c["address"],
            given_key=name_key(c["given_name"]),
            family_key=name_key(c["family_name"]),
            content_hash=item.content_hash,
        )

    def _update(self, item: Pending, record: AgencyRecord, run_id: int) -> None:
        from pathways.linkage.services import link_record_of, record_changed, refresh_identity

        SupersededRow.objects.create(
            run_id=run_id, kind=self.kind, key="/".join(item.key), content=as_row(record)
        )
        c = item.clean
        before = link_record_of(record)
        old_key = (record.given_key, record.family_key, record.date_of_birth)
        record.given_name = c["given_name"]
        record.family_name = c["family_name"]
        record.date_of_birth = c["date_of_birth"]
        record.sex = c["sex"]
        record.postcode = c["postcode"]
        record.area_id = c["area"] or None
        record.address = c["address"]
        record.given_key = name_key(c["given_name"])
        record.family_key = name_key(c["family_name"])
        record.content_hash = item.content_hash
        # Only what the row holds: matching earlier in this batch may have changed the
        # record's person or link, which this copy of it, read before, does not know.
        record.save(update_fields=[*_ROW_FIELDS, "updated_at"])
        if link_record_of(record) != before:
            record_changed(
                record.pk,
                before,
                was_linked=record.linked_at is not None,
                rematch=(record.given_key, record.family_key, record.date_of_birth) != old_key,
                link=self.link,
            )
        refresh_identity([AgencyRecord.objects.get(pk=record.pk).person_id])


def as_row(record: AgencyRecord) -> dict[str, str]:
    """An agency record as a people.csv row."""
    return {
        "agency": record.agency_id,
        "person_ref": record.person_ref,
        "given_name": record.given_name,
        "family_name": record.family_name,
        "date_of_birth": record.date_of_birth.isoformat() if record.date_of_birth else "",
        "sex": record.sex,
        "postcode": record.postcode,
        "area": record.area_id or "",
        "address": record.address,
    }
