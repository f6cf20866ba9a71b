"""Justice social work's migration feeds (CASEWORK.md "Feeds"): court_reports.csv,
orders.csv, sessions.csv, plans.csv, reviews.csv and assessments.csv, from the earlier
case system and the courts. The same guarantees as the others: a row is checked column
by column and rejected with every reason, the good rows land, a row sent again unchanged
is left alone, a changed row keeps its earlier version (SupersededRow).

The rules are the casework app's own (`casework.orders.order_problems`, the session
outcomes): an import cannot hold what the pages would refuse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from pathways.cases.models import Contact
from pathways.casework.models import (
    Assessment,
    Court,
    CourtReport,
    Instrument,
    Level,
    Order,
    Plan,
    Review,
)
from pathways.casework.orders import ENDINGS, REQUIREMENTS, order_problems
from pathways.feeds import fields
from pathways.feeds.formats import (
    ASSESSMENT_COLUMNS,
    COURT_REPORT_COLUMNS,
    ORDER_COLUMNS,
    PLAN_COLUMNS,
    REVIEW_COLUMNS,
    SESSION_COLUMNS,
)
from pathways.feeds.models import SupersededRow
from pathways.feeds.records import resolve_person_refs, unknown_person_reason
from pathways.feeds.specs import BatchResult, Codes, Pending, ProblemList
from pathways.partners.models import Team
from pathways.people.models import AgencyRecord, Person

SESSION_KINDS = ("upw", "other_activity", "supervision")
OUTCOMES = ("attended", "acceptable_absence", "unacceptable_absence", "sent_home")


def _number(p: ProblemList, column: str, value: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        p.add(column, f"{text!r} is not a whole number")
        return None
    return int(text)


def _hours(p: ProblemList, column: str, value: str) -> Decimal | None:
    text = value.strip()
    if not text:
        return None
    try:
        found = Decimal(text)
    except ArithmeticError:
        p.add(column, f"{text!r} is not a number of hours")
        return None
    if found < 0 or found > 24 or (found * 4) % 1:
        p.add(column, f"hours are 0 to 24 in quarter hours, not {text}")
        return None
    return found


def _d(value: Any) -> str:
    return (
        value.isoformat() if isinstance(value, dt.date) else ("" if value is None else str(value))
    )


def _refs(model: type[models.Model], field: str, keys: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for start in range(0, len(keys), 900):
        for row in model._default_manager.filter(**{f"{field}__in": keys[start : start + 900]}):
            found[getattr(row, field)] = row
    return found


def _orders_by_ref(refs: list[str]) -> dict[str, tuple[int, int]]:
    """order_ref -> (order id, person id)."""
    found: dict[str, tuple[int, int]] = {}
    for start in range(0, len(refs), 900):
        for ref, pk, person in Order.objects.filter(
            order_ref__in=refs[start : start + 900]
        ).values_list("order_ref", "pk", "person_id"):
            found[ref or ""] = (pk, person)
    return found


class _Upsert:
    """Write a batch keyed by a reference column: new rows created, changed rows saved with
    their earlier version kept, unchanged rows left alone. Subclasses say how a row
    becomes a model instance (`build`, or a rejection reason) and as a CSV row (`as_row`)."""

    kind: str
    key_column: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    model: type[models.Model]
    # What Pathways holds beside the feed's columns (who works the case, the project,
    # notes): kept when a changed row replaces the record.
    kept: tuple[str, ...] = ()

    def __init__(self, codes: Codes) -> None:
        self.codes = codes

    def context(self, batch: list[Pending]) -> dict[str, Any]:
        return {}

    def build(self, item: Pending, context: dict[str, Any]) -> Any:
        raise NotImplementedError

    def as_row(self, old: Any) -> dict[str, str]:
        raise NotImplementedError

    def carry(self, old: Any, built: Any) -> None:
        """What else of the record held (`old`) its new version keeps (none here)."""

    @transaction.atomic
    def write(self, batch: list[Pending], run_id: int) -> BatchResult:
        result = BatchResult()
        context = self.context(batch)
        existing = _refs(self.model, self.key_column, [i.key[0] for i in batch])
        new = []
        for item in batch:
            built = self.build(item, context)
            if isinstance(built, tuple):  # (column, reason): rejected
                result.rejected.append((item, *built))
                continue
            built.content_hash = item.content_hash
            old = existing.get(item.key[0])
            if old is None:
                new.append(built)
                continue
            if old.content_hash == item.content_hash:
                result.unchanged += 1
                continue
            SupersededRow.objects.create(
                run_id=run_id, kind=self.kind, key=item.key[0], content=self.as_row(old)
            )
            built.pk = old.pk
            for name in ("created_at", "recorded_at", *self.kept):
                if hasattr(old, name):
                    setattr(built, name, getattr(old, name))
            self.carry(old, built)
            if hasattr(old, "version"):
                built.version = old.version + 1
            built.save()
            result.updated += 1
        self.model._default_manager.bulk_create(new, batch_size=2000)
        result.created += len(new)
        return result


class _ByPerson(_Upsert):
    """Rows naming a person by agency and person_ref. A migrated order or report goes to
    the agency's team for the record's area (CJSW_NE for a record held in the north
    east), when the configuration has exactly one."""

    def context(self, batch: list[Pending]) -> dict[str, Any]:
        people = resolve_person_refs((i.clean["agency"], i.clean["person_ref"]) for i in batch)
        areas = dict(
            AgencyRecord.objects.filter(pk__in=[r for r, _ in people.values()]).values_list(
                "pk", "area_id"
            )
        )
        teams: dict[tuple[str, str], list[str]] = {}
        for code, agency, area in Team.objects.filter(service__isnull=True).values_list(
            "code", "agency_id", "area_id"
        ):
            teams.setdefault((agency, area or ""), []).append(code)
        return {"people": people, "areas": areas, "teams": teams}

    def team(self, item: Pending, record_id: int, context: dict[str, Any]) -> str | None:
        area = context["areas"].get(record_id) or ""
        found = context["teams"].get((item.clean["agency"], area), [])
        return found[0] if len(found) == 1 else None

    def whose(self, p: ProblemList, values: dict[str, str]) -> tuple[Any, Any, Any]:
        """The row's own reference, agency and person_ref, checked."""
        return (
            p.check(self.key_column, fields.reference, values[self.key_column]),
            p.check("agency", fields.choice, values["agency"], self.codes.agencies, "agency"),
            p.check("person_ref", fields.reference, values["person_ref"]),
        )

    def person(self, item: Pending, context: dict[str, Any]) -> tuple[int, int] | tuple[str, str]:
        ref = (item.clean["agency"], item.clean["person_ref"])
        found = context["people"].get(ref)
        return found if found else ("person_ref", unknown_person_reason(*ref))


