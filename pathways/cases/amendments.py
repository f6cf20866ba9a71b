"""Correcting a case record: a contact, the engagement's dates, a custody visit.

A mistake in a record people rely on is corrected, not hidden: each correction checks
the record's rules again (the dates' order above all), changes the record, and writes an
`Amendment` per field changed with the old and new values, why, who and when. The
referral page, the custody visit and the subject access request show them. Who may
correct is who may record: the service's own team (the custody mentors for a visit),
also after the engagement ended, since that is when a mistake is often found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.cases.custody import held_on, signposts_for
from pathways.cases.engagement import HAPPENED, may_record_contacts
from pathways.cases.limits import (
    CONTACT_CONCERNS,
    CONTACT_NOTES,
    CUSTODY_CONVERSATION,
    within,
)
from pathways.cases.models import ENGAGEMENT_OUTCOMES, Amendment, Contact, CustodyVisit
from pathways.partners.capabilities import is_custody_mentor
from pathways.partners.models import Service
from pathways.referrals.actions import consent_expiry, current_consent, may_record_consent
from pathways.referrals.dates import as_day, dates_of, order_problems
from pathways.referrals.models import Consent, Referral, ReferralState, Transition
from pathways.referrals.states import ENDINGS
from pathways.referrals.transitions import DateOutOfOrder, TransitionRefused

S = ReferralState
WHY_LIMIT = 500  # characters


def _why(why: str) -> str:
    why = why.strip()
    if not why:
        raise TransitionRefused("say why the record is corrected")
    return within(why, WHY_LIMIT, "the reason for the correction")


def _said(value: Any, words: Callable[[Any], str] | None = None) -> str:
    """A value as the amendment keeps it: dates as a page says them, codes in words."""
    if value is None or value == "":
        return ""
    if words is not None:
        return words(value)
    if isinstance(value, dt.date):
        return as_day(value)
    return str(value)


def _changes(
    record: Any, new: Mapping[str, Any], labels: Mapping[str, str], words: Mapping[str, Any]
) -> list[tuple[str, str, str, str]]:
    """(field, label, old, new) for each field whose value changes."""
    found = []
    for name, value in new.items():
        old = getattr(record, name)
        if old != value:
            said = words.get(name)
            found.append((name, labels[name], _said(old, said), _said(value, said)))
    return found


def _write(
    user: Any, changes: list[tuple[str, str, str, str]], why: str, **record: Any
) -> list[Amendment]:
    return Amendment.objects.bulk_create(
        Amendment(field=label, old=old, new=new, why=why, by=user, **record)
        for _, label, old, new in changes
    )


def _not_stale(referral: Referral, shown: int) -> None:
    """Refuse a correction made on a page of the referral as it was before another change
    (a colleague's correction would be overwritten with the old values)."""
    if referral.version != shown:
        raise TransitionRefused(
            "the referral changed since you opened the form: open it again and correct what is left"
        )


CONTACT_LABELS = {
    "on": "date of the contact",
    "attendance": "attendance",
    "reason": "why late, or why it did not happen",
    "notes": "engagement and progress",
    "concerns": "concerns",
}


def amend_contact(user: Any, contact: Contact, *, why: str, **values: Any) -> list[Amendment]:
    """Correct a contact's date, attendance, reason, notes or concerns (`values`: the
    fields as they should read); one amendment per field changed. Refused, with the
    reason, when the user's team does not record the service's contacts, the date falls
    outside the engagement, or the contact is left without the reason it needs."""
    why = _why(why)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.referral_id is None:
            raise TransitionRefused("this contact is an order's: correct it on the order")
        referral = Referral.objects.select_related("service").get(pk=contact.referral_id)
        if not may_record_contacts(user, referral):
            raise TransitionRefused(
                f"only the {referral.service.name} team corrects its engagement's contacts"
            )
        new = {name: values[name] for name in CONTACT_LABELS if name in values}
        for name, limit in (("notes", CONTACT_NOTES), ("concerns", CONTACT_CONCERNS)):
            if name in new:
                new[name] = within(str(new[name]), limit, f"the {name}")
        if "reason" in new:
            new["reason"] = within(str(new["reason"]), 300, "the reason")
        attendance = new.get("attendance", contact.attendance)
        if attendance not in ENGAGEMENT_OUTCOMES:
            raise TransitionRefused(f"{attendance!r} is not an engagement contact's attendance")
        if attendance != Contact.Attendance.ATTENDED and not new.get("reason", contact.reason):
            raise TransitionRefused("say why the person was late or the contact did not happen")
        on = new.get("on", contact.on)
        if referral.started_on and on < referral.started_on:
            raise DateOutOfOrder(
                f"a contact cannot be before the engagement started ({as_day(referral.started_on)})"
            )
        if referral.ended_on and on > referral.ended_on:
            raise DateOutOfOrder(
                f"a contact cannot be after the engagement ended ({as_day(referral.ended_on)})"
            )
        # The first contact, as the contacts would read after the correction, started the
        # engagement: it must be one that happened (attended or late).
        after = [
            (on, contact.pk, attendance) if c.pk == contact.pk else (c.on, c.pk, c.attendance)
            for c in referral.contacts.all()
        ]
        if after and referral.state in (S.ENGAGED, *ENDINGS) and min(after)[2] not in HAPPENED:
            raise TransitionRefused(
                "the first contact started the engagement: it happened (attended or late)"
            )
        changes = _changes(
            contact, new, CONTACT_LABELS, {"attendance": lambda v: Contact.Attendance(v).label}
        )
        if not changes:
            raise TransitionRefused("nothing to correct: the values are the ones recorded")
        Contact.objects.filter(pk=contact.pk).update(**{name: new[name] for name, *_ in changes})
        return _write(
            user, changes, why, kind=Amendment.Kind.CONTACT,
            referral=referral, contact=contact,
        )  # fmt: skip


ENGAGEMENT_LABELS = {"started_on": "date the engagement started", "ended_on": "date it ended"}


def amend_engagement_dates(
    user: Any,
    referral: Referral,
    *,
    why: str,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
) -> list[Amendment]:
    """Correct the date the engagement started or ended (None: left as it is). The step
    in the referral's history moves with it; the dates must still read in order, the
    contacts within the engagement."""
    why = _why(why)
    shown = referral.version
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
        )
        _not_stale(referral, shown)
        if not may_record_contacts(user, referral):
            raise TransitionRefused(
                f"only the {referral.service.name} team corrects its engagement's dates"
            )
        if referral.started_on is None:
            raise TransitionRefused("the engagement has not started: there is no date to correct")
        new: dict[str, dt.date] = {}
        if started_on is not None:
            new["started_on"] = started_on
        if ended_on is not None:
            if referral.ended_on is None:
                raise TransitionRefused("the engagement has not ended: there is no end to correct")
            new["ended_on"] = ended_on
        dates = dates_of(referral)
        problems = order_problems({**dates, **new})
        if problems:
            raise DateOutOfOrder(problems[0][1])
        contacts = referral.contacts.order_by("on").values_list("on", flat=True)
        first, last = (
            contacts.first(),
            referral.contacts.order_by("-on").values_list("on", flat=True).first(),
        )
        start = new.get("started_on", referral.started_on)
        end = new.get("ended_on", referral.ended_on)
        if first is not None and start > first:
            raise DateOutOfOrder(
                f"the engagement cannot start after its first contact ({as_day(first)})"
            )
        if last is not None and end is not None and end < last:
            raise DateOutOfOrder(
                f"the engagement cannot end before its last contact ({as_day(last)})"
            )
        changes = _changes(referral, new, ENGAGEMENT_LABELS, {})
        if not changes:
            raise TransitionRefused("nothing to correct: the dates are the ones recorded")
        for name, *_ in changes:
            # The step that set the date moves with it: the history reads as corrected.
            state = S.ENGAGED if name == "started_on" else referral.state
            step = (
                Transition.objects.filter(referral=referral, to_state=state).order_by("-pk").first()
            )
            if step is not None:
                Transition.objects.filter(pk=step.pk).update(on=new[name])
        Referral.objects.filter(pk=referral.pk).update(
            **{name: new[name] for name, *_ in changes}, version=referral.version + 1
        )
        return _write(
            user, changes, why, kind=Amendment.Kind.ENGAGEMENT, referral=referral,
        )  # fmt: skip


