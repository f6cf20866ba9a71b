"""The API's response shapes (OpenAPI is generated from these)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from pathways.api.ids import Version
from pathways.api.text import Text


class Message(Schema):
    message: str


class PersonSummary(Schema):
    id: int
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str


class RecordOut(Schema):
    agency: str
    person_ref: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    sex: str
    postcode: str
    area: str | None
    link_method: str


class ReferralOut(Schema):
    id: int
    service: str
    referred_on: dt.date
    state: str
    decision: str
    decided_on: dt.date | None
    consent_on: dt.date | None
    started_on: dt.date | None
    ended_on: dt.date | None
    end_reason: str


class PersonOut(PersonSummary):
    records: list[RecordOut]
    referrals: list[ReferralOut]


class EventOut(Schema):
    agency: str
    event_ref: str
    kind: str
    occurred_at: dt.datetime
    occurred_on: dt.date
    crime_group: str
    category: str
    area: str | None
    flags: list[str]
    disposal: str
    offence_date: dt.date | None


class EventPage(Schema):
    total: int
    page: int
    pages: int
    per_page: int
    events: list[EventOut]


class CandidateOut(Schema):
    id: int
    person: PersonSummary
    service: str
    score: float
    events_counted: int
    last_event_on: dt.date
    first_found_on: dt.date
    as_of: dt.date
    also_fits: list[str]
    version: int


class CandidatePage(Schema):
    total: int
    page: int
    pages: int
    per_page: int
    candidates: list[CandidateOut]


class TriggeringEventOut(Schema):
    agency: str
    event_ref: str
    kind: str
    occurred_at: dt.datetime
    crime_group: str
    flags: list[str]
    points: int


class CandidateDetail(CandidateOut):
    explanation: str
    events: list[TriggeringEventOut]
    events_hidden: int


class DismissIn(Schema):
    reason: Text
    note: Text = ""
    version: Version


class ReferIn(Schema):
    note: Text = ""
    version: Version


class ReferralCreated(Schema):
    referral: int
    state: str
    service: str


class ReferralSummary(Schema):
    id: int
    person: PersonSummary
    service: str
    state: str
    referred_on: dt.date
    due_on: dt.date | None = None


class ReferralInbox(Schema):
    to_decide: list[ReferralSummary]
    to_approve: list[ReferralSummary]
    to_send: list[ReferralSummary]
    to_engage: list[ReferralSummary]
    stalled: list[ReferralSummary]  # accepted over 90 days ago and never started
    overdue: list[ReferralSummary]


class TransitionOut(Schema):
    from_state: str
    to_state: str
    on: dt.date
    by: str | None
    reason: str


class ApprovalOut(Schema):
    sector: str
    agency: str
    by: str
    on: dt.date
    note: str


class ContactOut(Schema):
    on: dt.date
    attendance: str
    reason: str
    notes: str
    concerns: str


class ReferralDetail(ReferralOut):
    person: PersonSummary
    version: int
    awaiting: str
    decision_due: dt.date | None
    actions: list[str]
    transitions: list[TransitionOut]
    approvals: list[ApprovalOut]
    focus_areas: list[str] | None = None  # None: the caller may not see the engagement
    ratings: dict[str, str] | None = None
    contacts: list[ContactOut] | None = None


class StepIn(Schema):
    version: Version
    note: Text = ""
    reason: Text = ""


class ContactIn(Schema):
    on: dt.date
    attendance: Text
    reason: Text = ""
    notes: Text = ""
    concerns: Text = ""
    notify_referrer: bool = False


class StartIn(Schema):
    version: Version
    focus_areas: list[Text]
    contact: ContactIn


class EndIn(Schema):
    version: Version
    on: dt.date
    outcome: Text
    ratings: dict[Text, Text]
    closing_reason: Text = ""
    note: Text = ""


class ConsentIn(Schema):
    version: Version
    given: bool
    on: dt.date
    witness: Text


class AlertOut(Schema):
    id: int
    person: PersonSummary
    kind: str
    occurred_at: dt.datetime | None
    why: str
    created_at: dt.datetime
    read: bool


class CustodyVisitOut(Schema):
    id: int
    person: PersonSummary
    held_at: dt.datetime
    outcome: str
    signposted_to: list[str]
    version: int


class CustodyVisitIn(Schema):
    version: Version
    outcome: Text
    seen_on: dt.date
    conversation: Text = ""
    signposted_to: list[Text] = []


class NewReferralIn(Schema):
    service: Text
    route: Text
    reason: Text
