"""Assessments with a configured instrument (CASEWORK.md "Assessment"): Pathways' open
distance-travelled instrument, each of its ten areas scored 1-10 by worker and person
together; a licensed tool recorded only as its level and the scores the partnership may
keep. And MAPPA, shown only to the roles whose agreements name it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pathways.casework.models import Assessment, CourtReport, Instrument, Level, Mappa, Order
from pathways.casework.refusals import Refused, refuse, who
from pathways.people.models import AgencyRecord


def assessment_problems(
    instrument: Instrument, stage: str, level: str, scores: dict[str, Any]
) -> list[tuple[str, str]]:
    """Every reason the assessment cannot be kept as given."""
    problems: list[tuple[str, str]] = []
    if stage not in Assessment.Stage.values:
        problems.append(
            ("stage", f"{stage!r} is not a stage ({', '.join(Assessment.Stage.values)})")
        )
    if level and level not in Level.values:
        problems.append(("level", f"{level!r} is not a level ({', '.join(Level.values)})"))
    if instrument.licensed:
        if instrument.has_level and not level:
            problems.append(("level", f"record the {instrument.name} level"))
        kept = set(instrument.scores)
        for code in sorted(set(scores) - kept):
            problems.append(
                (code, f"{instrument.name} keeps only {', '.join(kept) or 'its level'}")
            )
        for code in sorted(set(scores) & kept):
            if not isinstance(scores[code], int) or isinstance(scores[code], bool):
                problems.append((code, "a score is a whole number"))
        return problems
    items = [code for code, _ in instrument.items]
    for code in items:
        value = scores.get(code)
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append((code, "score every area"))
        elif not instrument.scale_min <= value <= instrument.scale_max:
            problems.append(
                (code, f"scores are {instrument.scale_min} to {instrument.scale_max}, not {value}")
            )
    for code in sorted(set(scores) - set(items)):
        problems.append((code, f"is not an area of {instrument.name}"))
    return problems


def record_assessment(
    user: Any,
    record: AgencyRecord,
    *,
    instrument: str,
    stage: str,
    assessed_on: dt.date,
    level: str = "",
    scores: dict[str, Any] | None = None,
    order: Order | None = None,
    report: CourtReport | None = None,
    assessment_ref: str | None = None,
) -> Assessment:
    """Keep an assessment of the person `record` names."""
    found = Instrument.objects.filter(code=instrument).first()
    if found is None:
        raise refuse("instrument", f"{instrument!r} is not a configured instrument")
    problems = assessment_problems(found, stage, level, scores or {})
    if problems:
        raise Refused(problems)
    return Assessment.objects.create(
        person_id=record.person_id, record=record, instrument=found.code, stage=stage,
        assessed_on=assessed_on, level=level, scores=scores or {}, order=order, report=report,
        assessor=who(user), assessment_ref=assessment_ref,
    )  # fmt: skip


def record_mappa(
    user: Any, record: AgencyRecord, *, category: int, level: int, from_on: dt.date
) -> Mappa:
    """The person `record` names is managed under MAPPA from `from_on` (an earlier entry
    ends then)."""
    if category not in (1, 2, 3) or level not in (1, 2, 3):
        raise refuse("category", "MAPPA category and level are 1, 2 or 3")
    Mappa.objects.filter(person_id=record.person_id, to_on=None).update(to_on=from_on)
    return Mappa.objects.create(
        person_id=record.person_id, record=record, category=category, level=level,
        from_on=from_on, by=who(user),
    )  # fmt: skip
