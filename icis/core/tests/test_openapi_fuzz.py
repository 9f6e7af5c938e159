"""Schemathesis over the whole OpenAPI schema, signed in as a city-wide officer.

Every generated request must get an answer that is not a server error and that matches the
schema (status code documented, body shaped as documented).
"""

import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from icis.accounts import roles
from icis.core.testing.factories import api_token, make_cluster, person


def _load_schema():
    """The schema as the app serves it, generated in-process (no request, no database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    from config.wsgi import application

    raw = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = application
    return loaded


schema = _load_schema()
# What the API promises: no server error, documented status codes, content types, bodies and
# headers. (Lenient acceptance of odd input, e.g. an unparsable page_size falling back to the
# default, is allowed.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the connection after each request; inside a test transaction that
    would lose the test's data (PostgreSQL). Django's own test client disconnects it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def officer_token(hanoi, keep_test_connection):
    officer = person("fuzzer", roles.DOIT_OFFICER)
    make_cluster(name="Đông Phú Yên", area_ha=10)
    cache.clear()
    return api_token(officer)


@schema.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_answers_without_server_errors_and_as_documented(case, officer_token):
    case.call_and_validate(headers={"Authorization": f"Token {officer_token}"}, checks=CHECKS)
