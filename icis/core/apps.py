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
