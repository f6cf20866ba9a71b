"""Referral history from an earlier system (referrals.csv) as states and transitions.

The mapping is DESIGN.md's: decision accepted/declined/withdrawn -> that state;
consent_on -> consented; started_on -> engaged; end_reason completed/opted_out/
disengaged -> that state, moved_away/custody/other -> closed with that reason.
A migrated referral starts as `sent` on `referred_on`: it was made to the partner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pathways.referrals.models import ReferralState
from pathways.referrals.states import CLOSING_REASONS

DECISION_STATES = {
    "accepted": ReferralState.ACCEPTED,
    "declined": ReferralState.DECLINED,
    "withdrawn": ReferralState.WITHDRAWN,
}
END_STATES = {
    "completed": ReferralState.COMPLETED,
    "opted_out": ReferralState.OPTED_OUT,
    "disengaged": ReferralState.DISENGAGED,
    "moved_away": ReferralState.CLOSED,
    "custody": ReferralState.CLOSED,
    "other": ReferralState.CLOSED,
}


@dataclass(frozen=True)
class Step:
    to_state: str
    on: dt.date
    reason: str = ""


def history_steps(
    referred_on: dt.date,
    decision: str,
    decided_on: dt.date | None,
    consent_on: dt.date | None,
    started_on: dt.date | None,
    ended_on: dt.date | None,
    end_reason: str,
) -> list[Step]:
    """The states a migrated referral passed through, in order, each with its date."""
    steps = [Step(ReferralState.SENT, referred_on, "migrated referral history")]
    if decision and decided_on:
        steps.append(Step(DECISION_STATES[decision], decided_on))
    if consent_on:
        steps.append(Step(ReferralState.CONSENTED, consent_on))
    if started_on:
        steps.append(Step(ReferralState.ENGAGED, started_on))
    if ended_on and end_reason:
        reason = end_reason if end_reason in CLOSING_REASONS else ""
        steps.append(Step(END_STATES[end_reason], ended_on, reason))
    return steps
