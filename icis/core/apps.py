from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "icis.core"
    label = "core"
    verbose_name = "ICIS core"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from .registry import MenuItem, menu

        menu.register(MenuItem("api", _("API"), "api:docs", order=900))
        menu.register(MenuItem("admin", _("Administration"), "admin:index", order=990, staff_only=True))
        from . import audit  # noqa: F401  (connects the history signal)

        self.admin_reads_numbers_as_people_type_them()

    @staticmethod
    def admin_reads_numbers_as_people_type_them():
        """The administration's decimal boxes take "37,78" like every page form (icis/core/fields.py), instead
        of Django's number box, which drops what it cannot read."""
        from django.contrib import admin
        from django.contrib.admin import options
        from django.db import models

        from .fields import DecimalField

        typed = {"form_class": DecimalField}
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DecimalField] = typed
        # The admin app's own ready() may already have built the registered ModelAdmins from the old default.
        for model_admin in admin.site._registry.values():
            model_admin.formfield_overrides.setdefault(models.DecimalField, typed)
