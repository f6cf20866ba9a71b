"""The referral pathway's steps as people take them, one `do_*` function each: proposing,
joint approval, sending, the partner's decision, the person's consent and its
withdrawal, the referrer's withdrawal. `steps_for` says which steps a user may take on a
referral now; `STEPS` names the steps the pages and the API offer by name.

Every step checks who may take it (`partners.capabilities`), then goes through
`transitions.move`: the one table of allowed steps, optimistic locking, and a transition
row with who, when and why. The pages, the API and the demo call these; nothing else
changes a referral's state (engagement's steps, in `cases.engagement`, move it too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from pathways.partners.capabilities import (
    APPROVING_SECTORS,
    REFER,
    approving_sector,
    memberships_with,
    referring_agencies,
    services_acted_for,
)
from pathways.partners.models import Service
from pathways.partners.reasons import UnknownReason, coded
from pathways.people.models import AgencyRecord, Person
from pathways.referrals import states
from pathways.referrals.dates import as_day
from pathways.referrals.models import Approval, Consent, Referral, ReferralState, Transition
from pathways.referrals.scans import ScanRefused, check_scan
from pathways.referrals.transitions import (
    DateOutOfOrder,
    StaleReferral,
    TransitionRefused,
    changed_since_read,
    move,
)

S = ReferralState


class ConsentError(TransitionRefused):
    """Consent cannot be recorded or withdrawn as asked; the message says why."""


# --- Who may take which step ---------------------------------------------------------


def steps_for(user: Any, referral: Referral) -> set[str]:
    """The steps this user may take on this referral now (the user can already see it):
    approve, send, accept, decline, withdraw."""
    state, service = referral.state, referral.service
    refers = referral.record.agency_id in referring_agencies(user)
    acts = referral.service_id in services_acted_for(user)
    steps: set[str] = set()
    if state == S.PROPOSED and service.joint_approval:
        sector = approving_sector(user)
        done = {a.sector: a.by_id for a in referral.approvals.all()}
        if sector and sector[0] not in done and user.pk not in done.values():
            steps.add("approve")
    if refers and (state == S.APPROVED or (state == S.PROPOSED and not service.joint_approval)):
        steps.add("send")
    if acts and state == S.SENT:
        steps |= {"accept", "decline"}
    if refers and state in states.WITHDRAWABLE:
        steps.add("withdraw")
    return steps


def may_record_consent(user: Any, referral: Referral) -> bool:
    """Whether the user may record consent, or its withdrawal, for this referral: their
    team delivers its service."""
    return referral.service_id in services_acted_for(user)


def _allowed(user: Any, referral: Referral, step: str) -> None:
    if step not in steps_for(user, referral):
        # Refused because someone else's step came first: say that, not "you cannot".
        if changed_since_read(referral):
            raise StaleReferral
        raise TransitionRefused(_why_not(user, referral, step))


def _why_not(user: Any, referral: Referral, step: str) -> str:
    state = referral.get_state_display()
    if step == "approve":
        if not referral.service.joint_approval:
            return f"{referral.service.name} does not need joint approval"
        if referral.state != S.PROPOSED:
            return f"only a proposed referral is approved; this one is {state}"
        if approving_sector(user) is None:
            return "only police and social work staff who may approve can approve a referral"
        return "this side has approved already, or you have approved it yourself"
    if step == "send" and referral.state == S.PROPOSED and referral.service.joint_approval:
        return "the referral needs approval by both police and social work before it is sent"
    if step in ("accept", "decline") and referral.state == S.SENT:
        return f"only the {referral.service.name} team decides on its referrals"
    return f"you cannot {step} a referral that is {state}"


# --- Making a referral ---------------------------------------------------------------


def do_propose(
    person: Person,
    service: Service,
    record: AgencyRecord,
    *,
    on: dt.date,
    by: Any,
    reason: str,
    route: str = "",
) -> Referral:
    """A new referral of `person` to `service`, held under the referring agency's
    `record` of them, in state `proposed` with its first transition; `route` is a
    Referral.Route (how it came in).

    Refused while the person has an open referral to the same service.
    """
    if record.person_id != person.pk:
        raise ValueError("the record must be the person's")
    with transaction.atomic():
        # The person's row is locked: two people proposing at once are taken in turn,
        # and the second finds the first's referral.
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if Referral.objects.filter(person=person, service=service, state__in=states.OPEN).exists():
            raise TransitionRefused(
                f"{person} already has an open referral to {service.name}: work on that one"
            )
        referral = Referral.objects.create(
            person=person,
            record=record,
            service=service,
            referred_on=on,
            state=S.PROPOSED,
            route=route,
        )
        Transition.objects.create(
            referral=referral,
            from_state="",
            to_state=S.PROPOSED,
            on=on,
            by=by if getattr(by, "pk", None) else None,
            reason=reason[:500],
        )
    return referral


def open_alongside(person: Person, service: Service) -> list[Referral]:
    """The person's open referrals to other services of the same kind (another diversion
    service, say): a second referral of that kind is made only knowingly, since two
    services would then contact the person for the same purpose."""
    return list(
        Referral.objects.filter(person=person, state__in=states.OPEN, service__kind=service.kind)
        .exclude(service=service)
        .select_related("service")
        .order_by("referred_on", "pk")
    )


def alongside_sentence(person: Person, service: Service, others: list[Referral]) -> str:
    """What the form says when `others` are open: which, since when, and what to do."""
    held = "; ".join(
        f"{r.service.name} ({r.get_state_display()}, referred {as_day(r.referred_on)})"
        for r in others
    )
    return (
        f"{person} already has an open referral to {held}. Tick the box to refer to "
        f"{service.name} as well, or leave it to that service."
    )


def referring_record(user: Any, person: Person) -> AgencyRecord | None:
    """The record a referral by this user is held under: their agency's record of the
    person (the first of their teams whose role may refer that has one)."""
    agencies = [
        m.team.agency_id for m in sorted(memberships_with(user, REFER), key=lambda m: m.team_id)
    ]
    for agency in agencies:
        record = AgencyRecord.objects.filter(person=person, agency_id=agency).order_by("pk").first()
        if record is not None:
            return record
    return None


# --- Approval, sending, the partner's decision, withdrawal ----------------------------


# The reason the history gives a referral sent when its joint approval was complete.
SENT_ON_APPROVAL = "sent to the service on joint approval by police and social work"


def do_approve(user: Any, referral: Referral, *, on: dt.date, note: str = "") -> Approval:
    """One side's approval; when both police and social work have approved, the
    referral is `approved` and sent to the service at once: the joint approval was the
    gate, and a referral approved by both sides does not wait for another click
    (docs/decisions/0013). The same person cannot approve for both sides.

    The referral's row is locked while approving, so two sides approving at once are
    taken in turn (the second sees the first and completes the approval)."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
        if locked.version != referral.version:
            raise StaleReferral
        _allowed(user, locked, "approve")
        sector = approving_sector(user)
        assert sector is not None  # _allowed checked it
        try:
            with transaction.atomic():
                approval = Approval.objects.create(
                    referral=locked, sector=sector[0], agency_id=sector[1], by=user, on=on,
                    note=note.strip()[:500],
                )  # fmt: skip
        except IntegrityError as error:
            raise TransitionRefused(
                "someone has just approved for your side: reload the page to see it"
            ) from error
        sides = set(locked.approvals.values_list("sector", flat=True))
        if sides >= set(APPROVING_SECTORS):
            move(locked, S.APPROVED, on=on, by=user, reason="approved by police and social work")
            move(locked, S.SENT, on=on, by=user, reason=SENT_ON_APPROVAL)
    for name in ("state", "version"):
        setattr(referral, name, getattr(locked, name))
    return approval


