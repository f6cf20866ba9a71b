"""Alerts by e-mail: how many, and where to read them; never who or what."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from pathways.alerts.models import Alert


def email_new_alerts() -> int:
    """E-mail each user with alerts not yet e-mailed: how many, and where to read them.
    No person data in the e-mail: the reader signs in to see it."""
    if not settings.PATHWAYS_ALERT_EMAILS:
        return 0
    pending = Alert.objects.filter(emailed_at__isnull=True, read_at__isnull=True).select_related(
        "user"
    )
    by_user: dict[Any, list[Alert]] = defaultdict(list)
    for alert in pending:
        if alert.user.email:
            by_user[alert.user].append(alert)
    for user, alerts in by_user.items():
        send_mail(
            subject=f"Pathways: {len(alerts)} new alert(s)",
            message=(
                f"You have {len(alerts)} new alert(s) about people on your caseload.\n"
                f"Sign in to read them: {settings.PATHWAYS_SITE_URL}{reverse('alerts')}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(emailed_at=timezone.now())
    return len(by_user)
