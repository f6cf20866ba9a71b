"""What a referral waits for, and from whom, and the partner's deadline to decide."""

from __future__ import annotations

import datetime as dt

from pathways.partners.capabilities import APPROVING_SECTORS
from pathways.people.ages import age_on
from pathways.referrals.models import Approval, Referral, ReferralState

S = ReferralState


def add_working_days(day: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `day`. Public holidays are not known
    to Pathways and count as working days."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def sent_on(referral: Referral) -> dt.date | None:
    """When the referral was last sent (None if it never was)."""
    step = referral.transitions.filter(to_state=S.SENT).order_by("-on", "-id").first()
    return step.on if step else None


def decision_due(referral: Referral) -> dt.date | None:
    """The day the partner must decide by, for a sent referral."""
    if referral.state != S.SENT:
        return None
    sent = sent_on(referral) or referral.referred_on
    return add_working_days(sent, referral.service.decide_within_days)


# From this age a young person's social work is justice social work (Scottish practice:
# children and families social work before 16, or while a compulsory supervision order
# lasts, which Pathways does not hold).
JUSTICE_SOCIAL_WORK_FROM = 16


def social_work_that_acts(referral: Referral, today: dt.date) -> str:
    """Which social work approves for this person, in a sentence: both teams may see the
    referral, and the page says who acts."""
    age = age_on(referral.person.date_of_birth, today)
    if age is None:
        return "Social work: the team that knows the person approves (date of birth not known)."
    if age < JUSTICE_SOCIAL_WORK_FROM:
        return f"Social work: children and families social work acts (the person is {age})."
    if age < 18:
        return (
            f"Social work: justice social work acts (the person is {age}), unless children "
            "and families social work holds a compulsory supervision order for them."
        )
    return "Social work: justice social work acts."


def awaiting(referral: Referral, today: dt.date) -> str:
    """What the referral waits for, and from whom, in a sentence ("" when it has ended)."""
    service = referral.service.name
    if referral.state == S.PROPOSED:
        if not referral.service.joint_approval:
            return "Waiting to be sent to the service by the referrer."
        sides = {a.sector for a in referral.approvals.all()}
        missing = [str(Approval.Sector(s).label) for s in sorted(set(APPROVING_SECTORS) - sides)]
        who = ""
        if Approval.Sector.SOCIAL_WORK not in sides:
            who = " " + social_work_that_acts(referral, today)
        return f"Waiting for approval by {' and '.join(missing)}.{who}"
    if referral.state == S.APPROVED:
        return "Approved by police and social work; waiting to be sent to the service."
    if referral.state == S.SENT:
        due = decision_due(referral)
        assert due is not None
        late = " — overdue" if due < today else ""
        return f"Waiting for {service} to accept or decline, by {due:%-d %B %Y}{late}."
    if referral.state == S.ACCEPTED:
        if referral.service.requires_consent:
            return f"Accepted; waiting for {service} to record the person's consent."
        return f"Accepted; waiting for {service}'s first contact."
    if referral.state == S.CONSENTED:
        return f"The person consented; waiting for {service}'s first contact."
    if referral.state == S.ENGAGED:
        return f"Engaged with {service}."
    return ""
