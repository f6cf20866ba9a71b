"""A concern recorded at a contact with "notify the referrer": the person who proposed
the referral is told."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from pathways.alerts.models import Alert
from pathways.referrals.models import Referral, ReferralState
from pathways.sharing.policy import decide


def alert_referrer_of_concern(referral: Referral, contact: Any) -> Alert | None:
    """A contact flagged "notify the referrer": the person who proposed the referral is
    told, if they may still see the person's referral."""
    proposer = (
        referral.transitions.filter(to_state=ReferralState.PROPOSED)
        .exclude(by=None)
        .values_list("by", flat=True)
        .first()
    )
    if proposer is None:
        return None
    user = get_user_model().objects.filter(pk=proposer, is_active=True).first()
    if user is None or not decide(user, referral.person, "referral").allowed:
        return None
    return Alert.objects.create(
        user=user, person=referral.person, kind=Alert.Kind.CONCERN, referral=referral,
        why=f"you referred this person to {referral.service.name}; the worker flagged a concern",
    )  # fmt: skip