def do_send(user: Any, referral: Referral, *, on: dt.date, note: str = "") -> Transition:
    """Send the referral to the partner (it now awaits their decision)."""
    _allowed(user, referral, "send")
    return move(referral, S.SENT, on=on, by=user, reason=note or "sent to the service")


def do_accept(user: Any, referral: Referral, *, on: dt.date, note: str = "") -> Transition:
    """The partner accepts; whoever accepts becomes the allocated worker."""
    _allowed(user, referral, "accept")
    with transaction.atomic():
        step = move(referral, S.ACCEPTED, on=on, by=user, reason=note)
        Referral.objects.filter(pk=referral.pk).update(worker=user)
        referral.worker = user
    return step


def do_decline(
    user: Any, referral: Referral, *, on: dt.date, reason: str, note: str = ""
) -> Transition:
    """The partner declines, with a coded reason (reasons.toml `decline`; `other` needs a note)."""
    _allowed(user, referral, "decline")
    return move(referral, S.DECLINED, on=on, by=user, reason=_coded("decline", reason, note))


def do_withdraw(
    user: Any, referral: Referral, *, on: dt.date, reason: str, note: str = ""
) -> Transition:
    """The referrer withdraws the referral before engagement, with a coded reason."""
    _allowed(user, referral, "withdraw")
    return move(referral, S.WITHDRAWN, on=on, by=user, reason=_coded("withdraw", reason, note))


