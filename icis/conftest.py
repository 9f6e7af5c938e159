import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from icis.core.testing import factories


@pytest.fixture
def hanoi(db):
    return factories.mini_hanoi()


@pytest.fixture
def boss(db):
    return factories.superuser()


@pytest.fixture
def api(boss):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=boss)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def page(client, boss):
    client.force_login(boss)
    return client
