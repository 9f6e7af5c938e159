"""Security writes: audit events, two-factor devices, API tokens, scopes; organisations."""

import datetime
import hashlib
import secrets

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from icis.core import channel
from icis.core.changes import apply_changes
from icis.core.concurrency import check_version
from icis.core.network import client_ip

from .models import INVESTOR_KINDS, ApiToken, AuditEvent, Organisation, User

__all__ = ["client_ip"]  # re-exported: callers read the client address from here
# A user's live tokens beyond this many: the oldest is revoked when another is issued.
TOKENS_PER_USER = 20
# last_used_at is written at most this often per token, so reads do not all write.
TOKEN_TOUCH_SECONDS = 60


def audit_record(*, action: str, user=None, username: str = "", request=None, subject: str = "", **detail) -> None:
    AuditEvent.objects.create(
        action=action,
        actor=user if user is not None and user.pk else None,
        username=username or (user.get_username() if user is not None else ""),
        subject=subject,
        via=channel.current(),
        ip=client_ip(request),
        detail=detail,
    )


def second_factor_required(user) -> bool:
    """Whether policy forces a second factor on this user (ICIS_REQUIRE_2FA and the role says so)."""
    return bool(settings.ICIS_REQUIRE_2FA and (user.is_superuser or user.has_perm("accounts.requires_2fa")))


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_needed(user) -> bool:
    """A second factor is asked of anyone who set one up, and of everyone policy requires it of."""
    return has_confirmed_device(user) or second_factor_required(user)


def otp_verify(user, token: str):
    token = (token or "").strip()
    if not token.isdigit():
        return None
    return match_token(user, token)


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """A fresh unconfirmed authenticator for the user (replacing an unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, token: str, request=None) -> bool:
    if not (token or "").strip().isdigit() or not device.verify_token(token.strip()):
        return False
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    audit_record(action=AuditEvent.Action.TWO_FACTOR, user=device.user, request=request, subject="TOTP confirmed")
    return True


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_issue(*, user, second_factor: bool, request=None) -> tuple[ApiToken, str]:
    """A new API token for `user`, valid ICIS_TOKEN_TTL_HOURS; returns it and the key, shown only now.

    `second_factor` says the request proved a one-time code: tokens without one stop working for users
    who must use a second factor.
    """
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()  # expired ones have no use left
    surplus = list(ApiToken.objects.filter(user=user).order_by("-created_at", "-id")[TOKENS_PER_USER - 1 :])
    if surplus:
        _revoke(surplus, user=user, actor=user, request=request, reason="limit")
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        user=user,
        digest=_digest(key),
        prefix=key[:8],
        expires_at=now + datetime.timedelta(hours=settings.ICIS_TOKEN_TTL_HOURS),
        second_factor=second_factor,
    )
    audit_record(
        action=AuditEvent.Action.TOKEN,
        user=user,
        request=request,
        subject=f"{user.get_username()}: {token.prefix}…",
        token=token.prefix,
        expires=token.expires_at.isoformat(),
        second_factor=second_factor,
    )
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    """The token with this key (its user loaded, `has_device` annotated), or None."""
    devices = TOTPDevice.objects.filter(user=OuterRef("user"), confirmed=True)
    return (
        ApiToken.objects.select_related("user").annotate(has_device=Exists(devices)).filter(digest=_digest(key)).first()
    )


def token_touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOKEN_TOUCH_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def _revoke(tokens, *, user, actor, request, reason: str) -> int:
    tokens = list(tokens)
    if not tokens:
        return 0
    ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).delete()
    prefixes = [token.prefix for token in tokens]
    audit_record(
        action=AuditEvent.Action.TOKEN_REVOKED,
        user=actor,
        request=request,
        subject=f"{user.get_username()}: {', '.join(f'{p}…' for p in prefixes)}"[:255],
        tokens=prefixes,
        reason=reason,
    )
    return len(tokens)


@transaction.atomic
def token_revoke(*, token: ApiToken, actor, request=None) -> None:
    """Revoke one token (its owner, from the token list page or the API)."""
    _revoke([token], user=token.user, actor=actor, request=request, reason="revoked")


@transaction.atomic
def tokens_revoke(*, user, reason: str, actor=None, request=None, without_second_factor: bool = False) -> int:
    """Revoke every token of `user` (or only those issued without a one-time code); one audit event."""
    tokens = ApiToken.objects.filter(user=user)
    if without_second_factor:
        tokens = tokens.filter(second_factor=False)
    return _revoke(tokens.select_related("user"), user=user, actor=actor, request=request, reason=reason)


def tokens_revoke_if_second_factor_now_required(*, users, actor=None) -> None:
    """After a role or permission change: users policy now requires a second factor of lose the tokens
    they obtained without one."""
    if not settings.ICIS_REQUIRE_2FA:
        return
    for user in User.objects.filter(pk__in=[u.pk for u in users]):  # fresh: no stale permission cache
        if second_factor_required(user):
            tokens_revoke(user=user, reason="two_factor_required", actor=actor, without_second_factor=True)


# ------------------------------------------------------------------------------------------ organisations

ORGANISATION_FIELDS = ("name", "kind", "tax_code", "address", "notes")


@transaction.atomic
def organisation_create(*, data: dict, actor) -> Organisation:
    organisation = Organisation(**{key: value for key, value in data.items() if key in ORGANISATION_FIELDS})
    organisation.full_clean()
    organisation._history_user = actor
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict, actor, expected_version=None) -> Organisation:
    """Change only the fields that differ; a stale edit is refused. An organisation named as a
    cluster's infrastructure investor keeps the kind "investor"."""
    current = Organisation.objects.select_for_update().get(pk=organisation.pk)
    check_version(current, expected_version)
    changed = apply_changes(current, {key: value for key, value in data.items() if key in ORGANISATION_FIELDS})
    if "kind" in changed and changed["kind"] not in INVESTOR_KINDS:
        invests = apps.get_model("clusters", "Cluster").objects.filter(investor=current)
        if invests.exists():
            raise ValidationError(
                {
                    "kind": _("It is the infrastructure investor of %(clusters)s: name another investor there first.")
                    % {"clusters": ", ".join(invests.values_list("name", flat=True)[:5])}
                }
            )
    if changed:
        current.full_clean()
        current.version += 1
        current._history_user = actor
        current.save()
    return current
