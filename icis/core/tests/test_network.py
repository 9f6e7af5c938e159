"""The client address under the proxy rule: X-Forwarded-For only counts when a trusted proxy sent it."""

import pytest
from django.test import RequestFactory

from icis.core.network import client_ip


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.7", None, "203.0.113.7"),
        ([], "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # no trusted proxy: the header is ignored
        (["10.0.0.1"], "203.0.113.7", "198.51.100.1", "203.0.113.7"),  # sent straight to us, not via the proxy
        (["10.0.0.1"], "10.0.0.1", "198.51.100.1", "198.51.100.1"),
        (["10.0.0.1"], "10.0.0.1", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # client-written hops ignored
        (["10.0.0.0/8"], "10.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.9", "198.51.100.1"),  # two proxies
        (["10.0.0.0/8"], "10.0.0.1", "10.0.0.9", "10.0.0.9"),
        (["10.0.0.1"], "10.0.0.1", "not-an-address", "10.0.0.1"),
        (["10.0.0.1"], "10.0.0.1", "", "10.0.0.1"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        (["127.0.0.1"], "::1", "198.51.100.1", "::1"),
    ],
)
def test_client_address_follows_the_trusted_proxy_rule(settings, trusted, remote, forwarded, expected):
    settings.ICIS_TRUSTED_PROXIES = trusted
    assert client_ip(_request(remote, forwarded)) == expected


def test_no_address_without_a_request_or_a_valid_remote_address(settings):
    settings.ICIS_TRUSTED_PROXIES = []
    assert client_ip(None) is None
    assert client_ip(_request("")) is None
    assert client_ip(_request("garbage")) is None


def test_a_bad_trusted_proxy_setting_fails_at_start():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "ICIS_TRUSTED_PROXIES": "10.0.0.1,nginx"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[3],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "ICIS_TRUSTED_PROXIES: 'nginx'" in result.stderr
