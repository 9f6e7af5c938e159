"""Security writes: audit events, two-factor devices, scopes."""

from django.conf import settings
from django.db import transaction
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from icis.core import channel

from .models import AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
