from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "icis.dashboard"
    label = "dashboard"
    verbose_name = _("dashboard")

    def ready(self):
        from icis.core.registry import MenuItem, menu

        menu.register(MenuItem("dashboard", _("Dashboard"), "dashboard:home", order=10, section="dashboard"))
