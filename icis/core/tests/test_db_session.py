"""PostgreSQL connections open with the session settings of DB_SESSION_OPTIONS (default: JIT off)."""

import pytest
from django.conf import settings
from django.db import connection


@pytest.mark.django_db
def test_a_postgresql_connection_runs_without_jit():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    assert settings.DATABASES["default"]["OPTIONS"]["options"] == "-c jit=off"
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
