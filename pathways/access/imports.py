"""The door for the data quality officer's import pages. An import run's rejected rows
are the agency's rows as it sent them (names, dates of birth, references, events), kept
so that the agency can correct its extract; they belong to no person Pathways holds. Each
page of them and each download is written to the access audit with the categories the
rows hold."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import Http404

from pathways.access.pages import page_of_rows
from pathways.audit.log import record_access
from pathways.feeds.models import ImportRun, RejectedRow
from pathways.partners.capabilities import MANAGE_IMPORTS, has_capability
from pathways.partners.memberships import User
from pathways.sharing.policy import category_of_kind

BASIS = "the manage_imports capability: an agency's rows as sent, to be corrected at source"
# What each format's rows hold besides the events' own categories.
HELD = {"people": {"identity"}, "events": {"identity"}, "referrals": {"identity", "referral"}}


def _run(user: User, run_id: int) -> ImportRun:
    if not has_capability(user, MANAGE_IMPORTS):
        raise PermissionDenied("Your role does not allow this (manage_imports).")
    run = ImportRun.objects.select_related("user").filter(pk=run_id).first()
    if run is None:
        raise Http404("No import run with that id.")
    return run


def _audit(user: User, run: ImportRun, action: str, kinds: set[str], shown: str) -> None:
    """Audit rows of `run` shown (rows of events of `kinds`, for events.csv)."""
    categories = HELD.get(run.kind, {"identity"}) | {category_of_kind(user, k) for k in kinds}
    record_access(
        user,
        action=action,
        allowed=True,
        categories=categories - {""},
        purpose="correcting an agency's extract",
        basis=BASIS,
        detail=f"import run {run.pk} ({run.kind}), {shown}",
    )


def rejected_rows(
    user: User, run_id: int, *, page: object, per_page: int
) -> tuple[ImportRun, Page[RejectedRow]]:
    """An import run and a page of the rows it rejected, in file order; audited when the
    page shows any."""
    run = _run(user, run_id)
    shown = page_of_rows(run.rejected_rows.order_by("line", "id"), page, per_page)
    rows = shown.object_list
    if rows:
        kinds = {str(r.row.get("kind", "")) for r in rows} if run.kind == "events" else set()
        _audit(user, run, "view_rejected_rows", kinds, f"lines {rows[0].line} to {rows[-1].line}")
    return run, shown


def rejected_rows_download(user: User, run_id: int) -> ImportRun:
    """An import run whose rejected rows the user downloads whole; audited as an export."""
    run = _run(user, run_id)
    kinds: set[str] = set()
    if run.kind == "events":
        kinds = {str(k) for k in run.rejected_rows.values_list("row__kind", flat=True) if k}
    _audit(user, run, "export_rejected_rows", kinds, f"{run.rejected} rejected row(s)")
    return run