class _ByOrder(_Upsert):
    """Rows naming an order by order_ref."""

    def context(self, batch: list[Pending]) -> dict[str, Any]:
        return {"orders": _orders_by_ref(sorted({i.clean["order_ref"] for i in batch}))}

    def whose(self, p: ProblemList, values: dict[str, str]) -> tuple[Any, Any]:
        """The row's own reference and its order's, checked."""
        return (
            p.check(self.key_column, fields.reference, values[self.key_column]),
            p.check("order_ref", fields.reference, values["order_ref"]),
        )

    def order(self, item: Pending, context: dict[str, Any]) -> tuple[int, int] | None:
        return context["orders"].get(item.clean["order_ref"])


UNKNOWN_ORDER = (
    "order_ref",
    "is not an order_ref of an order imported before (import orders.csv first)",
)


class CourtReportsSpec(_ByPerson):
    kind = "court_reports"
    key_column = "report_ref"
    columns = COURT_REPORT_COLUMNS
    required = ("report_ref", "agency", "person_ref", "court", "requested_on", "due_on", "status")
    model = CourtReport
    kept = ("author_id", "team_id", "cancelled_reason")

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        ref, agency, person_ref = self.whose(p, values)
        court = p.check("court", fields.choice, values["court"], frozenset(Court.values), "court")
        requested = p.check("requested_on", fields.parse_date, values["requested_on"])
        due = p.check("due_on", fields.parse_date, values["due_on"])
        submitted = p.check("submitted_on", fields.optional_date, values["submitted_on"])
        status = p.check("status", fields.choice, values["status"],
                         frozenset(CourtReport.Status.values), "status")  # fmt: skip
        level = values["risk_level"].strip()
        if level and level not in Level.values:
            p.add("risk_level", f"{level!r} is not a level ({', '.join(Level.values)})")
        sentence = values["sentence"].strip()
        if sentence and sentence not in CourtReport.Sentence.values:
            p.add("sentence", f"{sentence!r} is not a sentence "
                  f"({', '.join(CourtReport.Sentence.values)})")  # fmt: skip
        if status == "submitted" and submitted is None and values["submitted_on"].strip() == "":
            p.add("submitted_on", "is required when the status is submitted")
        if submitted and status != "submitted":
            p.add("status", "a report with submitted_on has the status submitted")
        if requested and due and due <= requested:
            p.add("due_on", f"the hearing ({due}) is after the request ({requested})")
        if requested and submitted and submitted < requested:
            p.add("submitted_on", f"{submitted} is before the request ({requested})")
        p.raise_if_any()
        clean = {
            "report_ref": ref,
            "agency": agency,
            "person_ref": person_ref,
            "court": court,
            "requested_on": requested,
            "due_on": due,
            "submitted_on": submitted,
            "status": status,
            "risk_level": level,
            "proposal": fields.text(values["proposal"]),
            "sentence": sentence,
        }
        return (ref,), clean

    def build(self, item: Pending, context: dict[str, Any]) -> Any:
        found = self.person(item, context)
        if isinstance(found[0], str):
            return found
        record_id, person_id = found
        c = item.clean
        return CourtReport(
            report_ref=c["report_ref"], record_id=record_id, person_id=person_id,
            team_id=self.team(item, record_id, context),
            court=c["court"], requested_on=c["requested_on"], due_on=c["due_on"],
            submitted_on=c["submitted_on"], status=c["status"], risk_level=c["risk_level"],
            proposal=c["proposal"], sentence=c["sentence"],
        )  # fmt: skip

    def as_row(self, old: Any) -> dict[str, str]:
        return {
            "report_ref": old.report_ref,
            "agency": old.record.agency_id,
            "person_ref": old.record.person_ref,
            "court": old.court,
            "requested_on": _d(old.requested_on),
            "due_on": _d(old.due_on),
            "submitted_on": _d(old.submitted_on),
            "status": old.status,
            "risk_level": old.risk_level,
            "proposal": old.proposal,
            "sentence": old.sentence,
        }


