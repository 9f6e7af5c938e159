"""The registry workbook's rows of the permission matrix (the harness: icis/testing/matrix.py)."""

import pytest

from icis.registry_io.views import EXPORT_PERMISSIONS, IMPORT_PERMISSIONS
from icis.testing import matrix
from icis.testing.matrix import Endpoint

pytestmark = pytest.mark.django_db

GLOBAL_ENDPOINTS = [
    Endpoint("page import", "get", "/registry/import/", IMPORT_PERMISSIONS, api=False),
    Endpoint("page export", "get", "/registry/export/", EXPORT_PERMISSIONS, api=False),
    Endpoint("page template", "get", "/registry/import/template.xlsx", api=False),
    Endpoint("api imports", "get", "/api/registry/imports/", IMPORT_PERMISSIONS),
    Endpoint("api export", "get", "/api/registry/export/?province=01", EXPORT_PERMISSIONS),
]


@matrix.each_persona
@pytest.mark.parametrize("endpoint", GLOBAL_ENDPOINTS, ids=matrix.name)
def test_global_endpoint_answers_by_role(world, persona, endpoint):
    matrix.check(world, persona, endpoint)
