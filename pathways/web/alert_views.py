"""The alert inbox: what happened to people on the user's caseload. Opening an alert
marks it read and opens the person through the door (refused if the user may no longer
see them). Thin: the alerts come through `pathways.access.alerts`."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from pathways.access.alerts import alerts_for, mark_read
from pathways.partners.capabilities import VIEW
from pathways.web.pagination import page_links
from pathways.web.permissions import capability_required, signed_in


@require_GET
@capability_required(VIEW)
def alerts(request: HttpRequest) -> HttpResponse:
    page = alerts_for(signed_in(request), page=request.GET.get("page"), per_page=50)
    return render(
        request, "referrals/alerts.html", {"alerts": page, "page_numbers": page_links(page)}
    )


@require_POST
@capability_required(VIEW)
def alert_open(request: HttpRequest, alert_id: int) -> HttpResponse:
    return redirect("person", person_id=mark_read(signed_in(request), alert_id))