class OrdersSpec(_ByPerson):
    kind = "orders"
    key_column = "order_ref"
    columns = ORDER_COLUMNS
    required = ("order_ref", "agency", "person_ref", "type", "court", "imposed_on")
    model = Order
    kept = ("worker_id", "project_id", "team_id", "upw_extension_months")

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        ref, agency, person_ref = self.whose(p, values)
        kind = p.check("type", fields.choice, values["type"], frozenset(Order.Type.values), "type")
        court = p.check("court", fields.choice, values["court"], frozenset(Court.values), "court")
        imposed = p.check("imposed_on", fields.parse_date, values["imposed_on"])
        expected = p.check("expected_end", fields.optional_date, values["expected_end"])
        upw = _number(p, "upw_hours", values["upw_hours"])
        other = _number(p, "other_activity_hours", values["other_activity_hours"])
        months = _number(p, "supervision_months", values["supervision_months"])
        codes = sorted({c.strip() for c in values["requirements"].split(";") if c.strip()})
        for code in codes:
            if code not in REQUIREMENTS:
                p.add("requirements", f"{code!r} is not a requirement ({', '.join(REQUIREMENTS)})")
        if upw is not None and "unpaid_work" not in codes:
            codes = sorted([*codes, "unpaid_work"])
        if months is not None and "supervision" not in codes:
            codes = sorted([*codes, "supervision"])
        ended = p.check("ended_on", fields.optional_date, values["ended_on"])
        reason = values["end_reason"].strip()
        if reason and reason not in ENDINGS:
            p.add("end_reason", f"{reason!r} is not an ending ({', '.join(ENDINGS)})")
        if reason and not values["ended_on"].strip():
            p.add("ended_on", "an ending needs its date (ended_on is empty)")
        if values["ended_on"].strip() and not reason:
            p.add("end_reason", "is required when ended_on is given")
        if imposed and ended and ended < imposed:
            p.add("ended_on", f"{ended} is before the order was imposed ({imposed})")
        if kind and imposed:
            # The rules that do not need the person's age; the age is checked on writing.
            for column, why in order_problems(
                born=None, type=kind, imposed_on=imposed, upw_hours=upw,
                other_activity_hours=other, supervision_months=months, requirements=codes,
            ):  # fmt: skip
                p.add(column, why)
        p.raise_if_any()
        clean = {
            "order_ref": ref,
            "agency": agency,
            "person_ref": person_ref,
            "type": kind,
            "court": court,
            "imposed_on": imposed,
            "expected_end": expected,
            "upw_hours": upw,
            "other_activity_hours": other,
            "supervision_months": months,
            "requirements": ";".join(codes),
            "ended_on": ended,
            "end_reason": reason,
        }
        return (ref,), clean

    def context(self, batch: list[Pending]) -> dict[str, Any]:
        found = super().context(batch)
        ids = sorted({person for _, person in found["people"].values()})
        found["born"] = dict(Person.objects.filter(pk__in=ids).values_list("pk", "date_of_birth"))
        return found

    def build(self, item: Pending, context: dict[str, Any]) -> Any:
        found = self.person(item, context)
        if isinstance(found[0], str):
            return found
        record_id, person_id = found
        c = item.clean
        codes = c["requirements"].split(";") if c["requirements"] else []
        problems = order_problems(
            born=context["born"].get(person_id), type=c["type"], imposed_on=c["imposed_on"],
            upw_hours=c["upw_hours"], other_activity_hours=c["other_activity_hours"],
            supervision_months=c["supervision_months"], requirements=codes,
        )  # fmt: skip
        if problems:
            return problems[0]
        return Order(
            order_ref=c["order_ref"], record_id=record_id, person_id=person_id, type=c["type"],
            team_id=self.team(item, record_id, context),
            court=c["court"], imposed_on=c["imposed_on"], expected_end=c["expected_end"],
            upw_hours=c["upw_hours"], other_activity_hours=c["other_activity_hours"],
            supervision_months=c["supervision_months"], requirements=codes,
            state=c["end_reason"] or Order.State.ACTIVE, ended_on=c["ended_on"],
        )  # fmt: skip

    def carry(self, old: Any, built: Any) -> None:
        # A suspension recorded in Pathways stands while the feed says the order is on.
        if old.state == Order.State.SUSPENDED and built.state == Order.State.ACTIVE:
            built.state = Order.State.SUSPENDED

    def as_row(self, old: Any) -> dict[str, str]:
        return {
            "order_ref": old.order_ref,
            "agency": old.record.agency_id,
            "person_ref": old.record.person_ref,
            "type": old.type,
            "court": old.court,
            "imposed_on": _d(old.imposed_on),
            "expected_end": _d(old.expected_end),
            "upw_hours": _d(old.upw_hours),
            "other_activity_hours": _d(old.other_activity_hours),
            "supervision_months": _d(old.supervision_months),
            "requirements": ";".join(old.requirements),
            "ended_on": _d(old.ended_on),
            "end_reason": old.state if old.state in ENDINGS else "",
        }


