"""Security events into the audit log: sign-ins, failures, sign-outs, and every change to who may do
what (roles and their permissions, direct permissions, scopes, cluster assignments, privileges,
passwords), whichever interface made it: admin, pages, API, commands or the shell all save models.
API tokens are revoked when the password changes or a second factor is set up or becomes required.

Field-level history of users, organisations, groups, scopes and assignments is simple-history's.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save
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


def _m2m_change(instance, action, reverse, pk_set, model) -> tuple[str, list] | None:
    """("add" or "remove", [(user-side object, other-side object)]) for a membership change, or None.

    A clear() names no rows afterwards, so the rows are read just before it (pre_clear).
    """
    if action == "pre_clear":
        field = "user_set" if reverse else ("groups" if model is Group else "user_permissions")
        others = list(getattr(instance, field).all())
        return "remove", [(other, instance) if reverse else (instance, other) for other in others]
    if action not in ("post_add", "post_remove") or not pk_set:
        return None
    others = model.objects.filter(pk__in=pk_set)
    pairs = [(other, instance) if reverse else (instance, other) for other in others]
    return ("add" if action == "post_add" else "remove"), pairs


@receiver(m2m_changed, sender=User.groups.through)
def _roles_changed(sender, instance, action, reverse, pk_set, model, **kwargs):
    change = _m2m_change(instance, action, reverse, pk_set, model)
    if not change or not change[1]:
        return
    kind = AuditEvent.Action.ROLE_ADDED if change[0] == "add" else AuditEvent.Action.ROLE_REMOVED
    for user, group in change[1]:
        audit_record(action=kind, user=current_user(), subject=f"{user.username}: {group.name}", role=group.name)


@receiver(m2m_changed, sender=User.user_permissions.through)
def _permissions_changed(sender, instance, action, reverse, pk_set, model, **kwargs):
    change = _m2m_change(instance, action, reverse, pk_set, model)
    if not change or not change[1]:
        return
    kind = AuditEvent.Action.PERMISSION_ADDED if change[0] == "add" else AuditEvent.Action.PERMISSION_REMOVED
    for user, permission in change[1]:
        dotted = f"{permission.content_type.app_label}.{permission.codename}"
        audit_record(action=kind, user=current_user(), subject=f"{user.username}: {dotted}", permission=dotted)


@receiver(m2m_changed, sender=Group.permissions.through)
def _role_permissions_changed(sender, instance, action, reverse, pk_set, model, **kwargs):
    """One event per role and change, listing the permissions added or withdrawn."""
    if action == "pre_clear":
        groups = [instance] if not reverse else list(instance.group_set.all())
        for group in groups:
            removed = [instance] if reverse else list(group.permissions.all())
            _role_event(group, "removed", removed)
        return
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    verb = "added" if action == "post_add" else "removed"
    if reverse:  # permission.group_set.add(...)
        for group in Group.objects.filter(pk__in=pk_set):
            _role_event(group, verb, [instance])
    else:
        _role_event(instance, verb, list(Permission.objects.filter(pk__in=pk_set).select_related("content_type")))


def _role_event(group, verb: str, permissions: list) -> None:
    if permissions:
        dotted = sorted(f"{p.content_type.app_label}.{p.codename}" for p in permissions)
        audit_record(
            action=AuditEvent.Action.ROLE_PERMS_CHANGED, user=current_user(), subject=group.name, **{verb: dotted}
        )


PRIVILEGES = ("is_superuser", "is_staff", "is_active", "organisation_id")


@receiver(pre_save, sender=User)
def _account_changing(sender, instance, update_fields=None, raw=False, **kwargs):
    """Note, before the save, whether the password or a privilege is changing (compared with the row)."""
    instance._audit_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    # A sign-in saves only last_login: no history row for it (the sign-in is a security event).
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        instance.skip_history_when_saving = True
        return
    instance._audit_before = User.objects.filter(pk=instance.pk).values("password", *PRIVILEGES).first()


@receiver(post_save, sender=User)
def _account_changed(sender, instance, created, **kwargs):
    if hasattr(instance, "skip_history_when_saving"):
        del instance.skip_history_when_saving
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    if before["password"] != instance.password:  # the event, never the hash
        audit_record(
            action=AuditEvent.Action.PASSWORD_CHANGED,
            user=current_user(),
            subject=instance.username,
            usable=instance.has_usable_password(),
        )
    changed = {
        name.removesuffix("_id"): f"{before[name]} → {getattr(instance, name)}"
        for name in PRIVILEGES
        if before[name] != getattr(instance, name)
    }
    if changed:
        audit_record(
            action=AuditEvent.Action.PRIVILEGES_CHANGED, user=current_user(), subject=instance.username, **changed
        )


@receiver(post_save, sender=Scope)
def _scope_added(sender, instance, created, raw=False, **kwargs):
    if created and not raw:  # loaddata (raw) replays stored rows: nothing was granted, and the user may not exist yet
        audit_record(
            action=AuditEvent.Action.SCOPE_ADDED, user=current_user(), subject=f"{instance.user.username}: {instance}"
        )


@receiver(post_delete, sender=Scope)
def _scope_removed(sender, instance, **kwargs):
    audit_record(
        action=AuditEvent.Action.SCOPE_REMOVED, user=current_user(), subject=f"{instance.user.username}: {instance}"
    )


# Cluster-level scopes live with the clusters; named lazily so that accounts does not import clusters.
@receiver(post_save, sender="clusters.ClusterAssignment")
def _assignment_added(sender, instance, created, **kwargs):
    if created:
        audit_record(
            action=AuditEvent.Action.SCOPE_ADDED,
            user=current_user(),
            subject=f"{instance.user.username}: {instance.cluster}",
            cluster=instance.cluster_id,
        )


@receiver(post_delete, sender="clusters.ClusterAssignment")
def _assignment_removed(sender, instance, **kwargs):
    audit_record(
        action=AuditEvent.Action.SCOPE_REMOVED,
        user=current_user(),
        subject=f"{instance.user.username}: {instance.cluster}",
        cluster=instance.cluster_id,
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
