from django.http import JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults

API_ERROR_CODES = {400: "bad_request", 403: "permission_denied", 404: "not_found"}


def _api_error(request, status: int, message: str):
    code = API_ERROR_CODES.get(status, "error")
    body = {"detail": message, "errors": [{"field": None, "code": code, "message": message}]}
    return JsonResponse(body, status=status)


def bad_request(request, exception=None):
    """Requests Django refuses before any view (a host not served, a malformed request): under /api/
    in the API's error shape."""
    if request.path.startswith("/api/"):
        return _api_error(request, 400, "Bad request.")
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return _api_error(request, 403, "You do not have permission to perform this action.")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    """404s under /api/ answer in the API's JSON error shape; pages get the HTML page."""
    if request.path.startswith("/api/"):
        return _api_error(request, 404, "No such resource.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return _api_error(request, 500, "Server error. It has been logged.")
    return defaults.server_error(request)


def safe_next(request, default: str = "/") -> str:
    """The `next` parameter when it points inside this site, otherwise `default` (no open redirect)."""
    target = request.GET.get("next") or request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
    return target if target and allowed else default


MAX_ID = 2**63 - 1  # the largest id a database key holds


def id_or_none(value) -> int | None:
    """A record id from a query string or form (a whole number of ASCII digits in the database's
    range), or None for anything else ("x", "1.5", "²", 10**20), so a bad id never reaches a query."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None
