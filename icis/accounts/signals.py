"""Security events into the audit log: sign-ins, failures, sign-outs, role and scope changes; API tokens
revoked when the password changes or a second factor is set up or becomes required."""

from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from icis.core.audit import current_user

from . import services
from .models import AuditEvent, Scope, User
from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(action=AuditEvent.Action.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditEvent.Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    audit_record(action=AuditEvent.Action.LOGIN_FAILED, username=credentials.get("username", "")[:150], request=request)


@receiver(m2m_changed, sender=User.groups.through)
def _roles_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    kind = AuditEvent.Action.ROLE_ADDED if action == "post_add" else AuditEvent.Action.ROLE_REMOVED
    if reverse:  # group.user_set.add(...)
        pairs = [(user, instance.name) for user in User.objects.filter(pk__in=pk_set)]
    else:
        pairs = [(instance, group.name) for group in Group.objects.filter(pk__in=pk_set)]
    for user, role in pairs:
        audit_record(action=kind, user=current_user(), subject=f"{user.username}: {role}", role=role)


@receiver(post_save, sender=Scope)
def _scope_added(sender, instance, created, **kwargs):
    if created:
        audit_record(
            action=AuditEvent.Action.SCOPE_ADDED, user=current_user(), subject=f"{instance.user.username}: {instance}"
        )


@receiver(post_delete, sender=Scope)
def _scope_removed(sender, instance, **kwargs):
    audit_record(
        action=AuditEvent.Action.SCOPE_REMOVED, user=current_user(), subject=f"{instance.user.username}: {instance}"
    )


@receiver(post_save, sender=User)
def _password_or_superuser_changed(sender, instance, created, update_fields=None, **kwargs):
    if created or (update_fields is not None and not {"password", "is_superuser"} & set(update_fields)):
        return  # e.g. last_login on every sign-in
    # set_password() leaves the new password in _password until save() has run password_changed;
    # a hash upgrade on sign-in clears it first, so only a real change revokes.
    if getattr(instance, "_password", None) is not None:
        services.tokens_revoke(user=instance, reason="password_changed", actor=current_user() or instance)
    elif instance.is_superuser:
        services.tokens_revoke_if_second_factor_now_required(users=[instance], actor=current_user())


@receiver(post_init, sender=TOTPDevice)
def _remember_device_state(sender, instance, **kwargs):
    instance._icis_was_confirmed = instance.confirmed


@receiver(post_save, sender=TOTPDevice)
def _device_confirmed(sender, instance, created, **kwargs):
    # Every verification saves the device (counters, throttling): act only when it becomes confirmed.
    if instance.confirmed and (created or not instance._icis_was_confirmed):
        services.tokens_revoke(user=instance.user, reason="two_factor_enabled", actor=current_user() or instance.user)
    instance._icis_was_confirmed = instance.confirmed


def _gained(action, pk_set) -> bool:
    return action == "post_add" and bool(pk_set)


@receiver(m2m_changed, sender=User.groups.through)
@receiver(m2m_changed, sender=User.user_permissions.through)
def _user_gained_roles_or_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    if not _gained(action, pk_set):
        return
    users = User.objects.filter(pk__in=pk_set) if reverse else [instance]
    services.tokens_revoke_if_second_factor_now_required(users=users, actor=current_user())


@receiver(m2m_changed, sender=Group.permissions.through)
def _role_gained_permissions(sender, instance, action, reverse, pk_set, **kwargs):
    if not _gained(action, pk_set):
        return
    groups = Group.objects.filter(pk__in=pk_set) if reverse else [instance]
    users = User.objects.filter(groups__in=groups).distinct()
    services.tokens_revoke_if_second_factor_now_required(users=users, actor=current_user())
