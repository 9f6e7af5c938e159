"""Security events into the audit log: sign-ins, failures, sign-outs, role and scope changes."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from icis.core.audit import current_user

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
    from django.contrib.auth.models import Group

    kind = AuditEvent.Action.ROLE_ADDED if action == "post_add" else AuditEvent.Action.ROLE_REMOVED
    if reverse:  # group.user_set.add(...)
        pairs = [(user, instance.name) for user in User.objects.filter(pk__in=pk_set)]
    else:
        pairs = [(instance, group.name) for group in Group.objects.filter(pk__in=pk_set)]
    for user, role in pairs:
        audit_record(action=kind, user=current_user(), subject=f"{user.username}: {role}", role=role)


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
