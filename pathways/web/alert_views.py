"""The alert inbox: what happened to people on the user's caseload. Opening an alert
marks it read and opens the person through the sharing door (refused if the user may no
longer see them)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pathways.alerts.models import Alert
from pathways.alerts.raising import visible_alerts
from pathways.web.pagination import page_of
from pathways.web.permissions import capability_required, signed_in


@require_GET
@capability_required("view")
def alerts(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    mine = (
        visible_alerts(user)
        .select_related("person", "event", "referral__service")
        .order_by("read_at", "-created_at", "-id")
    )
    page, page_numbers = page_of(request, mine, 50)
    return render(request, "referrals/alerts.html", {"alerts": page, "page_numbers": page_numbers})


@require_POST
@capability_required("view")
def alert_open(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id, user=signed_in(request))
    if alert.read_at is None:
        Alert.objects.filter(pk=alert.pk).update(read_at=timezone.now())
    return redirect("person", person_id=alert.person_id)
