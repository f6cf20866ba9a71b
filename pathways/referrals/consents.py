"""Consent: recording a person's answer to a voluntary service, and its withdrawal.

Withdrawal is opting out: the referral's engagement ends as `opted_out`, and every
access that rested on that consent (agreements with the `consented_referral` condition)
stops on the next request, because the policy reads the referral's state each time.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from pathways.partners.memberships import memberships_of
from pathways.referrals.models import Consent, Referral, ReferralState
from pathways.referrals.transitions import move

ACTING_CAPABILITIES = frozenset({"accept", "record_contact"})


class ConsentError(Exception):
    """Consent cannot be recorded or withdrawn as asked; the message says why."""


def services_acted_for(user: User) -> frozenset[str]:
    """The services whose consent the user may record: those their teams deliver, where
    their role accepts referrals or records contacts."""
    return frozenset(
        m.team.service_id
        for m in memberships_of(user)
        if m.team.service_id and ACTING_CAPABILITIES & set(m.role.capabilities or [])
    )


def may_record_consent(user: User, referral: Referral) -> bool:
    """Whether the user may record consent, or its withdrawal, for this referral."""
    return referral.service_id in services_acted_for(user)


def current_consent(referral: Referral) -> Consent | None:
    """The consent given for this referral and not withdrawn, if any."""
    return (
        Consent.objects.filter(
            referral=referral, answer=Consent.Answer.GIVEN, withdrawn_on__isnull=True
        )
        .order_by("-on", "-id")
        .first()
    )


def record_consent(
    user: User,
    referral: Referral,
    *,
    given: bool,
    on: dt.date,
    method: str,
    witness: str = "",
    scan: UploadedFile | None = None,
) -> Consent:
    """Record the person's answer to an accepted referral: consented or refused."""
    if not may_record_consent(user, referral):
        raise ConsentError("only the team delivering the service can record consent")
    if referral.state != ReferralState.ACCEPTED:
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
    with transaction.atomic():
        consent = Consent(
            person_id=referral.person_id,
            service_id=referral.service_id,
            referral=referral,
            answer=Consent.Answer.GIVEN if given else Consent.Answer.REFUSED,
            on=on,
            method=method,
            witness=witness.strip(),
            recorded_by=user,
        )
        if scan is not None:
            consent.scan = scan
        consent.save()
        move(
            referral,
            ReferralState.CONSENTED if given else ReferralState.CONSENT_REFUSED,
            on=on,
            by=user,
            reason="" if given else "the person refused consent",
        )
    return consent


def _migrated_consent(user: User, referral: Referral) -> Consent | None:
    """The consent an earlier system recorded for a migrated referral, as a row of its own
    so that its withdrawal has somewhere to be written."""
    if referral.consent_on is None or referral.state not in (
        ReferralState.CONSENTED,
        ReferralState.ENGAGED,
    ):
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


def withdraw_consent(user: User, referral: Referral, *, on: dt.date, reason: str) -> Consent:
    """Record that the person withdrew consent: the engagement ends as opted out."""
    if not may_record_consent(user, referral):
        raise ConsentError("only the team delivering the service can record a withdrawal")
    if not reason.strip():
        raise ConsentError("say why consent was withdrawn, in the person's words if possible")
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
        if referral.state in (ReferralState.CONSENTED, ReferralState.ENGAGED):
            move(referral, ReferralState.OPTED_OUT, on=on, by=user, reason=reason)
    return consent