def _coded(name: str, code: str, note: str) -> str:
    """A coded reason of the list `name` (reasons.toml) as the history keeps it."""
    try:
        return coded(name, code, note)
    except UnknownReason as error:
        raise TransitionRefused(str(error)) from None


Step = Callable[..., Any]
# The steps the pages and the API take by name, each called as
# step(user, referral, on=..., note=...) and, for decline and withdraw, reason=....
STEPS: dict[str, Step] = {
    "approve": do_approve,
    "send": do_send,
    "accept": do_accept,
    "decline": do_decline,
    "withdraw": do_withdraw,
}
# The steps that need a coded reason, and the list (reasons.toml) each offers.
REASONS: dict[str, str] = {"decline": "decline", "withdraw": "withdraw"}


def do_step(
    user: Any, referral: Referral, step: str, *, on: dt.date, note: str = "", reason: str = ""
) -> Any:
    """Take the step named `step` (one of STEPS), with a reason where it needs one."""
    if step not in STEPS:
        raise TransitionRefused(f"no step {step!r}: one of {', '.join(STEPS)}")
    if step in REASONS:
        return STEPS[step](user, referral, on=on, reason=reason, note=note)
    return STEPS[step](user, referral, on=on, note=note)


# --- The person's consent --------------------------------------------------------------
# Withdrawal is opting out: the engagement ends as `opted_out`, and every access that
# rested on that consent (agreements with the `consented_referral` condition) stops on
# the next request, because the sharing policy reads the referral's state each time.


def current_consent(referral: Referral) -> Consent | None:
    """The consent given for this referral and not withdrawn, if any."""
    return (
        Consent.objects.filter(
            referral=referral, answer=Consent.Answer.GIVEN, withdrawn_on__isnull=True
        )
        .order_by("-on", "-id")
        .first()
    )


def do_record_consent(
    user: Any,
    referral: Referral,
    *,
    given: bool,
    on: dt.date,
    method: str,
    witness: str = "",
    scan: UploadedFile | None = None,
) -> Consent:
    """Record the person's answer to an accepted referral: consented or refused. Asked
    again on a consented or engaged referral whose consent lapses within
    `RENEW_WITHIN_DAYS` (or has lapsed), consent given is a new row, the referral's state
    unchanged (an answer of no is recorded as a withdrawal)."""
    if not may_record_consent(user, referral):
        raise ConsentError("only the team delivering the service can record consent")
    renewing = referral.state in states.CONSENTED
    if renewing:
        _may_renew(referral, given=given, on=on)
    elif referral.state != S.ACCEPTED:
        raise ConsentError(
            f"consent is asked once the referral is accepted; it is {referral.state}"
        )
    if method == Consent.Method.VERBAL and not witness.strip():
        raise ConsentError("verbal consent needs the name of the witness")
    if method == Consent.Method.SIGNED_FORM and scan is None:
        raise ConsentError("a signed form needs its scan attached")
    if method not in (Consent.Method.SIGNED_FORM, Consent.Method.VERBAL):
        raise ConsentError(f"unknown way of giving consent: {method!r}")
    if on > timezone.localdate():
        raise ConsentError("the date cannot be in the future")
    if scan is not None:
        # By its bytes, whatever its name or declared type: this is what the form checks.
        try:
            checked = check_scan(scan.chunks(), scan.name or "")
        except ScanRefused as error:
            raise ConsentError(str(error)) from None
        scan.name = checked.name
    with transaction.atomic():
        consent = Consent(
            person_id=referral.person_id,
            service_id=referral.service_id,
            referral=referral,
            answer=Consent.Answer.GIVEN if given else Consent.Answer.REFUSED,
            on=on,
            expires_on=consent_expiry(referral.service, on) if given else None,
            method=method,
            witness=witness.strip(),
            recorded_by=user,
        )
        if scan is not None:
            consent.scan = scan
        consent.save()
        if renewing:
            return consent
        move(
            referral,
            S.CONSENTED if given else S.CONSENT_REFUSED,
            on=on,
            by=user,
            reason="" if given else "the person refused consent",
        )
    return consent