CONSENT_LABELS = {"on": "date consent was given", "witness": "witness"}


def amend_consent(
    user: Any,
    referral: Referral,
    *,
    why: str,
    on: dt.date | None = None,
    witness: str | None = None,
) -> list[Amendment]:
    """Correct the consent in force: the date it was given (the referral's consent date,
    the step in its history and the day it lapses move with it) or the witness's name.
    The service's own team corrects; the dates must still read in order."""
    why = _why(why)
    shown = referral.version
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("service")
        referral = locked.get(pk=referral.pk)
        _not_stale(referral, shown)
        if not may_record_contacts(user, referral) and not may_record_consent(user, referral):
            raise TransitionRefused(f"only the {referral.service.name} team corrects its consent")
        consent = current_consent(referral)
        if consent is None:
            raise TransitionRefused("there is no consent in force to correct")
        new: dict[str, Any] = {}
        if on is not None:
            new["on"] = on
        if witness is not None:
            new["witness"] = within(witness, 200, "the witness's name")
        changes = _changes(consent, new, CONSENT_LABELS, {})
        if not changes:
            raise TransitionRefused("nothing to correct: the values are the ones recorded")
        earlier = (
            Consent.objects.filter(referral=referral, on__lt=consent.on)
            .exclude(pk=consent.pk)
            .order_by("-on")
            .values_list("on", flat=True)
            .first()
        )
        first = earlier is None
        if "on" in new and earlier is not None and new["on"] < earlier:
            raise DateOutOfOrder(
                f"consent asked again cannot be dated before the consent it renewed "
                f"({as_day(earlier)})"
            )
        if "on" in new and first:
            dates = dates_of(referral)
            problems = order_problems({**dates, "consent_on": new["on"]})
            if problems:
                raise DateOutOfOrder(problems[0][1])
        values = {name: new[name] for name, *_ in changes}
        if "on" in values:
            values["expires_on"] = consent_expiry(referral.service, values["on"])
        Consent.objects.filter(pk=consent.pk).update(**values)
        if "on" in values and first:
            Referral.objects.filter(pk=referral.pk).update(
                consent_on=values["on"], version=referral.version + 1
            )
            Transition.objects.filter(referral=referral, to_state=S.CONSENTED).update(
                on=values["on"]
            )
        return _write(
            user, changes, why, kind=Amendment.Kind.CONSENT, referral=referral,
        )  # fmt: skip


