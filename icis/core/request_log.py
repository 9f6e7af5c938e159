"""Request ids and structured logs (docs/deployment.md).

`RequestIdMiddleware` (first in MIDDLEWARE) takes the caller's X-Request-ID when it is a sane token (the
load balancer's, or a client's), or makes one; every log line written while the request runs carries it
(`RequestIdFilter`), the response echoes it, and one access line per request is logged to
`icis.request` with method, path, status and duration. `JsonFormatter` writes each record as one JSON
object a line (ICIS_LOG_JSON=1; on by default in production settings, and in the job worker there).
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

from django.core.signals import request_finished

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("icis_request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
HEADER = "X-Request-ID"
access_logger = logging.getLogger("icis.request")
QUIET_PATHS = ("/health/", "/ready/", "/static/")


def current_request_id() -> str:
    return request_id_var.get()


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        # Reset when the response is closed (request_finished), not here: Django logs a 4xx/5xx response
        # (django.request) after the middleware returns, and that line must carry the id too.
        request_id_var.set(request_id)
        started = time.perf_counter()
        response = self.get_response(request)
        response[HEADER] = request_id
        if not request.path.startswith(QUIET_PATHS) or response.status_code >= 500:
            user = getattr(request, "user", None)
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": getattr(user, "pk", None) if user is not None and user.is_authenticated else None,
                },
            )
        return response


def _forget_request_id(**kwargs):
    request_id_var.set("-")


request_finished.connect(_forget_request_id, dispatch_uid="icis_forget_request_id")


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or "-" outside a request, e.g. the worker between jobs) on every record."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id, process, and any
    `extra=` fields; exceptions as `exc_info` text."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "process": record.process,
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