# Consent that lapses is asked again from this many days before (the team's reminder).
RENEW_WITHIN_DAYS = 30


def consent_expiry(service: Service, on: dt.date) -> dt.date | None:
    """The last day consent given on `on` lasts, for the service (None: until withdrawn)."""
    if not service.consent_valid_days:
        return None
    return on + dt.timedelta(days=service.consent_valid_days)


def consent_lapses_on(referral: Referral) -> dt.date | None:
    """The last day the consent in force lasts (None: none in force, or no end)."""
    current = current_consent(referral)
    return current.expires_on if current is not None else None


def _may_renew(referral: Referral, *, given: bool, on: dt.date) -> None:
    if not given:
        raise ConsentError(
            "the person already consented: if they now say no, record a withdrawal of consent"
        )
    lapses = consent_lapses_on(referral)
    today = timezone.localdate()
    if lapses is None or lapses - today > dt.timedelta(days=RENEW_WITHIN_DAYS):
        until = f" until {as_day(lapses)}" if lapses else ""
        raise ConsentError(
            f"consent is in force{until}; it is asked again from {RENEW_WITHIN_DAYS} days "
            "before it lapses"
        )
    current = current_consent(referral)
    if current is not None and on < current.on:
        raise DateOutOfOrder(
            f"the date cannot be before the consent in force was given ({as_day(current.on)})"
        )


def _migrated_consent(user: Any, referral: Referral) -> Consent | None:
    """The consent an earlier system recorded for a migrated referral, as a row of its own
    so that its withdrawal has somewhere to be written."""
    if referral.consent_on is None or referral.state not in states.CONSENTED:
        return None
    return Consent.objects.create(
        person_id=referral.person_id,
        service_id=referral.service_id,
        referral=referral,
        answer=Consent.Answer.GIVEN,
        on=referral.consent_on,
        method=Consent.Method.MIGRATED,
        recorded_by=user,
    )


def do_withdraw_consent(
    user: Any, referral: Referral, *, on: dt.date, reason: str, note: str = ""
) -> Consent:
    """Record that the person withdrew consent, with a coded reason
    (reasons.toml `consent_withdrawal`) and the person's words beside it (needed for `other`):
    the engagement ends as opted out."""
    if not may_record_consent(user, referral):
        raise ConsentError("only the team delivering the service can record a withdrawal")
    if not reason.strip():
        raise ConsentError("say why consent was withdrawn")
    reason = _coded("consent_withdrawal", reason, note)
    consent = current_consent(referral) or _migrated_consent(user, referral)
    if consent is None:
        raise ConsentError("there is no consent in force to withdraw")
    if on < consent.on or on > timezone.localdate():
        raise ConsentError("the date must be between the consent and today")
    with transaction.atomic():
        consent.withdrawn_on = on
        consent.withdrawn_reason = reason.strip()[:500]
        consent.withdrawn_by = user
        consent.withdrawn_at = timezone.now()
        consent.save()
        if referral.state in states.CONSENTED:
            move(referral, S.OPTED_OUT, on=on, by=user, reason=reason)
    return consent