class SessionsSpec(_ByOrder):
    kind = "sessions"
    key_column = "session_ref"
    columns = SESSION_COLUMNS
    required = ("session_ref", "order_ref", "kind", "date")
    model = Contact
    kept = ("project_id", "mode", "reason", "evidence", "notes", "recorded_by_id")

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        ref, order_ref = self.whose(p, values)
        kind = p.check("kind", fields.choice, values["kind"], frozenset(SESSION_KINDS), "kind")
        on = p.check("date", fields.parse_date, values["date"])
        offered = _hours(p, "hours_offered", values["hours_offered"])
        credited = _hours(p, "hours_credited", values["hours_credited"])
        outcome = values["outcome"].strip()
        if outcome and outcome not in OUTCOMES:
            p.add("outcome", f"{outcome!r} is not an outcome ({', '.join(OUTCOMES)})")
        if credited and outcome not in ("attended", "sent_home"):
            p.add("hours_credited", "hours are credited only for attended or sent_home")
        if credited is not None and offered is not None and credited > offered:
            p.add("hours_credited", f"{credited} is more than the hours offered ({offered})")
        if credited and offered is None:
            p.add("hours_offered", "is required when hours are credited")
        if kind == "supervision" and credited:
            p.add("hours_credited", "a supervision appointment credits no hours")
        p.raise_if_any()
        clean = {
            "session_ref": ref,
            "order_ref": order_ref,
            "kind": kind,
            "date": on,
            "hours_offered": offered,
            "outcome": outcome,
            "hours_credited": credited,
        }
        return (ref,), clean

    def context(self, batch: list[Pending]) -> dict[str, Any]:
        found = super().context(batch)
        ids = sorted({order for order, _ in found["orders"].values()})
        found["dates"] = {
            pk: (imposed, ended)
            for pk, imposed, ended in Order.objects.filter(pk__in=ids).values_list(
                "pk", "imposed_on", "ended_on"
            )
        }
        return found

    def build(self, item: Pending, context: dict[str, Any]) -> Any:
        found = self.order(item, context)
        if found is None:
            return UNKNOWN_ORDER
        order_id, person_id = found
        c = item.clean
        imposed, ended = context["dates"][order_id]
        if c["date"] < imposed:
            return ("date", f"{c['date']} is before the order was imposed ({imposed})")
        if ended and c["date"] > ended:
            return ("date", f"{c['date']} is after the order ended ({ended})")
        return Contact(
            session_ref=c["session_ref"], order_id=order_id, person_id=person_id, kind=c["kind"],
            on=c["date"], hours_offered=c["hours_offered"], attendance=c["outcome"],
            hours_credited=c["hours_credited"],
        )  # fmt: skip

    def as_row(self, old: Any) -> dict[str, str]:
        return {
            "session_ref": old.session_ref,
            "order_ref": old.order.order_ref or "",
            "kind": old.kind,
            "date": _d(old.on),
            "hours_offered": _d(old.hours_offered),
            "outcome": old.attendance,
            "hours_credited": _d(old.hours_credited),
        }


