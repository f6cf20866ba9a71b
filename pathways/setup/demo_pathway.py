"""The demo's pathway: referrals in every state, taken by the demo users through the same
service functions as the pages, so every page of the pathway has something to show —
candidates to decide, referrals to approve, send, accept (one overdue), consent, an
engagement with contacts (one corrected), a completed one, alerts, a custody visit, and
crisis outreach's day: non-fatal overdoses told to the team, one referred and engaged."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from pathways.cases import engagement
from pathways.cases.amendments import amend_contact
from pathways.events.models import Event
from pathways.feeds.after_import import scan_new_events
from pathways.identification.decisions import dismiss, refer
from pathways.identification.models import Candidate
from pathways.partners.models import Service
from pathways.people.models import Person
from pathways.referrals.actions import (
    do_accept,
    do_approve,
    do_propose,
    do_record_consent,
    do_send,
)
from pathways.referrals.models import Referral

# How far along the pathway each demo referral goes, in order.
STAGES = (
    "proposed",
    "police_approved",
    "sent",
    "overdue",
    "accepted",
    "consented",
    "engaged",
    "completed",
)


def holds_people() -> bool:
    """Whether the database holds anyone yet (the demo loads its synthetic partnership
    only into an empty one)."""
    return Person.objects.exists()


def seed_pathway(today: dt.date | None = None) -> dict[str, int]:
    """Take ADAPT candidates through the pathway as the demo users; counts by stage."""
    today = today or timezone.localdate()
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["police", "socialworker", "adapt", "mentor", "outreach"]
        )
    }
    if len(users) < 5 or Referral.objects.filter(transitions__to_state="proposed").exists():
        return {}
    police, social, adapt = users["police"], users["socialworker"], users["adapt"]
    scan_new_events()  # what the import brought is history, not news
    candidates = list(
        Candidate.objects.filter(status="open", service_id="ADAPT").order_by("-score")[
            : len(STAGES) + 2
        ]
    )
    # One engaged for almost a year: its consent lapses within the month (the reminder).
    lapsing = candidates.pop() if len(candidates) > len(STAGES) + 1 else None
    done: dict[str, int] = {}
    for stage, candidate in zip(STAGES, candidates, strict=False):
        start = today - dt.timedelta(days=30 if stage in ("engaged", "completed") else 12)
        referral = refer(
            candidate,
            by=police,
            agency="POLICE",
            on=start,
            note="Identified by the ADAPT rule; known to the campus officer.",
        )
        _advance(referral, stage, start, police, social, adapt)
        done[stage] = done.get(stage, 0) + 1
    if len(candidates) > len(STAGES):
        dismiss(
            candidates[-1],
            by=police,
            reason="already_supported",
            note="Working with CAMHS already.",
            on=today,
        )
    if lapsing is not None:
        start = today - dt.timedelta(days=355)
        referral = refer(lapsing, by=police, agency="POLICE", on=start,
                         note="Identified by the ADAPT rule.")  # fmt: skip
        _advance(referral, "engaged", start, police, social, adapt)
        done["consent lapsing"] = 1
    _correction(adapt)
    done["outreach"] = _outreach(today, police, users["outreach"])
    _news(today)
    return done


def _correction(adapt: Any) -> None:
    """A contact corrected after it was recorded: the Corrections list has a row."""
    engaged = Referral.objects.filter(
        state="engaged", service_id="ADAPT", transitions__to_state="proposed"
    ).first()
    contact = engaged.contacts.order_by("on").last() if engaged else None
    if contact is not None:
        amend_contact(
            adapt, contact, why="Wrote it up from memory: she said college, not school.",
            notes="Talked about going back to college, and which course.",
        )  # fmt: skip


def _outreach(today: dt.date, police: Any, outreach: Any) -> int:
    """Two non-fatal overdoses the police attended: both told to crisis outreach (an
    alert each), the first also referred by the police, accepted by the outreach worker,
    consented and engaged with a first contact. How many referrals it made."""
    adults = (
        Person.objects.filter(
            records__agency_id="POLICE", date_of_birth__lte=today - dt.timedelta(days=365 * 25)
        )
        .exclude(referrals__isnull=False)
        .order_by("pk")
        .distinct()[:2]
    )
    moment = timezone.now() - dt.timedelta(days=2)
    made = 0
    for n, person in enumerate(adults):
        record = person.records.filter(agency_id="POLICE").first()
        if record is None:
            continue
        Event.objects.create(
            agency_id="POLICE", event_ref=f"DEMO-OVERDOSE-{n}", record=record,
            person_id=person.pk, kind="overdose", occurred_at=moment - dt.timedelta(days=n),
            occurred_on=(moment - dt.timedelta(days=n)).date(),
            category="Non-fatal overdose attended", flags="substance", content_hash="demo",
        )  # fmt: skip
        if n == 0:
            start = today - dt.timedelta(days=2)
            referral = do_propose(
                person, Service.objects.get(code="COS"), record, on=start, by=police,
                reason="Attended a non-fatal overdose; agreed to a call from outreach.",
                route=Referral.Route.OTHER,
            )  # fmt: skip
            do_send(police, referral, on=start)
            do_accept(outreach, referral, on=start)
            do_record_consent(outreach, referral, given=True, on=today - dt.timedelta(days=1),
                              method="verbal", witness="A nurse at the hospital")  # fmt: skip
            engagement.do_start_engagement(
                outreach, referral, on=today - dt.timedelta(days=1),
                focus_areas=["addiction", "mental_health"],
                contact={"attendance": "attended",
                         "notes": "Met at the hospital; naloxone kit given; wants a referral "
                                  "to the recovery hub."},
            )  # fmt: skip
            made += 1
    return made


def _advance(
    referral: Referral, stage: str, start: dt.date, police: Any, social: Any, adapt: Any
) -> None:
    at = STAGES.index(stage)
    if at >= STAGES.index("police_approved"):
        do_approve(police, referral, on=start)
    if at >= STAGES.index("sent"):
        # Social work's approval sends it. Overdue: sent long ago and no answer; sent: a
        # few days' wait; later stages were sent before they were accepted (the history
        # reads in the order it happened).
        sent = start + dt.timedelta(days={"overdue": 1, "sent": 8}.get(stage, 2))
        do_approve(social, referral, on=sent, note="Agreed.")
        referral.refresh_from_db()
    if at >= STAGES.index("accepted"):
        do_accept(adapt, referral, on=start + dt.timedelta(days=3))
    if at >= STAGES.index("consented"):
        do_record_consent(
            adapt,
            referral,
            given=True,
            on=start + dt.timedelta(days=5),
            method="verbal",
            witness="Her mother, Ms Reid",
        )
    if at >= STAGES.index("engaged"):
        engagement.do_start_engagement(
            adapt,
            referral,
            on=start + dt.timedelta(days=7),
            focus_areas=["life_choices", "education"],
            contact={"attendance": "attended", "notes": "First meeting at home."},
        )
        engagement.do_record_contact(
            adapt,
            referral,
            on=start + dt.timedelta(days=14),
            contact={
                "attendance": "late",
                "reason": "Bus was late",
                "notes": "Talked about going back to college.",
            },
        )
    if stage == "completed":
        engagement.do_end_engagement(
            adapt,
            referral,
            on=start + dt.timedelta(days=28),
            outcome="completed",
            ratings={"life_choices": "achieved", "education": "partly"},
        )


def _news(today: dt.date) -> None:
    """A new offence for the engaged young person (an alert for ADAPT) and a custody
    episode (a visit for the custody mentors), as an import would bring them."""
    engaged = Referral.objects.filter(state="engaged", service_id="ADAPT").first()
    record = engaged.record if engaged else None
    moment = timezone.now() - dt.timedelta(hours=3)
    if record is not None:
        Event.objects.create(
            agency_id="POLICE",
            event_ref="DEMO-NEW-OFFENCE",
            record=record,
            person_id=record.person_id,
            kind="offence",
            occurred_at=moment,
            occurred_on=today,
            crime_group="violence",
            category="Assault to injury",
            content_hash="demo",
        )
    other = Referral.objects.filter(state="sent").first()
    if other is not None:
        Event.objects.create(
            agency_id="POLICE",
            event_ref="DEMO-CUSTODY",
            record=other.record,
            person_id=other.person_id,
            kind="custody",
            occurred_at=moment,
            occurred_on=today,
            category="Held for court",
            content_hash="demo",
        )
    scan_new_events()
