"""A database restart costs no failed requests: kept connections are health-checked before use."""

import io

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from icis.accounts import roles
from icis.testing.factories import api_token, person


def test_every_database_checks_kept_connections():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "sqlite":
        assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0  # nothing kept between requests to go stale


def _call(handler, path, key) -> int:
    """One request through the WSGI handler, as a server sends it (the test client skips the
    connection housekeeping that runs at the start and end of each request)."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_AUTHORIZATION": f"Token {key}",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
    }
    status = []
    body = handler(environ, lambda line, headers, exc_info=None: status.append(line))
    b"".join(body)
    body.close()  # sends request_finished, as the server does
    return int(status[0].split()[0])


def _kill_our_connection():
    """What a PostgreSQL restart does to a kept connection: ended by the server, unknown to Django."""
    pid = connection.connection.info.backend_pid
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL")
def test_the_first_request_after_the_database_dropped_our_connection_succeeds():
    key = api_token(person("officer", roles.DOIT_OFFICER))
    saved = {name: connection.settings_dict[name] for name in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    handler = WSGIHandler()
    try:
        connection.close()
        connection.settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
        assert _call(handler, "/api/auth/tokens/", key) == 200
        _kill_our_connection()
        assert _call(handler, "/api/auth/tokens/", key) == 200

        # Without the health check the same request fails: what the probe saw.
        connection.close()
        connection.settings_dict.update(CONN_HEALTH_CHECKS=False)
        assert _call(handler, "/api/auth/tokens/", key) == 200
        _kill_our_connection()
        assert _call(handler, "/api/auth/tokens/", key) == 500
    finally:
        connection.close()
        connection.settings_dict.update(saved)
