"""/healthz and /readyz, for a load balancer, systemd or a monitoring system: open to
anyone (no sign-in, no second factor, no HTTPS redirect), with no person data, not
audited, never cached."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pathways.web.health import OK, readiness


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the server process answers. No database query, so a database outage
    does not get healthy processes restarted."""
    return JsonResponse({"status": OK})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers and a worker beat recently; 503 naming
    what is wrong otherwise."""
    checks = readiness()
    return JsonResponse(
        {
            "status": OK if checks.ready else "unavailable",
            "checks": {"database": checks.database, "worker": checks.worker},
        },
        status=200 if checks.ready else 503,
    )
