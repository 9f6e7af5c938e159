"""`/health/` and `/ready/` for load balancers and process supervisors (docs/deployment.md).

- `/health/`: the process answers. No database, no session, no template: 200 with a tiny JSON body.
- `/ready/`: 200 only when the database answers, the job queue's tables answer and no migration is
  pending; 503 otherwise, with a JSON body naming each check that failed.

Both are unauthenticated, untouched by throttles and the audit log (which record only writes made by
services), and skip the session middleware's cookie (they never touch `request.session`). The migration
graph is read from disk once per process; each readiness check then costs three small queries.
"""

import logging
import threading

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

logger = logging.getLogger(__name__)

_graph_lock = threading.Lock()
_graph: tuple[frozenset, dict] | None = None


def _migration_graph(connection) -> tuple[frozenset, dict]:
    """(every migration key on disk, {squashed key: keys it replaces}), read once per process."""
    global _graph
    with _graph_lock:
        if _graph is None:
            from django.db.migrations.loader import MigrationLoader

            loader = MigrationLoader(connection, ignore_no_migrations=True, load=False)
            loader.build_graph()
            replacements = {key: tuple(m.replaces) for key, m in loader.replacements.items()}
            _graph = (frozenset(loader.disk_migrations), replacements)
        return _graph


def check_database(alias: str = DEFAULT_DB_ALIAS) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_job_queue() -> None:
    """The queue the worker reads (django_tasks_db) and the jobs every app server shows both answer."""
    from django_tasks_db.models import DBTaskResult

    from .models import Job

    DBTaskResult.objects.only("pk").first()
    Job.objects.only("pk").first()


def pending_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations on disk not recorded as applied in the database ("app.name"), sorted."""
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[alias]
    on_disk, replacements = _migration_graph(connection)
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return sorted(f"{app}.{name}" for app, name in on_disk)
    applied = set(recorder.applied_migrations())
    replaced = {key for keys in replacements.values() for key in keys}
    pending = []
    for key in on_disk:
        if key in applied:
            continue
        if key in replacements and all(old in applied for old in replacements[key]):
            continue  # a squashed migration whose originals were all applied
        if key in replaced and any(new in applied for new, olds in replacements.items() if key in olds):
            continue  # an original replaced by a squash that was applied
        pending.append(f"{key[0]}.{key[1]}")
    return sorted(pending)


class HealthCheckMiddleware:
    """Answers /health/ and /ready/ before the rest of the middleware (second, after the request id):
    load balancers and container engines check by address (Host: 10.0.0.5:8000), which ALLOWED_HOSTS
    rightly refuses for pages, and over plain HTTP, which production redirects; the checks need neither
    sessions, locale nor CSRF. The answer depends on nothing in the request but its method."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/health/":
            return health(request)
        if request.path == "/ready/":
            return ready(request)
        return self.get_response(request)


@never_cache
@require_http_methods(["GET", "HEAD"])
def health(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_http_methods(["GET", "HEAD"])
def ready(request):
    checks: dict[str, str] = {}
    not_ready: list[str] = []

    def run(name, fn):
        try:
            fn()
        except Exception as exc:  # noqa: BLE001  any failure means "not ready"; the reason is logged
            logger.warning("readiness check %s failed: %s", name, exc)
            checks[name] = f"error: {exc.__class__.__name__}"
            not_ready.append(name)
            return False
        checks[name] = "ok"
        return True

    database_ok = run("database", check_database)
    if database_ok:
        run("job_queue", check_job_queue)
        try:
            pending = pending_migrations()
        except Exception as exc:  # noqa: BLE001
            logger.warning("readiness check migrations failed: %s", exc)
            checks["migrations"] = f"error: {exc.__class__.__name__}"
            not_ready.append("migrations")
        else:
            if pending:
                checks["migrations"] = f"pending: {len(pending)}"
                not_ready.append("migrations")
            else:
                checks["migrations"] = "ok"
    else:
        checks["job_queue"] = checks["migrations"] = "skipped: no database"
        not_ready += ["job_queue", "migrations"]
    body = {"status": "not ready" if not_ready else "ready", "checks": checks}
    if not_ready:
        body["not_ready"] = not_ready
        if "migrations" in not_ready and checks["migrations"].startswith("pending"):
            body["pending_migrations"] = pending[:50]
    return JsonResponse(body, status=503 if not_ready else 200)
