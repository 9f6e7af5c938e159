"""Report reads on a read replica (docs/deployment.md).

When DATABASE_REPLICA_URL is set, settings add a "replica" database and `ReplicaRouter`. Reads made
while `replica_reads()` is active go to the replica: `ReplicaReadsMiddleware` turns it on for GET and
HEAD requests under ICIS_REPLICA_PATHS (the report pages and the report API by default), and code
that builds a report elsewhere (a job) can use `with replica_reads():`. Everything else reads and writes
the primary, and so do sign-in, sessions, permissions and jobs even inside a report request: a replica
a second behind must never sign anyone out or hide a job they just started. Writes always go to the
primary; migrations never run on the replica.
"""

import contextlib
import contextvars

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
_active: contextvars.ContextVar[bool] = contextvars.ContextVar("icis_replica_reads", default=False)
# Apps whose rows decide who the user is and what is running: always read from the primary.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "admin",
        "auth",
        "axes",
        "contenttypes",
        "core",
        "django_tasks_db",
        "otp_static",
        "otp_totp",
        "otp_email",
        "otp_hotp",
        "django_otp",
        "sessions",
    }
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads():
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _active.get() and model._meta.app_label not in PRIMARY_ONLY_APPS and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True  # the same data
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db == REPLICA:
            return False
        return None


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(getattr(settings, "ICIS_REPLICA_PATHS", ()))

    def __call__(self, request):
        if (
            self.prefixes
            and request.method in ("GET", "HEAD")
            and request.path.startswith(self.prefixes)
            and replica_configured()
        ):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)