VISIT_LABELS = {
    "outcome": "what happened",
    "seen_on": "date",
    "conversation": "the conversation",
    "signposted_to": "signposted to",
}


def _services_in_words(codes: list[str]) -> str:
    names = dict(Service.objects.filter(code__in=codes).values_list("code", "name"))
    return ", ".join(names.get(code, code) for code in codes)


def amend_custody_visit(
    user: Any, visit: CustodyVisit, *, why: str, **values: Any
) -> list[Amendment]:
    """Correct a recorded custody visit: what happened, the date, the conversation, the
    services signposted (`values`: the fields as they should read). The custody mentors
    correct; the visit must have been recorded; the date not before the person was held."""
    why = _why(why)
    if not is_custody_mentor(user):
        raise TransitionRefused("only the custody mentors correct a custody visit")
    with transaction.atomic():
        shown = visit.version
        visit = CustodyVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.version != shown:
            raise TransitionRefused(
                "the visit changed since you opened it: open it again and correct what is left"
            )
        if visit.outcome == CustodyVisit.Outcome.WAITING:
            raise TransitionRefused("the visit has not been recorded yet: record it instead")
        new = {name: values[name] for name in VISIT_LABELS if name in values}
        outcome = new.get("outcome", visit.outcome)
        if outcome not in (CustodyVisit.Outcome.SEEN, CustodyVisit.Outcome.DECLINED,
                           CustodyVisit.Outcome.NOT_SEEN):  # fmt: skip
            raise TransitionRefused(f"{outcome!r} is not what happened at a visit")
        if "conversation" in new:
            new["conversation"] = within(
                str(new["conversation"]), CUSTODY_CONVERSATION, "the conversation"
            )
        if "signposted_to" in new:
            new["signposted_to"] = sorted(set(new["signposted_to"]))
            known = set(
                Service.objects.filter(code__in=new["signposted_to"]).values_list("code", flat=True)
            )
            if set(new["signposted_to"]) - known:
                raise TransitionRefused("unknown services among those signposted")
            seen_on = new.get("seen_on", visit.seen_on) or timezone.localdate()
            offered = {s.code for s in signposts_for(visit.person, seen_on)}
            if set(new["signposted_to"]) - offered:
                raise TransitionRefused(
                    "not a service this person can be signposted to: "
                    + ", ".join(sorted(set(new["signposted_to"]) - offered))
                )
        if new.get("signposted_to", visit.signposted_to) and outcome != CustodyVisit.Outcome.SEEN:
            raise TransitionRefused("only a person who was seen can be signposted")
        held = held_on(visit)
        seen = new.get("seen_on", visit.seen_on)
        if held is not None and seen is not None and seen < held:
            raise DateOutOfOrder(
                f"the visit cannot be dated before the person was held ({as_day(held)})"
            )
        changes = _changes(
            visit, new, VISIT_LABELS,
            {"outcome": lambda v: CustodyVisit.Outcome(v).label,
             "signposted_to": _services_in_words},
        )  # fmt: skip
        if not changes:
            raise TransitionRefused("nothing to correct: the values are the ones recorded")
        CustodyVisit.objects.filter(pk=visit.pk).update(
            **{name: new[name] for name, *_ in changes}, version=visit.version + 1
        )
        return _write(
            user, changes, why, kind=Amendment.Kind.CUSTODY_VISIT, custody_visit=visit,
        )  # fmt: skip
