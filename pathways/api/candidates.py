"""API v1: the candidate queue and the team's decisions, as on the pages
(`pathways.identification.decisions`; candidates through the door,
`pathways.access.candidates`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError

from pathways.access.candidates import (
    candidate_page,
    candidate_queue,
    candidate_to_act_on,
)
from pathways.api.ids import an_id
from pathways.api.schemas import (
    CandidateDetail,
    CandidatePage,
    DismissIn,
    Message,
    ReferIn,
    ReferralCreated,
)
from pathways.api.text import Text
from pathways.identification.decisions import DecisionRefused, dismiss, refer
from pathways.identification.models import Candidate
from pathways.identification.queue import referring_agency
from pathways.partners.capabilities import REFER, has_capability
from pathways.referrals.transitions import TransitionRefused

router = Router(tags=["candidates"])
PER_PAGE = 50


def _may_refer(request: HttpRequest) -> None:
    if not has_capability(request.user, REFER):
        raise HttpError(403, "your role cannot decide on identification candidates")


def _out(candidate: Candidate) -> dict[str, Any]:
    return {
        "id": candidate.pk,
        "person": candidate.person,  # a PersonSummary, read from the object
        "service": candidate.service_id,
        "score": candidate.score,
        "events_counted": candidate.events_counted,
        "last_event_on": candidate.last_event_on,
        "first_found_on": candidate.first_found_on,
        "as_of": candidate.as_of,
        "also_fits": candidate.also_fits,
        "version": candidate.version,
    }


@router.get(
    "",
    response={200: CandidatePage, 401: Message, 403: Message, 422: Message},
    summary="The candidate queue",
)
def candidates(
    request: HttpRequest,
    service: Text | None = None,
    sort: str = Query("score", pattern="^(score|recent|found|name)$"),
    page: int = Query(1, ge=1),
) -> Any:
    """Open candidates of the services the caller's teams decide on, 50 a page."""
    _may_refer(request)
    shown = candidate_queue(
        request.user, service=service, sort=sort, page=page, per_page=PER_PAGE, nearest=False
    )
    return {
        "total": shown.paginator.count,
        "page": page,
        "pages": shown.paginator.num_pages,
        "per_page": PER_PAGE,
        "candidates": [_out(c) for c in shown.object_list],
    }


@router.get(
    "/{candidate_id}",
    response={200: CandidateDetail, 401: Message, 403: Message, 404: Message, 422: Message},
    summary="One candidate, with why the rules found them",
)
def candidate(request: HttpRequest, candidate_id: int = an_id()) -> Any:
    _may_refer(request)
    found, explained = candidate_page(request.user, candidate_id)
    return {
        **_out(found),
        "explanation": explained.sentence,
        "events": [
            {
                "agency": e.agency_id,
                "event_ref": e.event_ref,
                "kind": e.kind,
                "occurred_at": e.occurred_at,
                "crime_group": e.crime_group,
                "flags": e.flag_list,
                "points": e.points,  # type: ignore[attr-defined]
            }
            for e in explained.events
        ],
        "events_hidden": explained.hidden,
    }


@router.post(
    "/{candidate_id}/dismiss",
    response={200: Message, 401: Message, 403: Message, 404: Message, 409: Message, 422: Message},
    summary="Dismiss a candidate with a reason",
)
def dismiss_candidate(request: HttpRequest, body: DismissIn, candidate_id: int = an_id()) -> Any:
    """`reason`: not_appropriate, already_supported, risk, data_error or other (with a
    `note`). `version`: the candidate's version as read; a changed candidate is 409."""
    _may_refer(request)
    with candidate_to_act_on(
        request.user, candidate_id, action="dismiss_candidate", version=body.version
    ) as found:
        try:
            dismiss(
                found, by=request.user, reason=body.reason, note=body.note,
                on=timezone.localdate(),
            )  # fmt: skip
        except DecisionRefused as error:
            raise HttpError(409 if "someone else" in str(error) else 422, str(error)) from error
    return {"message": f"candidate {candidate_id} dismissed"}


@router.post(
    "/{candidate_id}/refer",
    response={
        201: ReferralCreated,
        401: Message,
        403: Message,
        404: Message,
        409: Message,
        422: Message,
    },
    summary="Turn a candidate into a proposed referral",
)
def refer_candidate(request: HttpRequest, body: ReferIn, candidate_id: int = an_id()) -> Any:
    _may_refer(request)
    with candidate_to_act_on(
        request.user, candidate_id, action="refer_candidate", version=body.version
    ) as found:
        try:
            referral = refer(
                found,
                by=request.user,
                agency=referring_agency(request.user, found.service_id),
                on=timezone.localdate(),
                note=body.note,
            )
        except (DecisionRefused, TransitionRefused) as error:
            raise HttpError(409, str(error)) from error
    return Status(
        201, {"referral": referral.pk, "state": referral.state, "service": referral.service_id}
    )
