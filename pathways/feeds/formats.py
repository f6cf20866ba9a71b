"""The columns of each interchange file (INTERCHANGE.md), in their documented order.

Plain data with no Django imports, so the synthetic-data writer can use it too.
"""

from __future__ import annotations

PEOPLE_COLUMNS = (
    "agency", "person_ref", "given_name", "family_name", "date_of_birth", "sex", "postcode",
    "area", "address",
)  # fmt: skip
EVENT_COLUMNS = (
    "agency", "event_ref", "person_ref", "kind", "occurred_at", "crime_group", "category",
    "area", "flags", "disposal", "offence_date",
)  # fmt: skip
REFERRAL_COLUMNS = (
    "referral_ref", "agency", "person_ref", "service", "referred_on", "decision",
    "decided_on", "consent_on", "started_on", "ended_on", "end_reason",
)  # fmt: skip
TRUTH_COLUMNS = ("agency", "person_ref", "true_person")
# Justice social work's migration feeds (CASEWORK.md "Feeds").
COURT_REPORT_COLUMNS = (
    "report_ref", "agency", "person_ref", "court", "requested_on", "due_on", "submitted_on",
    "status", "risk_level", "proposal", "sentence",
)  # fmt: skip
ORDER_COLUMNS = (
    "order_ref", "agency", "person_ref", "type", "court", "imposed_on", "expected_end",
    "upw_hours", "other_activity_hours", "supervision_months", "requirements", "ended_on",
    "end_reason",
)  # fmt: skip
SESSION_COLUMNS = (
    "session_ref", "order_ref", "kind", "date", "hours_offered", "outcome", "hours_credited",
)  # fmt: skip
PLAN_COLUMNS = ("plan_ref", "order_ref", "agreed_on")
REVIEW_COLUMNS = ("review_ref", "order_ref", "due_on", "held_on")
ASSESSMENT_COLUMNS = (
    "assessment_ref", "agency", "person_ref", "instrument", "stage", "assessed_on", "level",
)  # fmt: skip
