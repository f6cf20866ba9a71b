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
