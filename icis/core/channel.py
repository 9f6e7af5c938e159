"""Which interface a change came through (page, api, import, command), for the audit trail.

Set once per request by middleware and by commands and imports through `acting_via`; read when a
history row is written.
"""

import contextlib
import contextvars

from django.utils.translation import gettext_lazy as _

PAGE = "page"
API = "api"
IMPORT = "import"
COMMAND = "command"
ADMIN = "admin"

_channel: contextvars.ContextVar[str] = contextvars.ContextVar("icis_channel", default=COMMAND)


def current() -> str:
    return _channel.get()


@contextlib.contextmanager
def acting_via(channel: str):
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


LABELS = {
    PAGE: _("web page"),
    API: _("API"),
    IMPORT: _("import"),
    COMMAND: _("command"),
    ADMIN: _("administration"),
}


def label(value: str) -> str:
    return str(LABELS.get(value, value or ""))
