"""The audit of unsuppressed outcome figures.

Published (suppressed) figures are aggregate and safe to share: every role that may read
reports may see them. Unsuppressed figures can single people out in small groups, so
only roles with `unsuppressed_reports` (the partnership's analysts) may have them
(`partners.capabilities.may_see_unsuppressed`), and every unsuppressed export is written
to the access audit, here, whether from a page, the API or the command line.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from pathways.audit.log import operator_name, record_access
from pathways.outcomes.casework import CaseworkParameters
from pathways.outcomes.parameters import ReportParameters


def record_unsuppressed_export(
    user: Any,
    params: ReportParameters | CaseworkParameters,
    *,
    what: str,
    channel: str | None = None,
) -> None:
    """Write to the audit that unsuppressed figures left Pathways: who (the signed-in
    user, or the operating-system user at the command line), what and for which report
    (the outcome report's services, or casework's)."""
    by_operator = user is None
    about = (
        f"services {', '.join(params.services)}"
        if isinstance(params, ReportParameters)
        else "justice social work casework"
    )
    detail = f"{what}: {about}; {params.period_from} to {params.period_to}; as of {params.as_of}"
    # The filters are what narrow figures to small groups: the audit names them.
    for name in ("area", "sex", "age_band", "team"):
        if getattr(params, name, ""):
            detail += f"; {name.replace('_', ' ')} {getattr(params, name)}"
    if by_operator:
        detail += f"; by operating-system user {operator_name()}"
    record_access(
        AnonymousUser() if by_operator else user,
        action="report_unsuppressed",
        allowed=True,
        categories={"outcomes"},
        purpose="outcome figures for analysis (unsuppressed)",
        basis="the command line acts with the operator's authority"
        if by_operator
        else "role with the unsuppressed_reports capability",
        detail=detail,
        channel="cli" if by_operator else channel,
    )
