import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import services

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/accounts/2fa/", "/accounts/login/")


class SecondFactorMiddleware:
    """After the password, ask for the one-time code: of anyone who set one up, and of the roles
    that must use one when ICIS_REQUIRE_2FA is on (those without a device are sent to set one up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(EXEMPT_PREFIXES):
            if services.has_confirmed_device(user):
                target = "accounts:otp_verify"
            elif services.second_factor_required(user):
                target = "accounts:otp_setup"
            else:
                return self.get_response(request)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": "Two-factor verification required.",
                        "errors": [
                            {"field": None, "code": "second_factor", "message": "Two-factor verification required."}
                        ],
                    },
                    status=403,
                )
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Sign out a session left idle longer than ICIS_SESSION_IDLE_SECONDS."""

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get("icis_last_seen", now)
            if now - last_seen > settings.ICIS_SESSION_IDLE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
            if now - last_seen >= self.TOUCH_EVERY or "icis_last_seen" not in request.session:
                request.session["icis_last_seen"] = now
        return self.get_response(request)
