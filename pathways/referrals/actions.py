"""The referral pathway's steps as people take them: joint approval, sending, the
partner's decision, withdrawal; who may take which step; what each referral awaits and
from whom; the partner's deadline.

Every step goes through `transitions.move` (the one table of allowed steps, optimistic
locking, a transition row with who, when and why). The views and the API call these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import TextChoices

from pathways.partners.memberships import memberships_with
from pathways.partners.models import Membership
from pathways.referrals.consents import services_acted_for
from pathways.referrals.models import Approval, Referral, ReferralState, Transition
from pathways.referrals.transitions import StaleReferral, TransitionRefused, move

S = ReferralState


class DeclineReason(TextChoices):
    NOT_ELIGIBLE = "not_eligible", "not eligible for the service"
    DUPLICATE = "duplicate", "a duplicate of another referral"
    CAPACITY = "capacity", "no capacity"
    MET_ELSEWHERE = "met_elsewhere", "needs met elsewhere"
    NOT_CONTACTABLE = "not_contactable", "person not contactable"
    OTHER = "other"


class WithdrawReason(TextChoices):
    MOVED_AWAY = "moved_away", "moved away"
    CUSTODY = "custody", "in custody"
    MET_ELSEWHERE = "met_elsewhere", "needs met elsewhere"
    DIED = "died"
    OTHER = "other"


APPROVING_SECTORS = {Approval.Sector.POLICE, Approval.Sector.SOCIAL_WORK}


def _memberships(user: Any, capability: str) -> list[Membership]:
    return memberships_with(user, capability)


def may_refer(user: Any) -> bool:
    """Whether any of the user's roles may refer."""
    return bool(_memberships(user, "refer"))


def referring_agencies(user: Any) -> set[str]:
    """The agencies the user refers for: a referral held under one of their records is
    theirs to send or withdraw."""
    return {m.team.agency_id for m in _memberships(user, "refer")}


def approving_sector(user: Any) -> tuple[str, str] | None:
    """(sector, agency) the user approves for: a team of a police or social work agency
    in a role that may approve; None if they approve for neither."""
    for membership in _memberships(user, "approve"):
        if membership.team.agency.sector in APPROVING_SECTORS:
            return membership.team.agency.sector, membership.team.agency_id
    return None


def actions_for(user: Any, referral: Referral) -> set[str]:
    """The steps this user may take on this referral now (the user can already see it)."""
    state, service = referral.state, referral.service
    refers = referral.record.agency_id in referring_agencies(user)
    acts = referral.service_id in services_acted_for(user)
    actions: set[str] = set()
    if state == S.PROPOSED and service.joint_approval:
        sector = approving_sector(user)
        done = {a.sector: a.by_id for a in referral.approvals.all()}
        if sector and sector[0] not in done and user.pk not in done.values():
            actions.add("approve")
    if refers and (state == S.APPROVED or (state == S.PROPOSED and not service.joint_approval)):
        actions.add("send")
    if acts and state == S.SENT:
        actions |= {"accept", "decline"}
    if refers and state in (S.PROPOSED, S.APPROVED, S.SENT, S.ACCEPTED, S.CONSENTED):
        actions.add("withdraw")
    return actions


def _allowed(user: Any, referral: Referral, action: str) -> None:
    if action not in actions_for(user, referral):
        raise TransitionRefused(_why_not(user, referral, action))


def _why_not(user: Any, referral: Referral, action: str) -> str:
    state = referral.get_state_display()
    if action == "approve":
        if not referral.service.joint_approval:
            return f"{referral.service.name} does not need joint approval"
        if referral.state != S.PROPOSED:
            return f"only a proposed referral is approved; this one is {state}"
        if approving_sector(user) is None:
            return "only police and social work staff who may approve can approve a referral"
        return "this side has approved already, or you have approved it yourself"
    if action == "send" and referral.state == S.PROPOSED and referral.service.joint_approval:
        return "the referral needs approval by both police and social work before it is sent"
    if action in ("accept", "decline") and referral.state == S.SENT:
        return f"only the {referral.service.name} team decides on its referrals"
    return f"you cannot {action} a referral that is {state}"


def approve(user: Any, referral: Referral, *, on: dt.date, note: str = "") -> Approval:
    """One side's approval; when both police and social work have approved, the
    referral becomes `approved`. The same person cannot approve for both sides.

    The referral's row is locked while approving, so two sides approving at once are
    taken in turn (the second sees the first and completes the approval)."""
    with transaction.atomic():
        locked = Referral.objects.select_for_update().select_related("service").get(pk=referral.pk)
        if locked.version != referral.version:
            raise StaleReferral(
                "someone else changed this referral while you were looking at it; "
                "reload the page to see what they did"
            )
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
        if sides >= APPROVING_SECTORS:
            move(locked, S.APPROVED, on=on, by=user, reason="approved by police and social work")
    for name in ("state", "version"):
        setattr(referral, name, getattr(locked, name))
    return approval


def send(user: Any, referral: Referral, *, on: dt.date, note: str = "") -> Transition:
    """Send the referral to the partner (it now awaits their decision)."""
    _allowed(user, referral, "send")
    return move(referral, S.SENT, on=on, by=user, reason=note or "sent to the service")


def accept(user: Any, referral: Referral, *, on: dt.date, note: str = "") -> Transition:
    """The partner accepts; whoever accepts becomes the allocated worker."""
    _allowed(user, referral, "accept")
    with transaction.atomic():
        step = move(referral, S.ACCEPTED, on=on, by=user, reason=note)
        Referral.objects.filter(pk=referral.pk).update(worker=user)
        referral.worker = user
    return step


def decline(
    user: Any, referral: Referral, *, on: dt.date, reason: str, note: str = ""
) -> Transition:
    """The partner declines, with a coded reason (DeclineReason; `other` needs a note)."""
    _allowed(user, referral, "decline")
    return move(referral, S.DECLINED, on=on, by=user, reason=_coded(DeclineReason, reason, note))


def withdraw(
    user: Any, referral: Referral, *, on: dt.date, reason: str, note: str = ""
) -> Transition:
    """The referrer withdraws the referral before engagement, with a coded reason."""
    _allowed(user, referral, "withdraw")
    return move(referral, S.WITHDRAWN, on=on, by=user, reason=_coded(WithdrawReason, reason, note))


def _coded(choices: type[TextChoices], code: str, note: str) -> str:
    if code not in choices.values:
        raise TransitionRefused(f"{code!r} is not one of the reasons: {', '.join(choices.values)}")
    if code == "other" and not note.strip():
        raise TransitionRefused("say why, in the note, when the reason is other")
    label = str(choices(code).label)
    return f"{label}: {note.strip()}" if note.strip() else label


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


def awaiting(referral: Referral, today: dt.date) -> str:
    """What the referral waits for, and from whom, in a sentence ("" when it has ended)."""
    service = referral.service.name
    if referral.state == S.PROPOSED:
        if not referral.service.joint_approval:
            return "Waiting to be sent to the service by the referrer."
        sides = {a.sector for a in referral.approvals.all()}
        missing = [str(Approval.Sector(s).label) for s in sorted(APPROVING_SECTORS - sides)]
        return f"Waiting for approval by {' and '.join(missing)}."
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
