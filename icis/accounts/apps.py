from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "icis.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import signals  # noqa: F401

        post_migrate.connect(_sync_roles, sender=self)


def _sync_roles(sender, **kwargs):
    # Roles are data in code (roles.py); keep the groups in step after every migrate.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .roles import roles_sync

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=kwargs.get("using", "default"))
    roles_sync()
