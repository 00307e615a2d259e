"""Session lifetime and the two-factor requirement, enforced on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED = "_session_started"
SESSION_LAST_SEEN = "_session_last_seen"
LAST_SEEN_RESOLUTION = 60  # seconds


class SessionLifetimeMiddleware:
    """End a signed-in session after SESSION_IDLE_TIMEOUT idle or SESSION_COOKIE_AGE in all.

    A deactivated account loses its session at its next request: Django's authentication
    backends refuse inactive users, so request.user becomes anonymous.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            last_seen = request.session.get(SESSION_LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            too_old = now - started > settings.SESSION_COOKIE_AGE
            if idle or too_old:
                logout(request)
                return redirect(f"{reverse('account_login')}?expired=1")
            if now - last_seen >= LAST_SEEN_RESOLUTION or SESSION_LAST_SEEN not in request.session:
                request.session[SESSION_LAST_SEEN] = now  # a session write at most once a minute
        return self.get_response(request)


def _allowed_without_two_factor(path: str) -> bool:
    prefixes = [
        reverse("mfa_activate_totp"),
        reverse("mfa_index"),
        reverse("mfa_view_recovery_codes"),
        reverse("mfa_generate_recovery_codes"),
        reverse("mfa_download_recovery_codes"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        settings.STATIC_URL,
    ]
    return any(path.startswith(prefix) for prefix in prefixes)


class RequireTwoFactorMiddleware:
    """Outside demo mode, a signed-in user must set up two-factor login before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REQUIRE_TWO_FACTOR
            and request.user.is_authenticated
            and not _has_two_factor(request)
            and not _allowed_without_two_factor(request.path_info)
        ):
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_two_factor(request: HttpRequest) -> bool:
    from allauth.mfa.models import Authenticator

    cached = getattr(request, "_has_two_factor", None)
    if cached is None:
        cached = Authenticator.objects.filter(
            user_id=request.user.pk, type=Authenticator.Type.TOTP
        ).exists()
        request._has_two_factor = cached  # type: ignore[attr-defined]
    return bool(cached)
