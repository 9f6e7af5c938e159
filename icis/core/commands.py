"""Helpers for management commands: who is acting, so that no command edit goes unlogged."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

SYSTEM_USERNAME = "system"


def command_actor(username: str | None):
    """The named user, or the inactive `system` account that signs automated changes."""
    User = get_user_model()
    if username:
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"--actor {username}: no such user") from None
    user, created = User.objects.get_or_create(username=SYSTEM_USERNAME, defaults={"is_active": False})
    if created:
        user.set_unusable_password()
        user.save()
    return user
