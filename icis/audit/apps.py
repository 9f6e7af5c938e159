from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "icis.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self):
        from icis.core.registry import MenuItem, menu

        menu.register(
            MenuItem("audit", _("Audit log"), "audit:log", order=950, permissions=("accounts.view_auditlog",))
        )
