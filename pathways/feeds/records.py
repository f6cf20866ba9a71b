"""Finding the agency records that imported rows refer to by `person_ref`."""

from __future__ import annotations

from collections.abc import Iterable

from pathways.people.models import AgencyRecord


def resolve_person_refs(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    """(agency, person_ref) -> (record id, person id) for the references that exist."""
    by_agency: dict[str, set[str]] = {}
    for agency, ref in keys:
        by_agency.setdefault(agency, set()).add(ref)
    found: dict[tuple[str, str], tuple[int, int]] = {}
    for agency, refs in by_agency.items():
        wanted = sorted(refs)
        for start in range(0, len(wanted), 900):
            rows = AgencyRecord.objects.filter(
                agency_id=agency, person_ref__in=wanted[start : start + 900]
            ).values_list("person_ref", "pk", "person_id")
            for ref, record_id, person_id in rows:
                found[(agency, ref)] = (record_id, person_id)
    return found


def unknown_person_reason(agency: str, ref: str) -> str:
    return f"{ref!r} is not a person_ref of agency {agency} (import that agency's people first)"
