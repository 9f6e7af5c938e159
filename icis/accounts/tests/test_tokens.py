"""API tokens: expiry, revocation (by the user, on password change, on a second factor set up or made
compulsory), the token list page and endpoint, and the audit events for each."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from icis.accounts import roles, services
from icis.accounts.models import ApiToken, AuditEvent
from icis.testing.factories import english, person

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-password-1"
TOKENS = "/api/auth/tokens/"


@pytest.fixture(autouse=True)
def _clean_throttles():
    caches["shared"].clear()
    yield
    caches["shared"].clear()


@pytest.fixture
def in_english(settings):
    yield from english(settings)


def _obtain(username, *, otp=None):
    body = {"username": username, "password": PASSWORD, **({"otp": otp} if otp else {})}
    return APIClient().post("/api/auth/token/", body, format="json")


def _client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _revocations(username):
    return AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN_REVOKED, subject__startswith=f"{username}:")


def test_a_token_works_until_it_expires_then_answers_401_in_the_error_shape(settings, in_english):
    settings.ICIS_TOKEN_TTL_HOURS = 24
    person("officer", roles.DOIT_OFFICER)
    before = timezone.now()
    response = _obtain("officer")
    assert response.status_code == 200
    key = response.json()["token"]
    expires = datetime.datetime.fromisoformat(response.json()["expires"])
    assert datetime.timedelta(hours=23, minutes=59) < expires - before <= datetime.timedelta(hours=24, seconds=5)
    assert _client(key).get("/api/clusters/").status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = _client(key).get("/api/clusters/")
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"] == "Token"
    body = expired.json()
    assert body["errors"] == [{"field": None, "code": "token_expired", "message": body["detail"]}]
    assert "expired at" in body["detail"]


def test_the_key_is_shown_once_and_only_its_digest_is_stored():
    person("officer", roles.DOIT_OFFICER)
    key = _obtain("officer").json()["token"]
    token = ApiToken.objects.get()
    assert key not in (token.digest, token.prefix) and token.prefix == key[:8]
    listed = _client(key).get(TOKENS).json()
    assert key not in str(listed)
    assert listed[0]["key"] == f"{key[:8]}…"


def test_every_request_for_a_token_issues_a_new_one_and_both_work():
    person("officer", roles.DOIT_OFFICER)
    first, second = _obtain("officer").json()["token"], _obtain("officer").json()["token"]
    assert first != second
    assert _client(first).get(TOKENS).status_code == 200 and _client(second).get(TOKENS).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TOKEN, username="officer").count() == 2


def test_issuing_purges_expired_tokens_and_keeps_at_most_the_limit():
    user = person("officer", roles.DOIT_OFFICER)
    services.token_issue(user=user, second_factor=False)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(hours=1))
    for _ in range(services.TOKENS_PER_USER + 2):
        services.token_issue(user=user, second_factor=False)
    assert ApiToken.objects.filter(user=user).count() == services.TOKENS_PER_USER
    assert _revocations("officer").filter(detail__reason="limit").count() == 2


def test_last_use_is_recorded():
    user = person("officer", roles.DOIT_OFFICER)
    token, key = services.token_issue(user=user, second_factor=False)
    assert token.last_used_at is None
    _client(key).get(TOKENS)
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_garbage_revoked_and_inactive_users_tokens_are_refused(in_english):
    user = person("officer", roles.DOIT_OFFICER)
    for key in ["nonsense", "0" * 40, "x'--"]:
        response = _client(key).get(TOKENS)
        assert response.status_code == 401 and response.json()["errors"][0]["code"] == "token_invalid"
    assert _client("x' OR 1=1 --").get(TOKENS).status_code == 401  # DRF refuses spaces in the header
    _, key = services.token_issue(user=user, second_factor=False)
    user.is_active = False
    user.save()
    assert _client(key).get(TOKENS).status_code == 401


def test_changing_the_password_revokes_every_token_and_is_audited():
    user = person("officer", roles.DOIT_OFFICER)
    _, key = services.token_issue(user=user, second_factor=False)
    services.token_issue(user=user, second_factor=False)
    user.last_name = "Nguyễn"
    user.save()  # an ordinary edit keeps them
    assert _client(key).get(TOKENS).status_code == 200
    user.set_password("một mật khẩu mới thật dài 2026")
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()
    assert _client(key).get(TOKENS).status_code == 401
    event = _revocations("officer").get()
    assert event.detail["reason"] == "password_changed" and len(event.detail["tokens"]) == 2


def test_signing_in_again_does_not_revoke_tokens(client):
    user = person("officer", roles.DOIT_OFFICER)
    _, key = services.token_issue(user=user, second_factor=False)
    assert client.post("/accounts/login/", {"username": "officer", "password": PASSWORD}).status_code == 302
    assert _client(key).get(TOKENS).status_code == 200


def test_setting_up_an_authenticator_revokes_tokens_obtained_without_one(client):
    user = person("officer", roles.DOIT_OFFICER)
    _, key = services.token_issue(user=user, second_factor=False)
    client.post("/accounts/login/", {"username": "officer", "password": PASSWORD})
    client.get("/accounts/2fa/setup/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert _client(key).get(TOKENS).status_code == 200  # an unconfirmed device changes nothing yet
    assert client.post("/accounts/2fa/setup/", {"token": _code(device)}).status_code == 302
    assert _client(key).get(TOKENS).status_code == 401
    assert _revocations("officer").get().detail["reason"] == "two_factor_enabled"

    # A token obtained with the code works, and later uses of the authenticator leave it alone.
    device.refresh_from_db()
    device.throttle_reset()
    device.last_t = -1
    device.save()
    response = _obtain("officer", otp=_code(device))
    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).second_factor
    device.verify_token("000000")  # saves the device (throttling)
    assert _client(response.json()["token"]).get(TOKENS).status_code == 200


def test_a_device_added_directly_also_revokes_and_a_token_without_code_is_refused_meanwhile():
    user = person("officer", roles.DOIT_OFFICER)
    _, key = services.token_issue(user=user, second_factor=False)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert not ApiToken.objects.filter(user=user).exists()
    # Even a token that escaped revocation (say, written by hand) is refused while a device exists.
    _, key = services.token_issue(user=user, second_factor=False)
    response = _client(key).get(TOKENS)
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "second_factor"


def test_gaining_a_role_that_must_use_two_factor_revokes_tokens_without_a_code(settings):
    settings.ICIS_REQUIRE_2FA = True
    user = person("someone", roles.COMMUNE_OFFICIAL)
    _, key = services.token_issue(user=user, second_factor=False)
    assert _client(key).get(TOKENS).status_code == 200
    user.groups.add(Group.objects.get(name=roles.DOIT_OFFICER.name))
    assert _client(key).get(TOKENS).status_code == 401
    assert _revocations("someone").get().detail["reason"] == "two_factor_required"


def test_a_role_gaining_the_permission_revokes_its_members_tokens(settings):
    from django.contrib.auth.models import Permission

    settings.ICIS_REQUIRE_2FA = True
    user = person("commune", roles.COMMUNE_OFFICIAL)
    _, key = services.token_issue(user=user, second_factor=False)
    group = Group.objects.get(name=roles.COMMUNE_OFFICIAL.name)
    group.permissions.add(Permission.objects.get(codename="requires_2fa"))
    assert not ApiToken.objects.filter(user=user).exists()


def test_becoming_superuser_under_required_two_factor_revokes(settings):
    settings.ICIS_REQUIRE_2FA = True
    user = person("someone")
    services.token_issue(user=user, second_factor=False)
    user.is_superuser = True
    user.save()
    assert not ApiToken.objects.filter(user=user).exists()


def test_without_required_two_factor_gaining_a_role_keeps_tokens(settings):
    settings.ICIS_REQUIRE_2FA = False
    user = person("someone", roles.COMMUNE_OFFICIAL)
    services.token_issue(user=user, second_factor=False)
    user.groups.add(Group.objects.get(name=roles.DOIT_OFFICER.name))
    assert ApiToken.objects.filter(user=user).exists()


def test_switching_required_two_factor_on_refuses_old_tokens_without_a_code(settings, in_english):
    user = person("officer", roles.DOIT_OFFICER)
    _, key = services.token_issue(user=user, second_factor=False)
    settings.ICIS_REQUIRE_2FA = True  # a configuration change sends no signal
    response = _client(key).get(TOKENS)
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "second_factor"
    other = person("commune", roles.COMMUNE_OFFICIAL)
    assert _client(services.token_issue(user=other, second_factor=False)[1]).get(TOKENS).status_code == 200


def test_a_user_who_must_use_two_factor_gets_no_token_without_a_code(settings, in_english):
    settings.ICIS_REQUIRE_2FA = True
    user = person("officer", roles.DOIT_OFFICER)
    response = _obtain("officer")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "otp"
    assert "/accounts/2fa/setup/" in response.json()["errors"][0]["message"]
    assert _obtain("officer", otp="123456").status_code == 400
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    wrong = _obtain("officer", otp="000000")
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "otp"
    assert AuditEvent.objects.filter(action="login_failed", username="officer", subject__contains="one-time").exists()
    device.throttle_reset()
    ok = _obtain("officer", otp=_code(device))
    assert ok.status_code == 200
    assert _client(ok.json()["token"]).get("/api/clusters/").status_code == 200
    assert not ApiToken.objects.filter(second_factor=False).exists()


def test_the_token_endpoint_lists_only_your_tokens_and_revokes_them():
    officer = person("officer", roles.DOIT_OFFICER)
    other = person("other", roles.DOIT_OFFICER)
    mine, key = services.token_issue(user=officer, second_factor=False)
    spare, _ = services.token_issue(user=officer, second_factor=False)
    theirs, their_key = services.token_issue(user=other, second_factor=False)
    client = _client(key)
    listed = client.get(TOKENS).json()
    assert [row["id"] for row in listed] == [spare.pk, mine.pk]
    assert {row["current"] for row in listed if row["id"] == mine.pk} == {True}
    assert set(listed[0]) == {
        "id",
        "key",
        "created_at",
        "last_used_at",
        "expires_at",
        "expired",
        "second_factor",
        "current",
    }
    assert client.delete(f"{TOKENS}{theirs.pk}/").status_code == 404
    assert _client(their_key).get(TOKENS).status_code == 200
    assert client.delete(f"{TOKENS}{spare.pk}/").status_code == 204
    assert client.delete(f"{TOKENS}{spare.pk}/").status_code == 404
    assert client.delete(f"{TOKENS}{mine.pk}/").status_code == 204
    assert client.get(TOKENS).status_code == 401
    assert _revocations("officer").count() == 2
    assert _revocations("officer").first().actor == officer
    assert APIClient().get(TOKENS).status_code == 401


def test_the_token_page_lists_and_revokes(client, in_english):
    officer = person("officer", roles.DOIT_OFFICER)
    other = person("other", roles.DOIT_OFFICER)
    mine, key = services.token_issue(user=officer, second_factor=False)
    services.token_issue(user=officer, second_factor=False)
    theirs, _ = services.token_issue(user=other, second_factor=False)
    client.force_login(officer)
    page = client.get("/accounts/tokens/")
    html = page.content.decode()
    assert page.status_code == 200 and f"{mine.prefix}…" in html and theirs.prefix not in html
    assert key not in html
    assert 'href="/accounts/tokens/"' in client.get("/").content.decode()  # in the account menu

    for bad in [str(theirs.pk), "x", "", "99999999999999999999"]:
        response = client.post("/accounts/tokens/", {"token": bad}, follow=True)
        assert response.status_code == 200 and "does not exist" in response.content.decode()
    assert ApiToken.objects.count() == 3

    response = client.post("/accounts/tokens/", {"token": mine.pk}, follow=True)
    assert "revoked" in response.content.decode()
    assert _client(key).get(TOKENS).status_code == 401
    response = client.post("/accounts/tokens/", {"all": "1"}, follow=True)
    assert "1 token revoked" in response.content.decode()
    assert list(ApiToken.objects.values_list("user__username", flat=True)) == ["other"]
    assert client.get("/accounts/tokens/").content.decode().count('id="no-tokens"') == 1


def test_the_token_page_needs_a_sign_in(client):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
