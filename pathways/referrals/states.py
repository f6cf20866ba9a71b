"""The referral's states in the groups the rest of Pathways asks about, defined once.

DESIGN.md "Referral states": proposed → approved → sent → accepted or declined →
consented or consent refused → engaged → completed, opted out, disengaged or closed; a
referral may be withdrawn before engagement. Every group below is named for the
question it answers and lists its states in the order the pathway passes them; the
sharing policy's conditions, the inbox, the alerts and the pathway's own checks all read
them from here.
"""

from __future__ import annotations

from pathways.referrals.models import ReferralState

S = ReferralState

# Not yet ended one way or another: the person is in the pathway with the service (a
# second referral to the same service is refused while one is open).
OPEN = (S.PROPOSED, S.APPROVED, S.SENT, S.ACCEPTED, S.CONSENTED, S.ENGAGED)
# Proposed, or jointly approved, and not yet sent: police and social work read the case
# to decide.
IN_APPROVAL = (S.PROPOSED, S.APPROVED)
# From the moment it reaches the partner until it ends: the partner and the allocated
# worker are told of new events (alerts), and agreements "while referred" hold.
ACTIVE = (S.SENT, S.ACCEPTED, S.CONSENTED, S.ENGAGED)
# Consent given and not withdrawn (withdrawal moves the referral to opted out).
CONSENTED = (S.CONSENTED, S.ENGAGED)
ENGAGED = (S.ENGAGED,)
# Waiting for someone's step: approval, sending, the partner's decision, consent or the
# first contact (the inbox).
WAITING = (S.PROPOSED, S.APPROVED, S.SENT, S.ACCEPTED, S.CONSENTED)
# The referrer may still withdraw it: not yet engaged, not yet ended.
WITHDRAWABLE = WAITING
# Accepted, and (consented where the service asks) waiting for the partner's first
# contact: the partner's team is to start the engagement.
TO_ENGAGE = (S.ACCEPTED, S.CONSENTED)
# How an engagement ends: completed, the person opted out (withdrew consent), stopped
# engaging, or closed for a reason (moved away, in custody, other).
ENDINGS = (S.COMPLETED, S.OPTED_OUT, S.DISENGAGED, S.CLOSED)
# The service worked with the person and the work ended other than by the person's
# withdrawal of consent: the service keeps a read-only view of its own case
# (`worked_with` agreements), where a withdrawal closes the door at once.
WORKED = (S.COMPLETED, S.DISENGAGED, S.CLOSED)
# The endings a worker records when ending an engagement; opting out is recorded as a
# withdrawal of consent.
WORKER_ENDINGS = (S.COMPLETED, S.DISENGAGED, S.CLOSED)
# Why a referral was closed (`closed` carries one).
CLOSING_REASONS = ("moved_away", "custody", "other")
