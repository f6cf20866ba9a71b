"""referrals.csv: the history of referrals, migrated from an earlier system."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pathways.feeds import fields
from pathways.feeds.formats import REFERRAL_COLUMNS
from pathways.feeds.models import SupersededRow
from pathways.feeds.records import resolve_person_refs, unknown_person_reason
from pathways.feeds.specs import BatchResult, Codes, Pending, ProblemList
from pathways.referrals.dates import DATE_ORDER as ORDER
from pathways.referrals.dates import order_problems
from pathways.referrals.history import DECISION_STATES, END_STATES, history_steps
from pathways.referrals.models import Referral, Transition
from pathways.referrals.states import CLOSING_REASONS

# The referral's dates, in the order they must read (`referrals.dates`).
DATE_ORDER = tuple(name for name, _ in ORDER)


class ReferralsSpec:
    kind = "referrals"
    key_column = "referral_ref"
    columns = REFERRAL_COLUMNS
    required = ("referral_ref", "agency", "person_ref", "service", "referred_on")

    def __init__(self, codes: Codes) -> None:
        self.codes = codes

    def clean(self, values: dict[str, str]) -> tuple[tuple[str, ...], dict[str, Any]]:
        p = ProblemList()
        ref = p.check("referral_ref", fields.reference, values["referral_ref"])
        agency = p.check("agency", fields.choice, values["agency"], self.codes.agencies, "agency")
        person_ref = p.check("person_ref", fields.reference, values["person_ref"])
        service_code = p.check(
            "service", fields.choice, values["service"], frozenset(self.codes.services), "service"
        )
        dates = {name: p.check(name, fields.optional_date, values[name]) for name in DATE_ORDER}
        if not values["referred_on"].strip():
            p.add("referred_on", "is required")
        decision = values["decision"].strip()
        if decision and decision not in DECISION_STATES:
            p.add("decision", f"{decision!r} is not a decision (accepted, declined or withdrawn)")
        end_reason = values["end_reason"].strip()
        if end_reason and end_reason not in END_STATES:
            p.add("end_reason", f"{end_reason!r} is not an end reason ({', '.join(END_STATES)})")
        if decision and not values["decided_on"].strip():
            p.add("decided_on", "is required when decision is given")
        if values["decided_on"].strip() and not decision:
            p.add("decision", "is required when decided_on is given")
        if values["ended_on"].strip() and not end_reason:
            p.add("end_reason", "is required when ended_on is given")
        if end_reason and not values["ended_on"].strip():
            p.add("ended_on", "is required when end_reason is given")
        if values["started_on"].strip() and decision != "accepted":
            p.add("started_on", "an engagement cannot start unless the decision is accepted")
        if values["ended_on"].strip() and not values["started_on"].strip():
            p.add(
                "ended_on", "an engagement cannot end before it has started (started_on is empty)"
            )
        if values["consent_on"].strip() and decision != "accepted":
            p.add("consent_on", "consent is only recorded for an accepted referral")
        service = self.codes.services.get(service_code or "")
        if (
            service is not None
            and service.requires_consent
            and values["started_on"].strip()
            and not values["consent_on"].strip()
        ):
            p.add("consent_on", f"{service.code} needs consent before engagement can start")
        for name, why in order_problems(dates):
            p.add(name, why)
        p.raise_if_any()
        clean = {
            "referral_ref": ref,
            "agency": agency,
            "person_ref": person_ref,
            "service": service_code,
            "decision": decision,
            "end_reason": end_reason,
            **dates,
        }
        return (ref,), clean

    @transaction.atomic
    def write(self, batch: list[Pending], run_id: int) -> BatchResult:
        result = BatchResult()
        people = resolve_person_refs((i.clean["agency"], i.clean["person_ref"]) for i in batch)
        refs = [i.key[0] for i in batch]
        existing: dict[str, Referral] = {}
        for start in range(0, len(refs), 900):
            for referral in Referral.objects.filter(
                referral_ref__in=refs[start : start + 900]
            ).select_related("record"):
                existing[referral.referral_ref or ""] = referral
        new: list[Referral] = []
        for item in batch:
            ref = (item.clean["agency"], item.clean["person_ref"])
            if ref not in people:
                result.rejected.append((item, "person_ref", unknown_person_reason(*ref)))
                continue
            record_id, person_id = people[ref]
            old = existing.get(item.key[0])
            if (
                old is not None
                and old.content_hash == item.content_hash
                and old.record_id == record_id
            ):
                result.unchanged += 1
                continue
            referral = self._referral(item, record_id, person_id)
            if old is None:
                new.append(referral)
                continue
            SupersededRow.objects.create(
                run_id=run_id, kind=self.kind, key=item.key[0], content=as_row(old)
            )
            referral.pk = old.pk
            referral.version = old.version + 1
            referral.created_at = old.created_at
            referral.save()
            # Migrated history is replaced as a whole by its newer version.
            Transition.objects.filter(referral=referral).delete()
            Transition.objects.bulk_create(self._transitions(referral))
            result.updated += 1
        Referral.objects.bulk_create(new)
        Transition.objects.bulk_create(
            [t for referral in new for t in self._transitions(referral)], batch_size=2000
        )
        result.created += len(new)
        return result

    @staticmethod
    def _referral(item: Pending, record_id: int, person_id: int) -> Referral:
        c = item.clean
        steps = _steps(c)
        last = steps[-1]
        return Referral(
            referral_ref=c["referral_ref"],
            record_id=record_id,
            person_id=person_id,
            service_id=c["service"],
            referred_on=c["referred_on"],
            decision=c["decision"],
            decided_on=c["decided_on"],
            consent_on=c["consent_on"],
            started_on=c["started_on"],
            ended_on=c["ended_on"],
            end_reason=c["end_reason"],
            state=last.to_state,
            closing_reason=c["end_reason"] if c["end_reason"] in CLOSING_REASONS else "",
            content_hash=item.content_hash,
        )

    @staticmethod
    def _transitions(referral: Referral) -> list[Transition]:
        steps = history_steps(
            referral.referred_on,
            referral.decision,
            referral.decided_on,
            referral.consent_on,
            referral.started_on,
            referral.ended_on,
            referral.end_reason,
        )
        transitions = []
        previous = ""
        for step in steps:
            transitions.append(
                Transition(
                    referral=referral,
                    from_state=previous,
                    to_state=step.to_state,
                    on=step.on,
                    reason=step.reason,
                )
            )
            previous = step.to_state
        return transitions


def _steps(c: dict[str, Any]) -> list[Any]:
    return history_steps(
        c["referred_on"],
        c["decision"],
        c["decided_on"],
        c["consent_on"],
        c["started_on"],
        c["ended_on"],
        c["end_reason"],
    )


def as_row(referral: Referral) -> dict[str, str]:
    """A referral as a referrals.csv row."""

    def d(value: Any) -> str:
        return value.isoformat() if value else ""

    return {
        "referral_ref": referral.referral_ref or "",
        "agency": referral.record.agency_id,
        "person_ref": referral.record.person_ref,
        "service": referral.service_id,
        "referred_on": d(referral.referred_on),
        "decision": referral.decision,
        "decided_on": d(referral.decided_on),
        "consent_on": d(referral.consent_on),
        "started_on": d(referral.started_on),
        "ended_on": d(referral.ended_on),
        "end_reason": referral.end_reason,
    }
