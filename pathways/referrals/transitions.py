"""The referral state machine: which step may follow which, in one table, and the one
function that takes a step — recording who, when and why, and refusing a stale writer.

(DESIGN.md "Referral states".) The steps people take (`referrals.actions`,
`cases.engagement`) all come through `move`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F

from pathways.referrals.dates import as_day
from pathways.referrals.models import Referral, ReferralState, Transition
from pathways.referrals.states import CLOSING_REASONS, ENDINGS

S = ReferralState
ALLOWED: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.APPROVED, S.SENT, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.CONSENTED, S.CONSENT_REFUSED, S.ENGAGED, S.WITHDRAWN}),
    S.CONSENTED: frozenset({S.ENGAGED, S.OPTED_OUT, S.WITHDRAWN}),
    S.ENGAGED: frozenset({S.COMPLETED, S.OPTED_OUT, S.DISENGAGED, S.CLOSED}),
}


class TransitionRefused(Exception):
    """A step the state machine does not allow from the referral's state."""


class DateOutOfOrder(TransitionRefused):
    """A step, contact or visit dated before what it follows in the history."""


class StaleReferral(Exception):
    """Someone else changed the referral first; reload and decide again."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "someone else changed this referral while you were looking at it; "
            "reload the page to see what they did"
        )


def changed_since_read(referral: Referral) -> bool:
    """Whether the stored referral is no longer the version that was read (one query)."""
    return Referral.objects.filter(pk=referral.pk).exclude(version=referral.version).exists()


def check_step(referral: Referral, to_state: str) -> None:
    """Raise TransitionRefused, with a reason a person can act on, unless allowed."""
    allowed = ALLOWED.get(referral.state, frozenset())
    if to_state not in allowed:
        raise TransitionRefused(
            f"a referral that is {referral.state.replace('_', ' ')} cannot become "
            f"{to_state.replace('_', ' ')}"
        )
    if referral.state == S.PROPOSED and referral.service.joint_approval:
        if to_state == S.SENT:
            raise TransitionRefused(
                f"a referral to {referral.service.name} needs approval by both police and "
                "social work before it is sent"
            )
        sides = set(referral.approvals.values_list("sector", flat=True))
        if to_state == S.APPROVED and sides != {"police", "social_work"}:
            raise TransitionRefused("a referral is approved once police and social work both have")
    if (
        referral.state == S.PROPOSED
        and to_state == S.APPROVED
        and not referral.service.joint_approval
    ):
        raise TransitionRefused(f"{referral.service.name} does not need joint approval: send it")
    if referral.state == S.ACCEPTED and to_state == S.ENGAGED and referral.service.requires_consent:
        raise TransitionRefused(
            f"{referral.service.name} is voluntary: record the person's consent before "
            "engagement starts"
        )


def check_date(referral: Referral, on: dt.date) -> None:
    """Refuse a step dated before the referral was made, or before the step taken last:
    the history must read in the order it happened (the outcome figures take their
    dates from it). The forms refuse a date in the future."""
    if on < referral.referred_on:
        raise DateOutOfOrder(
            f"the date cannot be before the referral was made ({as_day(referral.referred_on)})"
        )
    last = (
        Transition.objects.filter(referral=referral)
        .order_by("-on", "-pk")
        .values_list("on", "to_state")
        .first()
    )
    if last is not None and on < last[0]:
        raise DateOutOfOrder(
            f"the date cannot be before the last step, {ReferralState(last[1]).label.lower()}"
            f" ({as_day(last[0])})"
        )


def move(
    referral: Referral,
    to_state: str,
    *,
    on: dt.date,
    by: User | None,
    reason: str = "",
    closing_reason: str = "",
) -> Transition:
    """Take one step; the referral object is updated in place.

    Refused when the referral changed since it was read (its `version` is no longer the
    stored one: two users acting at once cannot both win, and the one who lost is told
    it changed rather than that the step is not allowed), or when the table does not
    allow the step.
    """
    with transaction.atomic():
        stored = (
            Referral.objects.select_for_update()
            .filter(pk=referral.pk)
            .values_list("version", flat=True)
            .first()
        )
        if stored != referral.version:
            raise StaleReferral
        return _move(referral, to_state, on=on, by=by, reason=reason,
                     closing_reason=closing_reason)  # fmt: skip


def _move(
    referral: Referral, to_state: str, *, on: dt.date, by: User | None, reason: str,
    closing_reason: str,
) -> Transition:  # fmt: skip
    """`move`'s step, the row locked and its version checked."""
    check_step(referral, to_state)
    check_date(referral, on)
    changes: dict[str, object] = {"state": to_state}
    if to_state in (S.ACCEPTED, S.DECLINED) or (to_state == S.WITHDRAWN and not referral.decision):
        changes.update(decision=to_state, decided_on=on)
    if to_state == S.CONSENTED:
        changes["consent_on"] = on
    if to_state == S.ENGAGED:
        changes["started_on"] = on
    if to_state in ENDINGS:
        end_reason = closing_reason if to_state == S.CLOSED else to_state
        changes.update(ended_on=on, end_reason=end_reason)
        if to_state == S.CLOSED:
            if closing_reason not in CLOSING_REASONS:
                raise TransitionRefused(f"closing needs a reason: {', '.join(CLOSING_REASONS)}")
            changes["closing_reason"] = closing_reason
    Referral.objects.filter(pk=referral.pk).update(**changes, version=F("version") + 1)
    step = Transition.objects.create(
        referral=referral,
        from_state=referral.state,
        to_state=to_state,
        on=on,
        by=by,
        reason=reason[:500],
    )
    for name, value in changes.items():
        setattr(referral, name, value)
    referral.version += 1
    return step
