"""Indicators of the Community Justice Performance Framework's first outcomes, where
Pathways holds the data: diversion from prosecution (cases assessed, commenced,
completed), referrals from police custody (the custody peer mentors' records), and bail
supervision once such a service is configured (PATHWAYS_BAIL_SERVICES)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from pathways.outcomes.scope import date_sql
from pathways.partners.models import Service


@dataclass(frozen=True)
class Counts:
    """Cases assessed (a decision made), commenced and completed in the period."""

    assessed: int
    commenced: int
    completed: int


@dataclass(frozen=True)
class FrameworkIndicators:
    diversion: Counts
    custody_seen: int  # people seen in custody by a peer mentor
    custody_signposted: int  # of them, signposted to at least one service
    custody_referrals: int  # referrals made from police custody
    bail: Counts | None  # None: no bail supervision service is configured


def _counts(services: list[str], period_from: dt.date, period_to: dt.date) -> Counts:
    if not services:
        return Counts(0, 0, 0)
    marks = ", ".join(["%s"] * len(services))
    start, end = date_sql(period_from), date_sql(period_to)

    def within(column: str) -> str:
        return f"{column} >= {start} AND {column} < {end}"

    sql = f"""
        SELECT
            SUM(CASE WHEN decision IN ('accepted', 'declined') AND {within("decided_on")}
                THEN 1 ELSE 0 END),
            SUM(CASE WHEN {within("started_on")} THEN 1 ELSE 0 END),
            SUM(CASE WHEN end_reason = 'completed' AND {within("ended_on")}
                THEN 1 ELSE 0 END)
        FROM referrals_referral WHERE service_id IN ({marks})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, services)
        row = cursor.fetchone()
    return Counts(*(int(v or 0) for v in row))


def framework_indicators(period_from: dt.date, period_to: dt.date) -> FrameworkIndicators:
    """The indicators for `[period_from, period_to)`."""
    diversion = list(
        Service.objects.filter(kind=Service.Kind.DIVERSION).values_list("code", flat=True)
    )
    start, end = date_sql(period_from), date_sql(period_to)
    length = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT COUNT(*), SUM(CASE WHEN {length}(signposted_to) > 0 THEN 1 ELSE 0 END)
            FROM cases_custodyvisit
            WHERE outcome = 'seen' AND seen_on >= {start} AND seen_on < {end}
            """
        )
        seen, signposted = cursor.fetchone()
        cursor.execute(
            f"""
            SELECT COUNT(*) FROM referrals_referral
            WHERE route = 'custody' AND referred_on >= {start} AND referred_on < {end}
            """
        )
        (from_custody,) = cursor.fetchone()
    bail_services = [
        code
        for code in getattr(settings, "PATHWAYS_BAIL_SERVICES", [])
        if Service.objects.filter(code=code).exists()
    ]
    return FrameworkIndicators(
        diversion=_counts(diversion, period_from, period_to),
        custody_seen=int(seen or 0),
        custody_signposted=int(signposted or 0),
        custody_referrals=int(from_custody or 0),
        bail=_counts(bail_services, period_from, period_to) if bail_services else None,
    )
