import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from icis.accounts import roles
from icis.accounts.models import AuditEvent
from icis.testing.factories import person

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "a-long-password-1"


@pytest.fixture(autouse=True)
def _clean_throttles():
    cache.clear()
    yield
    cache.clear()


def test_password_rules_refuse_short_and_common_passwords():
    for bad in ["short-1", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(bad)
    validate_password("mây trắng bay qua Ba Vì 2026")


def test_repeated_wrong_passwords_lock_the_login(client, settings):
    person("officer", roles.DOIT_OFFICER)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/accounts/login/", {"username": "officer", "password": "wrong"}).status_code == 200
    assert client.post("/accounts/login/", {"username": "officer", "password": "wrong"}).status_code == 429
    locked = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert locked.status_code == 429
    assert 'id="locked-out"' in locked.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", username="officer").count() >= settings.AXES_FAILURE_LIMIT


def test_token_endpoint_throttles_with_429(settings):
    person("officer", roles.DOIT_OFFICER)
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "officer", "password": f"wrong-{n}"}, format="json").status_code
        for n in range(12)
    ]
    assert codes[0] == 400 and codes[-1] == 429


def test_login_rotates_the_session_key_and_is_audited(client):
    person("officer", roles.DOIT_OFFICER)
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    response = client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action="login", username="officer").exists()


def test_session_ends_after_the_idle_time(client, settings):
    person("officer", roles.DOIT_OFFICER)
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert client.get("/").status_code == 200
    session = client.session
    session["icis_last_seen"] -= settings.ICIS_SESSION_IDLE_SECONDS + 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/").status_code == 302


def test_security_headers_are_sent(client):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_role_and_scope_changes_are_audited(hanoi):
    user = person("someone")
    from django.contrib.auth.models import Group

    from icis.accounts.models import Scope

    user.groups.add(Group.objects.get(name=roles.COMMUNE_OFFICIAL.name))
    scope = Scope.objects.create(user=user, commune_id="10273")
    scope.delete()
    actions = list(AuditEvent.objects.filter(subject__startswith="someone").values_list("action", flat=True))
    assert sorted(actions) == ["role_added", "scope_added", "scope_removed"]


def _confirmed_device(user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return device


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_user_with_an_authenticator_must_enter_a_code_after_the_password(client):
    user = person("officer", roles.DOIT_OFFICER)
    device = _confirmed_device(user)
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    assert client.get("/").status_code == 302 and "/accounts/2fa/verify/" in client.get("/")["Location"]
    assert client.post("/accounts/2fa/verify/", {"token": "000000"}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # wrong codes slow down the next try
    device.throttle_reset()
    assert client.post("/accounts/2fa/verify/?next=/clusters/", {"token": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200


def test_required_2fa_sends_doit_officers_to_set_up_but_not_commune_officials(client, settings):
    settings.ICIS_REQUIRE_2FA = True
    person("officer", roles.DOIT_OFFICER)
    person("commune", roles.COMMUNE_OFFICIAL)
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/2fa/setup/" in response["Location"]
    setup = client.get("/accounts/2fa/setup/")
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="officer", confirmed=False)
    assert client.post("/accounts/2fa/setup/", {"token": _code(device)}).status_code == 302
    assert client.get("/").status_code == 200
    other = client.__class__()
    other.post("/accounts/login/", {"username": "commune", "password": PASSWORD})
    assert other.get("/").status_code == 200


def test_token_endpoint_asks_for_the_code_where_2fa_applies():
    user = person("officer", roles.DOIT_OFFICER)
    device = _confirmed_device(user)
    client = APIClient()
    missing = client.post("/api/auth/token/", {"username": "officer", "password": PASSWORD}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "otp"
    ok = client.post(
        "/api/auth/token/", {"username": "officer", "password": PASSWORD, "otp": _code(device)}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["token"]


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "icis.example.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_require_2fa_by_default(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("ICIS_REQUIRE_2FA", "DJANGO_ALLOW_ASYNC_UNSAFE")},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "icis.example.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DEBUG": "0",
    }
    code = "from django.conf import settings; print(settings.ICIS_REQUIRE_2FA, settings.SESSION_COOKIE_SECURE)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True", "True"], result.stderr
