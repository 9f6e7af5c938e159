"""Production set-up: /health/, /ready/ and each way of not being ready, request ids in the logs, JSON
logs, sessions not written by reads, report reads routed to a replica (docs/deployment.md)."""

import json
import logging
import time

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from icis.core import health, replica
from icis.core.request_log import JsonFormatter, RequestIdFilter, request_id_var
from icis.testing import factories

pytestmark = pytest.mark.django_db


def test_health_answers_without_database_or_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "Set-Cookie" not in response
    assert client.post("/health/").status_code == 405


def test_ready_when_database_queue_and_migrations_are(client):
    response = client.get("/ready/")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "job_queue": "ok", "migrations": "ok"},
    }
    assert "Set-Cookie" not in response


def test_ready_is_cheap(client, django_assert_max_num_queries):
    client.get("/ready/")  # the migration graph is read from disk once per process
    with django_assert_max_num_queries(5):
        assert client.get("/ready/").status_code == 200


def test_not_ready_without_database(client, monkeypatch):
    def down(alias="default"):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(health, "check_database", down)
    response = client.get("/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["not_ready"] == ["database", "job_queue", "migrations"]
    assert body["checks"]["database"] == "error: DatabaseError"


def test_not_ready_without_job_queue(client, monkeypatch):
    def gone():
        raise DatabaseError('relation "django_tasks_database_dbtaskresult" does not exist')

    monkeypatch.setattr(health, "check_job_queue", gone)
    response = client.get("/ready/")
    assert response.status_code == 503
    assert response.json()["not_ready"] == ["job_queue"]
    assert response.json()["checks"]["migrations"] == "ok"


def test_job_queue_check_reads_the_real_tables(monkeypatch):
    health.check_job_queue()  # passes on a migrated database
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE django_tasks_database_dbtaskresult")
    with pytest.raises(DatabaseError):
        health.check_job_queue()


def test_not_ready_with_a_pending_migration(client, monkeypatch):
    health.pending_migrations()  # load the graph
    on_disk, replacements = health._graph
    monkeypatch.setattr(health, "_graph", (on_disk | {("core", "9999_not_yet_applied")}, replacements))
    response = client.get("/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["not_ready"] == ["migrations"]
    assert body["checks"]["migrations"] == "pending: 1"
    assert body["pending_migrations"] == ["core.9999_not_yet_applied"]


def test_squashed_migrations_count_as_applied(monkeypatch):
    health.pending_migrations()
    on_disk, _ = health._graph
    some = sorted(on_disk)[:2]
    squash = ("core", "9000_squashed")
    monkeypatch.setattr(health, "_graph", (on_disk | {squash}, {squash: tuple(some)}))
    assert health.pending_migrations() == []


def test_health_and_ready_are_not_throttled_and_write_nothing(client):
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(30):
            assert client.get("/health/").status_code == 200
            assert client.get("/ready/").status_code == 200
    assert not [q for q in ctx.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]


def test_checks_answer_by_address_over_plain_http(client, settings):
    """A load balancer checks 10.0.0.5:8000 over HTTP: no DisallowedHost, no HTTPS redirect, for the checks only."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["icis.example.vn"]
    assert client.get("/health/", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/ready/", HTTP_HOST="10.0.0.5:8000").status_code == 200
    assert client.get("/accounts/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="icis.example.vn").status_code == 301


# Request ids and logs


def test_request_id_made_echoed_and_propagated(client):
    made = client.get("/health/")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/health/", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    # A header that could forge log lines or flood them is replaced, not trusted.
    for bad in ["x", 'abc"}\n{"level":"ERROR', "a" * 500, "id with spaces"]:
        replaced = client.get("/health/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert replaced != bad and len(replaced) == 32


def test_every_log_line_of_a_request_carries_its_id(client, boss, caplog):
    client.force_login(boss)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-0000feed")
    assert response.status_code == 404
    lines = [r for r in caplog.records if r.name in ("icis.request", "django.request")]
    assert {r.name for r in lines} == {"icis.request", "django.request"}
    assert {r.request_id for r in lines} == {"req-0000feed"}
    access = next(r for r in lines if r.name == "icis.request")
    assert (access.method, access.path, access.status, access.user_id) == ("GET", "/no-such-page/", 404, boss.pk)
    assert request_id_var.get() == "-"  # forgotten once the response is closed


def test_json_formatter_writes_one_object_a_line():
    record = logging.LogRecord("icis.jobs", logging.ERROR, __file__, 1, "job %s failed", (7,), None)
    record.job_id = 7
    token = request_id_var.set("req-12345678")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line.split('"exc_info"')[0]
    entry = json.loads(line)
    assert entry["message"] == "job 7 failed"
    assert entry["level"] == "ERROR"
    assert entry["request_id"] == "req-12345678"
    assert entry["job_id"] == 7
    assert "ValueError: boom" in entry["exc_info"]
    assert entry["time"].endswith("+00:00")


def test_production_logging_is_json():
    import subprocess
    import sys

    code = "import logging, django; django.setup(); logging.getLogger('icis.check').warning('Xin chào %s', 'Hà Nội')"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "DATABASE_URL": "sqlite:///:memory:",
        "PATH": "/usr/bin:/bin",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    entry = json.loads(out.stderr.strip().splitlines()[-1])
    assert entry["message"] == "Xin chào Hà Nội"
    assert entry["logger"] == "icis.check"
    assert entry["request_id"] == "-"


# Sessions


def _session_writes(queries):
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def test_repeated_signed_in_reads_do_not_write_the_session(client, hanoi, boss, monkeypatch):
    from icis.accounts import middleware

    boss.set_password("a-long-password-1")
    boss.save()
    assert client.post("/accounts/login/", {"username": "boss", "password": "a-long-password-1"}).status_code == 302
    now = [time.time()]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    client.get("/")  # the first view after sign-in records when the user was last seen
    pages = ["/", "/clusters/", "/construction/", "/environment/", "/planning/", "/api/clusters/", "/jobs/999999/"]
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            for url in pages:
                assert client.get(url).status_code in (200, 404), url
    assert _session_writes(ctx.captured_queries) == []
    # The idle clock is touched at most once a minute: one write, then none again.
    now[0] += 61
    with CaptureQueriesContext(connection) as ctx:
        for url in pages:
            client.get(url)
    assert len(_session_writes(ctx.captured_queries)) == 1


# Read replica


def test_router_sends_only_report_reads_to_the_replica(monkeypatch):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from icis.clusters.models import Cluster
    from icis.core.models import Job

    router = replica.ReplicaRouter()
    monkeypatch.setattr(replica, "replica_configured", lambda: True)
    assert router.db_for_read(Cluster) is None
    with replica.replica_reads():
        assert router.db_for_read(Cluster) == "replica"
        for primary_only in (get_user_model(), Session, Job):
            assert router.db_for_read(primary_only) is None
        assert router.db_for_write(Cluster) == "default"
    assert router.db_for_read(Cluster) is None
    assert router.allow_migrate("replica", "clusters") is False
    assert router.allow_migrate("default", "clusters") is None
    monkeypatch.setattr(replica, "replica_configured", lambda: False)
    with replica.replica_reads():
        assert router.db_for_read(Cluster) is None


def test_report_pages_read_from_the_replica_alias(client, hanoi, boss, settings, monkeypatch):
    """The router configured to an alias (here the test database itself, under another name): report
    GETs read domain rows through it, sign-in rows and every other page stay on the primary."""
    decisions = []
    real = replica.ReplicaRouter.db_for_read

    def spy(self, model, **hints):
        alias = real(self, model, **hints)
        decisions.append((model._meta.label, alias))
        return alias

    monkeypatch.setattr(replica, "REPLICA", "default")  # the alias the router sends report reads to
    monkeypatch.setattr(replica.ReplicaRouter, "db_for_read", spy)
    settings.DATABASE_ROUTERS = ["icis.core.replica.ReplicaRouter", "icis.core.routers.TablelessModelsRouter"]
    client.force_login(boss)
    factories.make_cluster(actor=boss)

    assert client.get("/reports/form-04/").status_code == 200
    routed = {label for label, alias in decisions if alias == "default"}
    kept = {label for label, alias in decisions if alias is None}
    assert any(label.startswith(("clusters.", "reporting.", "geo.", "tenancy.")) for label in routed), decisions
    assert not {label for label in routed if label.split(".")[0] in ("accounts", "sessions", "auth", "core")}
    assert "sessions.Session" in kept or "accounts.User" in kept

    decisions.clear()
    assert client.get("/clusters/").status_code == 200
    assert all(alias is None for _, alias in decisions)
    decisions.clear()
    client.post("/reports/form-04/", {})
    assert all(alias is None for _, alias in decisions)


def test_job_log_lines_carry_the_job_id(caplog, boss):
    from icis.core import jobs
    from icis.core.models import Job

    caplog.handler.addFilter(RequestIdFilter())
    job = Job.objects.create(handler="icis.no.such.handler", label="t", created_by=boss, status=Job.Status.SUCCEEDED)
    with caplog.at_level(logging.WARNING, logger="icis.core.jobs"):
        jobs.run_job.call(job.pk)  # not waiting in the queue: a warning, logged under the job's id
    assert [r.request_id for r in caplog.records if r.name == "icis.core.jobs"] == [f"job-{job.pk}"]
    assert request_id_var.get() == "-"
