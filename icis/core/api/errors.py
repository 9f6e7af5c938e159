"""One error shape for the whole API: {"detail": str, "errors": [{"field", "code", "message"}]}.

Rule violations raised by services as Django ValidationError become 400s in the same shape, so the
page and the API report the same words.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from ..concurrency import StaleVersion
from .views import PreconditionFailed


def _flatten(detail, field=None):
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if field is None else f"{field}.{key}"
            if key in ("non_field_errors", "__all__"):
                name = field
            yield from _flatten(value, name)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict):
                yield from _flatten(value, f"{field}[{index}]" if field else str(index))
            else:
                yield from _flatten(value, field)
    else:
        code = getattr(detail, "code", None) or "invalid"
        yield {"field": field, "code": code, "message": str(detail)}


def errors_from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            field: [exceptions.ErrorDetail(m, code=e.code or "invalid") for e in errs for m in e.messages]
            for field, errs in error.error_dict.items()
        }
    else:
        detail = [exceptions.ErrorDetail(m, code=error.code or "invalid") for m in error.messages]
    return exceptions.ValidationError(detail)


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        stale = PreconditionFailed(exc.messages[0])
        response = drf_exception_handler(stale, context)
        response.data = {
            "detail": exc.messages[0],
            "errors": [{"field": None, "code": "stale", "message": exc.messages[0]}],
            "changes": exc.changes,
            "current_version": exc.current_version,
        }
        return response
    # A refusal that asks for a confirmation (a look-alike name) may carry its own status (409) and
    # what the client needs to decide (`api_status`, `api_extra`).
    status, extra = getattr(exc, "api_status", None), getattr(exc, "api_extra", None)
    if isinstance(exc, DjangoValidationError):
        exc = errors_from_django(exc)
    # DRF answers Django's own 404 and 403 too, but keeps the exception: turn them into the API's
    # exceptions first, so their message (not a repr of DRF's body) fills the error shape.
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args[:1])
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args[:1])
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors = list(_flatten(exc.detail))
    for error in errors:
        if error["field"] == "detail":
            error["field"] = None
    body = {
        "detail": "; ".join(f"{e['field']}: {e['message']}" if e["field"] else e["message"] for e in errors),
        "errors": errors,
    }
    if status:
        response.status_code = status
    if extra:
        body.update(extra)
    response.data = body
    return response
