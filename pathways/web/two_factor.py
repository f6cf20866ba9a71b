"""Two-factor authentication (TOTP, django-otp): the page that sets up an authenticator
app or asks for its code, and the middleware that sends there anyone who needs it."""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.web.signin import needs_two_factor

# Pages a user who still owes a second factor may open (and the health checks, which
# show no one's data and must answer without touching the session).
OPEN_PATHS = ("/account/two-factor/", "/logout/", "/static/", "/login/", "/healthz", "/readyz")


class CodeForm(forms.Form):
    code = forms.CharField(
        label="The 6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"class": "ds_input ds_input--fixed-10", "autocomplete": "one-time-code"}
        ),
    )


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time) or give its code (every sign-in)."""
    user = request.user
    confirmed = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(request.GET.get("next") or "home")
        form.add_error("code", "That code is not right (or has expired). Try the current one.")
    secret = b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "setting_up": not device.confirmed,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "config_url": device.config_url,
        },
    )


class RequireTwoFactor:
    """Sends a signed-in user who needs a second factor and has not given one to it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            not request.path.startswith(OPEN_PATHS)
            and not request.path.startswith("/api/")  # tokens: issued by an operator
            and getattr(user, "is_authenticated", False)
            and not user.is_verified()  # type: ignore[union-attr]
            and needs_two_factor(user)
        ):
            return redirect(f"{reverse('two-factor')}?next={request.path}")
        return self.get_response(request)