class PlansSpec(_ByOrder):
    kind = "plans"
    key_column = "plan_ref"
    columns = PLAN_COLUMNS
    required = ("plan_ref", "order_ref", "agreed_on")
    model = Plan
    kept = ("by_id",)

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        ref, order_ref = self.whose(p, values)
        agreed = p.check("agreed_on", fields.parse_date, values["agreed_on"])
        p.raise_if_any()
        return (ref,), {"plan_ref": ref, "order_ref": order_ref, "agreed_on": agreed}

    def build(self, item: Pending, context: dict[str, Any]) -> Any:
        found = self.order(item, context)
        if found is None:
            return UNKNOWN_ORDER
        c = item.clean
        return Plan(plan_ref=c["plan_ref"], order_id=found[0], agreed_on=c["agreed_on"])

    def as_row(self, old: Any) -> dict[str, str]:
        return {
            "plan_ref": old.plan_ref,
            "order_ref": old.order.order_ref or "",
            "agreed_on": _d(old.agreed_on),
        }


class ReviewsSpec(_ByOrder):
    kind = "reviews"
    key_column = "review_ref"
    columns = REVIEW_COLUMNS
    required = ("review_ref", "order_ref", "due_on")
    model = Review
    kept = ("attended", "progress", "notes", "by_id", "court_set")

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        ref, order_ref = self.whose(p, values)
        due = p.check("due_on", fields.parse_date, values["due_on"])
        held = p.check("held_on", fields.optional_date, values["held_on"])
        p.raise_if_any()
        return (ref,), {"review_ref": ref, "order_ref": order_ref, "due_on": due, "held_on": held}

    def context(self, batch: list[Pending]) -> dict[str, Any]:
        found = super().context(batch)
        ids = sorted({order for order, _ in found["orders"].values()})
        found["imposed"] = dict(Order.objects.filter(pk__in=ids).values_list("pk", "imposed_on"))
        return found

    def build(self, item: Pending, context: dict[str, Any]) -> Any:
        found = self.order(item, context)
        if found is None:
            return UNKNOWN_ORDER
        c = item.clean
        imposed = context["imposed"][found[0]]
        if c["held_on"] and c["held_on"] < imposed:
            return ("held_on", f"a review is not held before the order began ({imposed})")
        return Review(review_ref=c["review_ref"], order_id=found[0], due_on=c["due_on"],
                      held_on=c["held_on"])  # fmt: skip

    def as_row(self, old: Any) -> dict[str, str]:
        return {
            "review_ref": old.review_ref,
            "order_ref": old.order.order_ref or "",
            "due_on": _d(old.due_on),
            "held_on": _d(old.held_on),
        }


