"""Throttles and lock-outs count per real client (or signed-in user), in a cache all processes share."""

import pytest
from axes.helpers import get_client_ip_address
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.test import RequestFactory
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.testing.factories import person

pytestmark = pytest.mark.django_db
TOKEN = "/api/auth/token/"
LIMIT = 10  # ICIS_TOKEN_RATE's default, 10/minute


@pytest.fixture(autouse=True)
def _clean_throttles():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


def _attempt(client, n, **headers):
    return client.post(TOKEN, {"username": "officer", "password": f"wrong-{n}"}, format="json", **headers).status_code


def test_rotating_x_forwarded_for_does_not_escape_the_token_throttle(settings):
    settings.ICIS_TRUSTED_PROXIES = []
    person("officer", roles.DOIT_OFFICER)
    client = APIClient()
    codes = [_attempt(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}") for n in range(LIMIT + 2)]
    assert codes[:LIMIT] == [400] * LIMIT and codes[LIMIT:] == [429, 429]


def test_behind_a_trusted_proxy_each_real_client_has_its_own_count(settings):
    settings.ICIS_TRUSTED_PROXIES = ["10.0.0.1"]
    person("officer", roles.DOIT_OFFICER)
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    # One client writing its own header: nginx appends the real address, and only that counts.
    codes = [_attempt(client, n, HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.7") for n in range(LIMIT + 1)]
    assert codes[-1] == 429
    assert _attempt(client, 99, HTTP_X_FORWARDED_FOR="203.0.113.8") == 400  # someone else behind the proxy


def test_throttle_counts_live_in_the_shared_database_cache_not_in_the_process():
    person("officer", roles.DOIT_OFFICER)
    client = APIClient()
    for n in range(3):
        _attempt(client, n)
    # A new cache object, as another worker process builds from the same settings, sees the count.
    elsewhere = DatabaseCache("icis_cache", {})
    assert len(elsewhere.get("throttle_token_127.0.0.1")) == 3
    assert caches["default"].get("throttle_token_127.0.0.1") is None


def test_axes_reads_the_client_address_by_the_same_rule(settings):
    factory = RequestFactory()
    settings.ICIS_TRUSTED_PROXIES = []
    spoofed = factory.post("/accounts/login/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert get_client_ip_address(spoofed) == "203.0.113.7"
    settings.ICIS_TRUSTED_PROXIES = ["10.0.0.1"]
    proxied = factory.post("/accounts/login/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.1")
    assert get_client_ip_address(proxied) == "198.51.100.1"


def test_rotating_x_forwarded_for_does_not_escape_the_login_lockout(client, settings):
    settings.ICIS_TRUSTED_PROXIES = []
    person("officer", roles.DOIT_OFFICER)
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "officer", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"1.1.1.{n}")
    locked = client.post(
        "/accounts/login/", {"username": "officer", "password": "a-long-password-1"}, HTTP_X_FORWARDED_FOR="9.9.9.9"
    )
    assert locked.status_code == 429


def test_audit_events_record_the_real_client_address(settings):
    from icis.accounts.models import AuditEvent

    settings.ICIS_TRUSTED_PROXIES = ["10.0.0.1"]
    person("officer", roles.DOIT_OFFICER)
    APIClient(REMOTE_ADDR="10.0.0.1").post(
        TOKEN,
        {"username": "officer", "password": "a-long-password-1"},
        format="json",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7",
    )
    assert AuditEvent.objects.get(action="token").ip == "203.0.113.7"
