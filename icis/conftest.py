import pytest
from rest_framework.test import APIClient

from icis.testing import factories
from icis.testing.personas import linked, world  # noqa: F401  (the permission-matrix personas, for every app)


@pytest.fixture
def hanoi(db):
    return factories.mini_hanoi()


@pytest.fixture
def boss(db):
    return factories.superuser()


@pytest.fixture
def api(boss):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {factories.api_token(boss)}")
    return client


@pytest.fixture
def page(client, boss):
    client.force_login(boss)
    return client