class AssessmentsSpec(_ByPerson):
    kind = "assessments"
    key_column = "assessment_ref"
    columns = ASSESSMENT_COLUMNS
    required = ("assessment_ref", "agency", "person_ref", "instrument", "stage", "assessed_on")
    model = Assessment
    kept = ("scores", "assessor_id", "order_id", "report_id")

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        ref, agency, person_ref = self.whose(p, values)
        instruments = frozenset(Instrument.objects.values_list("code", flat=True))
        instrument = p.check("instrument", fields.choice, values["instrument"], instruments,
                             "instrument")  # fmt: skip
        stage = p.check("stage", fields.choice, values["stage"],
                        frozenset(Assessment.Stage.values), "stage")  # fmt: skip
        on = p.check("assessed_on", fields.parse_date, values["assessed_on"])
        level = values["level"].strip()
        if level and level not in Level.values:
            p.add("level", f"{level!r} is not a level ({', '.join(Level.values)})")
        p.raise_if_any()
        clean = {
            "assessment_ref": ref,
            "agency": agency,
            "person_ref": person_ref,
            "instrument": instrument,
            "stage": stage,
            "assessed_on": on,
            "level": level,
        }
        return (ref,), clean

    def build(self, item: Pending, context: dict[str, Any]) -> Any:
        found = self.person(item, context)
        if isinstance(found[0], str):
            return found
        record_id, person_id = found
        c = item.clean
        return Assessment(
            assessment_ref=c["assessment_ref"], record_id=record_id, person_id=person_id,
            instrument=c["instrument"], stage=c["stage"], assessed_on=c["assessed_on"],
            level=c["level"],
        )  # fmt: skip

    def as_row(self, old: Any) -> dict[str, str]:
        return {
            "assessment_ref": old.assessment_ref,
            "agency": old.record.agency_id,
            "person_ref": old.record.person_ref,
            "instrument": old.instrument,
            "stage": old.stage,
            "assessed_on": _d(old.assessed_on),
            "level": old.level,
        }


SPECS = {
    "court_reports": CourtReportsSpec,
    "orders": OrdersSpec,
    "sessions": SessionsSpec,
    "plans": PlansSpec,
    "reviews": ReviewsSpec,
    "assessments": AssessmentsSpec,
}
