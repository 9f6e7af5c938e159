from django.middleware.locale import LocaleMiddleware

from . import channel


class ChangeChannelMiddleware:
    """Tag every change made during a request with the interface it came through."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if path.startswith("/api/"):
            via = channel.API
        elif path.startswith("/admin/"):
            via = channel.ADMIN
        else:
            via = channel.PAGE
        with channel.acting_via(via):
            return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (Django 5.2 has no CSP)."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.csp = settings.ICIS_CSP

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        return response


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Vietnamese unless the user chose English (the language switch sets a cookie); the
    browser's Accept-Language is ignored for pages, so an English-language browser in a government
    office still gets Vietnamese. API clients keep choosing with Accept-Language."""

    def process_request(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
